"""SQL of alert events, and the per-day and per-month amounts the anomaly rule looks at."""

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, insert, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from costwatch.db.data_version import mark_changed
from costwatch.db.repository import AnySelect, Repository
from costwatch.models import AlertEvent, InfraInvoice, UsageBalance, UsageConsumptionDay

OPEN_STATES = ("open", "acknowledged")
CHUNK = 500
"""Keys or ids per statement: far under SQLite's variable limit and MariaDB's packet size."""

# The events an evaluation changes are never loaded as ORM objects: nothing to synchronize
# (the default would try to evaluate each WHERE in Python, or read the rows first).
NO_SYNC = {"synchronize_session": False}

ROWS_PER_PART = 2000
"""Rows of a large read made ready between two yields to the event loop (a few ms)."""

Key = tuple[str, str, int, str]
"""An event's identity: kind, subject key, threshold, period."""


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """What an evaluation needs of a stored event: plain values, not a tracked ORM object.

    An evaluation looks at every unresolved event (over a thousand on a large ledger) and
    changes few of them; loading them as ORM objects cost most of its CPU time.
    """

    id: int
    kind: str
    subject_key: str
    threshold: int
    period: str
    message: str
    state: str
    last_seen: datetime

    @property
    def key(self) -> Key:
        """The event's identity."""
        return (self.kind, self.subject_key, self.threshold, self.period)


_STORED_COLUMNS = (
    AlertEvent.id,
    AlertEvent.kind,
    AlertEvent.subject_key,
    AlertEvent.threshold,
    AlertEvent.period,
    AlertEvent.message,
    AlertEvent.state,
    AlertEvent.last_seen,
)


def _chunks[T](items: Sequence[T]) -> Iterable[Sequence[T]]:
    return (items[start : start + CHUNK] for start in range(0, len(items), CHUNK))


class AlertRepository(Repository[AlertEvent]):
    """CRUD on ``alert_event``."""

    model = AlertEvent

    async def find_locked(self, key: Key) -> StoredEvent | None:
        """The event with that key, locked, as plain values."""
        kind, subject_key, threshold, period = key
        stmt = select(*_STORED_COLUMNS).where(
            AlertEvent.kind == kind,
            AlertEvent.subject_key == subject_key,
            AlertEvent.threshold == threshold,
            AlertEvent.period == period,
        )
        row = (await self.session.execute(stmt.with_for_update())).one_or_none()
        return None if row is None else StoredEvent(*row)

    async def unresolved(self) -> list[StoredEvent]:
        """Every open or acknowledged event, by id, locked (the run may change or resolve them)."""
        stmt = (
            select(*_STORED_COLUMNS)
            .where(AlertEvent.state.in_(OPEN_STATES))
            .order_by(AlertEvent.id)
            .with_for_update()
        )
        return [StoredEvent(*row) for row in await self.session.execute(stmt)]

    async def stored(self, keys: Sequence[Key]) -> list[StoredEvent]:
        """The events with these keys that exist (a plain read: no lock, no gap lock)."""
        found: list[StoredEvent] = []
        identity = tuple_(
            AlertEvent.kind, AlertEvent.subject_key, AlertEvent.threshold, AlertEvent.period
        )
        for chunk in _chunks(keys):
            stmt = select(*_STORED_COLUMNS).where(identity.in_(chunk))
            found.extend(StoredEvent(*row) for row in await self.session.execute(stmt))
        return found

    async def lock(self, ids: Sequence[int]) -> list[StoredEvent]:
        """The events with these ids, locked, as they are now, by id."""
        found: list[StoredEvent] = []
        for chunk in _chunks(sorted(ids)):
            stmt = (
                select(*_STORED_COLUMNS)
                .where(AlertEvent.id.in_(chunk))
                .order_by(AlertEvent.id)
                .with_for_update()
            )
            found.extend(StoredEvent(*row) for row in await self.session.execute(stmt))
        return found

    async def insert_many(self, rows: Sequence[dict[str, Any]]) -> None:
        """Insert new events (all or none: a duplicate key fails the statement)."""
        for chunk in _chunks(rows):
            await self.session.execute(insert(AlertEvent), list(chunk))
        mark_changed(self.session.sync_session)

    async def set_seen(self, ids: Sequence[int], when: datetime) -> None:
        """Move ``last_seen`` of these events to ``when``."""
        for chunk in _chunks(sorted(ids)):
            await self.session.execute(
                update(AlertEvent).where(AlertEvent.id.in_(chunk)).values(last_seen=when),
                execution_options=NO_SYNC,
            )
        mark_changed(self.session.sync_session)

    async def set_messages(self, messages: dict[int, str], when: datetime, *, reopen: bool) -> None:
        """Give each event (id) its new message, seen at ``when``; ``reopen``: open again."""
        reopened: dict[str, object] = (
            {"state": "open", "resolved_at": None, "acknowledged_at": None} if reopen else {}
        )
        for chunk in _chunks(sorted(messages)):
            message = case(
                {event_id: messages[event_id] for event_id in chunk}, value=AlertEvent.id
            )
            await self.session.execute(
                update(AlertEvent)
                .where(AlertEvent.id.in_(chunk))
                .values(message=message, last_seen=when, **reopened),
                execution_options=NO_SYNC,
            )
        mark_changed(self.session.sync_session)

    async def resolve(self, ids: Sequence[int], when: datetime) -> None:
        """Mark these events resolved at ``when``."""
        for chunk in _chunks(sorted(ids)):
            await self.session.execute(
                update(AlertEvent)
                .where(AlertEvent.id.in_(chunk))
                .values(state="resolved", resolved_at=when),
                execution_options=NO_SYNC,
            )
        mark_changed(self.session.sync_session)

    async def to_notify(self) -> list[AlertEvent]:
        """Events not yet notified that are still worth telling (open), oldest first."""
        stmt = (
            select(AlertEvent)
            .where(AlertEvent.notified_at.is_(None), AlertEvent.state == "open")
            .order_by(AlertEvent.id)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def mark_notified(self, event_ids: Sequence[int], when: datetime) -> None:
        """Record that events' channels were told (once: the first run to finish wins)."""
        for chunk in _chunks(sorted(event_ids)):
            await self.session.execute(
                update(AlertEvent)
                .where(AlertEvent.id.in_(chunk), AlertEvent.notified_at.is_(None))
                .values(notified_at=when),
                execution_options=NO_SYNC,
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
    return [(row[0], row[1], row[2]) for row in await _many_rows(session, stmt)]


async def _many_rows(session: AsyncSession, stmt: AnySelect) -> list[Any]:
    """All rows of a large read, made into rows a part at a time, letting requests through.

    Through the connection: the ORM's result layer (which tuples of columns do not need)
    cost more than the query. The driver has the rows buffered once ``execute`` returns;
    turning 20,000 of them into typed rows takes some 70 ms, which in one go would hold every
    request of the process that long.
    """
    connection = await session.connection()
    result = await connection.execute(stmt)
    rows: list[Any] = []
    for part in result.partitions(ROWS_PER_PART):
        rows.extend(part)
        await asyncio.sleep(0)
    return rows


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
    return [(row[0], row[1], row[2], row[3]) for row in await _many_rows(session, stmt)]
