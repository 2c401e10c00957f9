"""The ``provider_connection`` and ``sync_run`` tables: automatic billing sync."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CHAR, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from costwatch.models.base import Base, BigId, IdMixin, Money, TimestampMixin


class ProviderConnection(IdMixin, TimestampMixin, Base):
    """A provider's billing API that feeds one Usage service's consumption, day by day.

    ``credentials`` holds the provider's key(s) as a JSON object encrypted with the
    deployment's key (Fernet, see ``costwatch.vault``); it is never returned.
    ``synced_through`` is the last day a sync completed: the next one resumes there.
    """

    __tablename__ = "provider_connection"

    kind: Mapped[str] = mapped_column(String(16))  # openai | anthropic | twilio | openrouter
    name: Mapped[str] = mapped_column(String(100))
    service_id: Mapped[int] = mapped_column(BigId, ForeignKey("service.id"), index=True)
    credentials: Mapped[str] = mapped_column(Text)
    base_url: Mapped[str | None] = mapped_column(String(255))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    sync_from: Mapped[date] = mapped_column(Date)
    synced_through: Mapped[date | None] = mapped_column(Date)
    last_sync_at: Mapped[datetime | None] = mapped_column(DateTime())
    last_status: Mapped[str] = mapped_column(String(8), default="never", server_default="never")
    last_error: Mapped[str | None] = mapped_column(String(500))
    provider_balance: Mapped[Decimal | None] = mapped_column(Money(16))
    provider_balance_currency: Mapped[str | None] = mapped_column(CHAR(3))


class SyncRun(IdMixin, Base):
    """One sync of a connection: when, how far it got, and what it changed."""

    __tablename__ = "sync_run"
    __table_args__ = (Index("ix_sync_run_connection", "connection_id", "id"),)

    connection_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("provider_connection.id", ondelete="CASCADE")
    )
    started_at: Mapped[datetime] = mapped_column(DateTime())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime())
    status: Mapped[str] = mapped_column(String(8))  # running | ok | error
    trigger: Mapped[str] = mapped_column(String(10))  # manual | schedule
    first_day: Mapped[date | None] = mapped_column(Date)
    through: Mapped[date | None] = mapped_column(Date)
    days: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(500))
