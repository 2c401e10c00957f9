"""SQL of alert events, and the per-day and per-month amounts the anomaly rule looks at."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from costwatch.db.repository import Repository
from costwatch.models import AlertEvent, InfraInvoice, UsageBalance, UsageConsumptionDay

OPEN_STATES = ("open", "acknowledged")


class AlertRepository(Repository[AlertEvent]):
    """CRUD on ``alert_event``."""

    model = AlertEvent

    async def find(
        self, kind: str, subject_key: str, threshold: int, period: str, *, for_update: bool = False
    ) -> AlertEvent | None:
        """The event with that key, if any (``for_update`` locks it)."""
        stmt = select(AlertEvent).where(
            AlertEvent.kind == kind,
            AlertEvent.subject_key == subject_key,
            AlertEvent.threshold == threshold,
            AlertEvent.period == period,
        )
        if for_update:
            stmt = stmt.with_for_update().execution_options(populate_existing=True)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def unresolved(self) -> list[AlertEvent]:
        """Every open or acknowledged event, by id, locked (the run may resolve them)."""
        stmt = (
            select(AlertEvent)
            .where(AlertEvent.state.in_(OPEN_STATES))
            .order_by(AlertEvent.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def to_notify(self) -> list[AlertEvent]:
        """Events not yet notified that are still worth telling (open), oldest first."""
        stmt = (
            select(AlertEvent)
            .where(AlertEvent.notified_at.is_(None), AlertEvent.state == "open")
            .order_by(AlertEvent.id)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def mark_notified(self, event_id: int, when: datetime) -> None:
        """Record that an event's channels were told (once: the first run to finish wins)."""
        await self.session.execute(
            update(AlertEvent)
            .where(AlertEvent.id == event_id, AlertEvent.notified_at.is_(None))
            .values(notified_at=when)
        )

    async def list_page(
        self, *, state: str | None, kind: str | None, limit: int | None, offset: int
    ) -> tuple[list[AlertEvent], int]:
        """Events matching the filters, newest first, and how many match."""
        conditions = []
        if state is not None:
            conditions.append(AlertEvent.state == state)
        if kind is not None:
            conditions.append(AlertEvent.kind == kind)
        stmt = select(AlertEvent).where(*conditions).order_by(AlertEvent.id.desc()).offset(offset)
        if limit is not None:
            stmt = stmt.limit(limit)
        rows = list((await self.session.execute(stmt)).scalars())
        count = select(func.count()).select_from(AlertEvent).where(*conditions)
        return rows, (await self.session.execute(count)).scalar_one()


async def daily_consumption(
    session: AsyncSession, start: date, end: date
) -> list[tuple[int, date, Decimal]]:
    """Consumption per service and day from ``start`` to ``end``, from the daily totals."""
    daily = UsageConsumptionDay
    stmt = select(daily.service_id, daily.day, daily.amount).where(
        daily.day.between(start, end), daily.amount != 0
    )
    return [(row[0], row[1], row[2]) for row in (await session.execute(stmt)).all()]


async def usage_currencies(session: AsyncSession, service_ids: set[int]) -> dict[int, str]:
    """The currency of each usage service's consumption (from its running balance)."""
    if not service_ids:
        return {}
    stmt = select(UsageBalance.service_id, UsageBalance.currency).where(
        UsageBalance.service_id.in_(service_ids)
    )
    return {row[0]: row[1] for row in (await session.execute(stmt)).all()}


async def monthly_invoices(
    session: AsyncSession, start: date, end: date
) -> list[tuple[int, date, Decimal, str]]:
    """Invoices from month ``start`` to ``end``: service, month, amount, currency."""
    stmt = select(
        InfraInvoice.service_id,
        InfraInvoice.invoice_month,
        InfraInvoice.amount,
        InfraInvoice.currency,
    ).where(InfraInvoice.invoice_month.between(start, end))
    return [(row[0], row[1], row[2], row[3]) for row in (await session.execute(stmt)).all()]
