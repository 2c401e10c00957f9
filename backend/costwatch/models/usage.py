"""The ``usage_topup`` and ``usage_consumption`` tables."""

from datetime import date
from decimal import Decimal

from sqlalchemy import CHAR, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from costwatch.currency import DEFAULT_CURRENCY
from costwatch.models.base import Base, BigId, IdMixin, Money, TimestampMixin


class UsageTopup(IdMixin, TimestampMixin, Base):
    """Funds added to a prepaid usage service."""

    __tablename__ = "usage_topup"
    __table_args__ = (
        Index("ix_usage_topup_service_date", "service_id", "topup_date"),
        # Covers the per-service totals of the balances.
        Index("ix_usage_topup_service_totals", "service_id", "currency", "amount_purchased"),
    )

    service_id: Mapped[int] = mapped_column(BigId, ForeignKey("service.id"))
    topup_date: Mapped[date] = mapped_column(Date)
    amount_purchased: Mapped[Decimal] = mapped_column(Money(12))
    currency: Mapped[str] = mapped_column(
        CHAR(3), default=DEFAULT_CURRENCY, server_default=DEFAULT_CURRENCY
    )


class UsageConsumption(IdMixin, TimestampMixin, Base):
    """Funds a usage service used up; an outflow, subtracted from the balance.

    ``currency`` is not sent by clients: it is the currency of the service's top-ups, stored so
    that summaries can group by it without a join.
    """

    __tablename__ = "usage_consumption"
    __table_args__ = (
        Index("ix_usage_consumption_service_date", "service_id", "consumption_date"),
        # Covers sums of raw events over a date range (the reports' windows now read
        # usage_consumption_day) and lists in date order.
        Index(
            "ix_usage_consumption_date_cover",
            "consumption_date",
            "service_id",
            "amount_consumed",
        ),
        # One synced row per service, day and source; manual rows (no source) are not limited
        # (a unique key allows any number of NULLs).
        UniqueConstraint("service_id", "consumption_date", "source", name="uk_consumption_source"),
    )

    service_id: Mapped[int] = mapped_column(BigId, ForeignKey("service.id"))
    consumption_date: Mapped[date] = mapped_column(Date)
    amount_consumed: Mapped[Decimal] = mapped_column(Money(12))
    currency: Mapped[str] = mapped_column(
        CHAR(3), default=DEFAULT_CURRENCY, server_default=DEFAULT_CURRENCY
    )
    # Where the row came from: NULL when entered by hand (or imported), "connection:<id>" when
    # a provider sync wrote it. A sync only ever touches rows of its own source.
    source: Mapped[str | None] = mapped_column(String(40))


class UsageConsumptionMonth(Base):
    """Consumption summed per service and month, kept up to date on every write.

    Derived data: summaries and balances read it instead of scanning every consumption event,
    so they stay fast as events pile up. ``usage.repository`` maintains it; a test checks it
    against a recomputation from ``usage_consumption``.
    """

    __tablename__ = "usage_consumption_month"
    # Covers the month's sums of the summaries and series (no row lookups).
    __table_args__ = (Index("ix_usage_consumption_month_cover", "month", "currency", "amount"),)

    service_id: Mapped[int] = mapped_column(BigId, ForeignKey("service.id"), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    currency: Mapped[str] = mapped_column(CHAR(3))
    # Wider than DECIMAL(12,2): a month's sum of many amounts.
    amount: Mapped[Decimal] = mapped_column(Money(16))


class UsageConsumptionDay(Base):
    """Consumption summed per day and service, kept up to date on every write.

    Derived data, like ``UsageConsumptionMonth``: a window of days (the runway's last 30 days,
    the daily usage report) sums at most one row per service and day however many events a
    day holds. Keyed by day first, so that a window is one range of the primary key. A day
    whose events were all deleted keeps a row of 0, which readers skip (as they would skip a
    day without events).
    """

    __tablename__ = "usage_consumption_day"
    __table_args__ = (Index("ix_usage_consumption_day_service", "service_id", "day"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    service_id: Mapped[int] = mapped_column(BigId, ForeignKey("service.id"), primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Money(16))


class UsageConsumptionWeek(Base):
    """Consumption summed per week (from Monday) and service, kept up to date on every write.

    Derived data, like ``UsageConsumptionDay``, which it sums: the runway's 30 days are
    their whole weeks from here and the few days at either end from the daily totals, a
    third of the rows. Keyed by week first, so that a range of weeks is one range of the
    primary key. A week whose events were all deleted keeps a row of 0.
    """

    __tablename__ = "usage_consumption_week"
    __table_args__ = (Index("ix_usage_consumption_week_service", "service_id", "week"),)

    week: Mapped[date] = mapped_column(Date, primary_key=True)
    service_id: Mapped[int] = mapped_column(BigId, ForeignKey("service.id"), primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Money(16))


class UsageBalance(Base):
    """The running balance of a usage service, kept up to date on every write.

    Derived data: one row per service that has top-ups or consumption (removed when the last
    of them is), so that balances and low-balance alerts read one row per service instead of
    summing every event. ``usage.repository`` maintains it in the writer's transaction, under
    the service's row lock; a test checks it against a recomputation from the raw rows.
    """

    __tablename__ = "usage_balance"

    service_id: Mapped[int] = mapped_column(BigId, ForeignKey("service.id"), primary_key=True)
    currency: Mapped[str] = mapped_column(CHAR(3))
    # Wider than DECIMAL(12,2): sums of many amounts.
    total_topups: Mapped[Decimal] = mapped_column(Money(16))
    total_consumed: Mapped[Decimal] = mapped_column(Money(16))
    topups: Mapped[int] = mapped_column(BigId)
    """How many top-ups (with ``consumptions``: the row goes when both reach 0)."""
    consumptions: Mapped[int] = mapped_column(BigId)
    # The last top-up: latest date, then latest entry (highest id).
    last_topup_id: Mapped[int | None] = mapped_column(BigId)
    last_topup_date: Mapped[date | None] = mapped_column(Date)
    last_topup_amount: Mapped[Decimal | None] = mapped_column(Money(12))
    # The runway's window: the consumption of the 30 days that end on window_end_day (the
    # day it was stamped for), moved by every consumption write dated in them. Balances read
    # it while the stamp is today's and sum the daily totals for a stale (or NULL) one; the
    # scheduler restamps the rows when the day moves on.
    window_end_day: Mapped[date | None] = mapped_column(Date)
    recent_consumed: Mapped[Decimal | None] = mapped_column(Money(16))
