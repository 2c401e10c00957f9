"""The ``budget`` and ``alert_event`` tables: monthly spend limits, and what the rules found."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from costwatch.models.base import Base, BigId, IdMixin, Money, TimestampMixin


class Budget(IdMixin, TimestampMixin, Base):
    """A monthly spend limit in the reporting currency: on everything, a category or a service.

    ``thresholds`` are whole percents of ``amount``, ascending and comma-separated ("80,100");
    each one crossed in a month opens one ``budget`` alert event.
    """

    __tablename__ = "budget"

    name: Mapped[str] = mapped_column(String(100))
    scope: Mapped[str] = mapped_column(String(8))  # total | category | service
    category_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("service_category.id", ondelete="CASCADE"), index=True
    )
    service_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    amount: Mapped[Decimal] = mapped_column(Money(12))
    thresholds: Mapped[str] = mapped_column(String(100))


class AlertEvent(IdMixin, Base):
    """One condition found by an alert rule, for one subject, threshold and period.

    The unique key (``kind``, ``subject_key``, ``threshold``, ``period``) is what makes an
    event, and its notification, happen once: every process that finds the same condition
    tries to insert the same key, and the database lets exactly one of them succeed.
    ``threshold`` is 0 for the rules that have none. ``notified_at`` is set once the enabled
    channels were told (or there was none to tell).
    """

    __tablename__ = "alert_event"
    __table_args__ = (
        UniqueConstraint("kind", "subject_key", "threshold", "period", name="uk_alert_event"),
        Index("ix_alert_event_state", "state", "id"),
    )

    kind: Mapped[str] = mapped_column(String(16))  # budget | low_balance | runway | ...
    subject_key: Mapped[str] = mapped_column(String(40))  # "budget:3", "service:12"
    threshold: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    period: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(200))
    service_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("service.id", ondelete="SET NULL"), index=True
    )
    budget_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("budget.id", ondelete="SET NULL"), index=True
    )
    message: Mapped[str] = mapped_column(String(500))
    state: Mapped[str] = mapped_column(String(12))  # open | acknowledged | resolved
    first_seen: Mapped[datetime] = mapped_column(DateTime())
    last_seen: Mapped[datetime] = mapped_column(DateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime())
    notified_at: Mapped[datetime | None] = mapped_column(DateTime())
