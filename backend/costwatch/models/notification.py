"""The ``notification_channel`` and ``notification_delivery`` tables: where alerts are sent."""

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from costwatch.models.base import Base, BigId, IdMixin, TimestampMixin


class NotificationChannel(IdMixin, TimestampMixin, Base):
    """An email address, a Slack incoming webhook or a signed generic webhook.

    ``secret`` (webhooks only) is the signing key as a Fernet token (``costwatch.vault``); it
    is never returned. ``kinds`` lists the alert kinds the channel receives, comma-separated.
    """

    __tablename__ = "notification_channel"

    kind: Mapped[str] = mapped_column(String(8))  # email | slack | webhook
    name: Mapped[str] = mapped_column(String(100))
    target: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str | None] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    kinds: Mapped[str] = mapped_column(String(100))


class NotificationDelivery(IdMixin, Base):
    """One message sent (or not) to a channel: a test, or an alert event's notification."""

    __tablename__ = "notification_delivery"
    __table_args__ = (
        Index("ix_notification_delivery_channel", "channel_id", "id"),
        # One notification of an event per channel, whichever process sends it (a test has
        # no event: NULLs never collide).
        UniqueConstraint("event_id", "channel_id", "event", name="uk_notification_delivery_event"),
    )

    channel_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("notification_channel.id", ondelete="CASCADE")
    )
    # The alert event notified; none for a test.
    event_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("alert_event.id", ondelete="SET NULL"), index=True
    )
    event: Mapped[str] = mapped_column(String(20))  # test | alert.opened | ...
    status: Mapped[str] = mapped_column(String(8))  # sending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    response_status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(500))
    started_at: Mapped[datetime] = mapped_column(DateTime())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime())
