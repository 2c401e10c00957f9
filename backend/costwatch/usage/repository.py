"""SQL for ``usage_topup`` and ``usage_consumption``, and the balances."""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from typing import Any
from typing import cast as cast_type

from sqlalchemy import (
    Date,
    Integer,
    Numeric,
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    literal_column,
    null,
    or_,
    select,
    type_coerce,
    union_all,
    update,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession

from costwatch import clock
from costwatch.calendar import month_start
from costwatch.catalog.repository import contains_pattern, name_contains
from costwatch.db.data_version import mark_changed
from costwatch.db.repository import AnySelect, Repository, order_by
from costwatch.db.totals import add_to_keyed_rows
from costwatch.models import (
    CategoryCode,
    Provider,
    Service,
    ServiceCategory,
    UsageBalance,
    UsageConsumption,
    UsageConsumptionDay,
    UsageConsumptionMonth,
    UsageConsumptionWeek,
    UsageTopup,
)
from costwatch.models.base import Money
from costwatch.money import ZERO

TOPUP_SORT: dict[str, list[Any]] = {
    "topup_date": [UsageTopup.topup_date],
    "amount_purchased": [UsageTopup.amount_purchased],
    "created_at": [UsageTopup.created_at],
}
BURN_DAYS = 30
"""The run rate of a usage service is its mean daily consumption over this many days (its
runway's window, the last one included: ``window_ending``)."""
RUNWAY_NEVER = 10**9
"""The runway sort key of a service that consumed nothing in the window: after every other."""
CONSUMPTION_SORT: dict[str, list[Any]] = {
    "consumption_date": [UsageConsumption.consumption_date],
    "amount_consumed": [UsageConsumption.amount_consumed],
    "created_at": [UsageConsumption.created_at],
}


@dataclass(frozen=True)
class BalanceRow:
    """Totals of one usage service, as summed by the database."""

    service_id: int
    service_name: str
    provider_name: str
    active: bool
    currency: str | None
    total_topups: Decimal
    total_consumed: Decimal
    last_topup_date: date | None
    last_topup_amount: Decimal | None
    consumed_recent: Decimal | None = None
    """Consumption dated in the burn window (``None`` without a window or consumption)."""

    @property
    def balance(self) -> Decimal:
        """Top-ups minus consumption."""
        return self.total_topups - self.total_consumed


def window_ending(day: date) -> tuple[date, date]:
    """The runway's window that ends on ``day``: its first and last day (``BURN_DAYS``)."""
    return day - timedelta(days=BURN_DAYS - 1), day


def in_window(days: Mapping[date, Decimal], end: date) -> Decimal:
    """The amounts of ``days`` dated in the window that ends on ``end``."""
    first = end - timedelta(days=BURN_DAYS - 1)
    return sum((amount for day, amount in days.items() if first <= day <= end), ZERO)


async def add_to_balance(
    session: AsyncSession,
    service_id: int,
    currency: str,
    *,
    topups: Decimal = ZERO,
    consumed: Decimal = ZERO,
    topup_count: int = 0,
    consumption_count: int = 0,
    last: tuple[int, date, Decimal] | None = None,
    days: Mapping[date, Decimal] | None = None,
) -> None:
    """Move a service's running balance (``usage_balance``) by what a write added or took out.

    The caller holds the service's row lock, so the update-else-insert cannot race another
    writer of the service, and the row is read by no one else mid-way. ``last`` is a new
    top-up (id, date, amount): it becomes the last one when it is dated later than the
    last, or on the same day and entered later. The row goes when its service has neither
    top-ups nor consumption any more, as a recomputation from the raw rows would find.

    ``days`` is the consumption the write added (or took out) per day: what of it falls in
    the runway's window that ends on the row's ``window_end_day`` moves ``recent_consumed``,
    so that the pair stays exact for the day it is stamped with (whatever day that is). A new
    row is stamped with today: its service had no consumption before.
    """
    balance = UsageBalance
    values: dict[str, Any] = {
        "currency": currency,
        "total_topups": balance.total_topups + topups,
        "total_consumed": balance.total_consumed + consumed,
        "topups": balance.topups + topup_count,
        "consumptions": balance.consumptions + consumption_count,
    }
    money = balance.recent_consumed.type
    if days and len(days) == 1:
        # One day (every single write): in the window iff day <= window_end_day <= day + 29.
        ((day, amount),) = days.items()
        stamped = balance.window_end_day.between(day, day + timedelta(days=BURN_DAYS - 1))
        values["recent_consumed"] = balance.recent_consumed + case(
            (stamped, literal(amount, money)), else_=literal(ZERO, money)
        )
    elif days:
        # Many days (a bulk import): the stamp read first, then what falls in its window.
        end = (
            await session.execute(
                select(balance.window_end_day).where(balance.service_id == service_id)
            )
        ).scalar_one_or_none()
        if end is not None:
            values["recent_consumed"] = balance.recent_consumed + in_window(days, end)
    result = await session.execute(
        update(balance).where(balance.service_id == service_id).values(**values)
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        today = clock.today()
        await session.execute(
            insert(balance).values(
                service_id=service_id,
                currency=currency,
                total_topups=topups,
                total_consumed=consumed,
                topups=topup_count,
                consumptions=consumption_count,
                last_topup_id=last[0] if last else None,
                last_topup_date=last[1] if last else None,
                last_topup_amount=last[2] if last else None,
                window_end_day=today,
                recent_consumed=in_window(days or {}, today),
            )
        )
    elif last is not None:
        # A statement of its own: MySQL assigns SET's columns left to right, so a condition
        # inside the SET would see the columns it had already changed; WHERE sees the row as
        # it was.
        later = or_(
            balance.last_topup_date.is_(None),
            balance.last_topup_date < last[1],
            and_(balance.last_topup_date == last[1], balance.last_topup_id < last[0]),
        )
        await session.execute(
            update(balance)
            .where(balance.service_id == service_id, later)
            .values(last_topup_id=last[0], last_topup_date=last[1], last_topup_amount=last[2])
        )
    elif topup_count < 0 or consumption_count < 0:
        await session.execute(
            delete(balance).where(
                balance.service_id == service_id, balance.topups == 0, balance.consumptions == 0
            )
        )
    mark_changed(session.sync_session)


class TopupRepository(Repository[UsageTopup]):
    """CRUD on ``usage_topup``."""

    model = UsageTopup

    async def list_page(
        self, *, service_id: int | None, sort: str, limit: int, offset: int
    ) -> tuple[list[UsageTopup], int]:
        """Top-ups of one service or all, sorted."""
        stmt = select(UsageTopup).order_by(*order_by(sort, TOPUP_SORT, UsageTopup.id))
        if service_id is not None:
            stmt = stmt.where(UsageTopup.service_id == service_id)
        return await self.page(stmt, limit=limit, offset=offset)

    async def record(self, **values: Any) -> UsageTopup:
        """Insert a top-up and add it to its service's running balance.

        The caller holds the service's row lock (``ServiceRepository.lock``): the balance's
        update-else-insert cannot race another writer of that service.
        """
        row = await self.add(**values)
        await add_to_balance(
            self.session,
            row.service_id,
            row.currency,
            topups=row.amount_purchased,
            topup_count=1,
            last=(row.id, row.topup_date, row.amount_purchased),
        )
        return row

    async def remove(self, row: UsageTopup) -> None:
        """Delete a top-up and take it out of the running balance (caller holds the lock).

        When it was the last top-up, the one before it becomes the last: one dive into
        ``ix_usage_topup_service_date``.
        """
        service_id, topup_id, currency, amount = (
            row.service_id,
            row.id,
            row.currency,
            row.amount_purchased,
        )
        await self.delete(row)
        await self.session.flush()
        await add_to_balance(self.session, service_id, currency, topups=-amount, topup_count=-1)
        balance = UsageBalance
        last = (
            await self.session.execute(
                select(balance.last_topup_id).where(balance.service_id == service_id)
            )
        ).scalar_one_or_none()
        if last != topup_id:
            return
        previous = (
            await self.session.execute(
                select(UsageTopup.id, UsageTopup.topup_date, UsageTopup.amount_purchased)
                .where(UsageTopup.service_id == service_id)
                .order_by(UsageTopup.topup_date.desc(), UsageTopup.id.desc())
                .limit(1)
            )
        ).first()
        await self.session.execute(
            update(balance)
            .where(balance.service_id == service_id)
            .values(
                last_topup_id=previous[0] if previous else None,
                last_topup_date=previous[1] if previous else None,
                last_topup_amount=previous[2] if previous else None,
            )
        )

    async def currency_of(self, service_id: int) -> str | None:
        """The currency of a service's funds: of its top-ups, else of its consumption."""
        for model in (UsageTopup, UsageConsumption):
            stmt = select(model.currency).where(model.service_id == service_id).limit(1)
            currency = (await self.session.execute(stmt)).scalar_one_or_none()
            if currency is not None:
                return currency
        return None


def month_totals(
    rows: Iterable[Mapping[str, Any]],
    into: dict[tuple[int, date, str], Decimal] | None = None,
) -> dict[tuple[int, date, str], Decimal]:
    """Consumption rows summed per service, month and currency (added ``into`` a running sum).

    The rule of ``usage_consumption_month``: a month's total is the sum of the events dated
    in it. (A service has one currency; its key keeps a row's own anyway.)
    """
    totals: dict[tuple[int, date, str], Decimal] = defaultdict(Decimal) if into is None else into
    for values in rows:
        key = (values["service_id"], month_start(values["consumption_date"]), values["currency"])
        totals[key] = totals.get(key, ZERO) + values["amount_consumed"]
    return totals


def week_of(day: date) -> date:
    """The Monday of ``day``'s week: the key of ``usage_consumption_week``."""
    return day - timedelta(days=day.weekday())


def window_parts(
    start: date, end: date
) -> tuple[tuple[date, date] | None, list[tuple[date, date]]]:
    """The days ``start``..``end`` as whole weeks (first and last Monday) and the days left.

    Returns ``(weeks, days)``: the range of weeks that lie wholly inside, or ``None``, and
    the ranges of days before and after them (all of it when no week fits).
    """
    first = week_of(start) if start.weekday() == 0 else week_of(start) + timedelta(days=7)
    last = week_of(end - timedelta(days=6))
    if first > last:
        return None, [(start, end)]
    days = []
    if start < first:
        days.append((start, first - timedelta(days=1)))
    if last + timedelta(days=6) < end:
        days.append((last + timedelta(days=7), end))
    return (first, last), days


class ConsumptionRepository(Repository[UsageConsumption]):
    """CRUD on ``usage_consumption``, keeping ``usage_consumption_month`` in step."""

    model = UsageConsumption

    async def list_page(
        self, *, service_id: int | None, sort: str, limit: int, offset: int
    ) -> tuple[list[UsageConsumption], int]:
        """Consumption events of one service or all, sorted."""
        stmt = select(UsageConsumption).order_by(
            *order_by(sort, CONSUMPTION_SORT, UsageConsumption.id)
        )
        if service_id is not None:
            stmt = stmt.where(UsageConsumption.service_id == service_id)
        return await self.page(stmt, limit=limit, offset=offset)

    async def record(self, **values: Any) -> UsageConsumption:
        """Insert an event and add it to its month's total.

        The caller holds the service's row lock (``ServiceRepository.lock``): the
        update-else-insert of the month's total cannot race another writer of that service.
        """
        row = await self.add(**values)
        await self._add_to_totals(
            row.service_id, row.consumption_date, row.currency, row.amount_consumed, 1
        )
        return row

    async def change_amount(self, row: UsageConsumption, amount: Decimal) -> None:
        """Correct an event's amount in place, and its month's total (caller holds the lock)."""
        await self._add_to_totals(
            row.service_id, row.consumption_date, row.currency, amount - row.amount_consumed, 0
        )
        await self.update(row, amount_consumed=amount)

    async def of_source(
        self, service_id: int, source: str, start: date, end: date
    ) -> dict[date, UsageConsumption]:
        """The rows one sync source wrote for a service, ``start <= day < end``, by day."""
        stmt = select(UsageConsumption).where(
            UsageConsumption.service_id == service_id,
            UsageConsumption.source == source,
            UsageConsumption.consumption_date >= start,
            UsageConsumption.consumption_date < end,
        )
        rows = (await self.session.execute(stmt)).scalars()
        return {row.consumption_date: row for row in rows}

    async def record_many(
        self, rows: Sequence[dict[str, Any]], *, totals_only: bool = False
    ) -> None:
        """Insert many events at once and add them to their months' totals, once a month.

        The caller holds the row locks of their services (as for ``record``). The rows are
        not audited one by one: the caller (a CSV import) writes one entry for all of them
        (``audit_trail.audit_summary``). ``totals_only``: the months' totals are updated but
        the events not inserted (a dry run's check, see ``usage.service.create_consumptions``).
        """
        if not rows:
            return
        # One executemany of a Core INSERT (ORM objects would cost a round trip and the
        # bookkeeping of an object each; the MySQL driver batches it into multi-row INSERTs).
        # No RETURNING: nothing needs the new ids. The data version, which notices ORM
        # writes only, is told here.
        if not totals_only:
            table = UsageConsumption.metadata.tables[UsageConsumption.__tablename__]
            connection = await self.session.connection()
            await connection.execute(insert(table), list(rows))
        mark_changed(self.session.sync_session)
        # Each total once: per month, per day, and the running balance of each service.
        months: dict[tuple[int, date, str], Decimal] = defaultdict(Decimal)
        days: dict[tuple[int, date], Decimal] = defaultdict(Decimal)
        services: dict[tuple[int, str], tuple[Decimal, int]] = {}
        service_days: dict[int, dict[date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for values in rows:
            service_id, day = values["service_id"], values["consumption_date"]
            amount, currency = values["amount_consumed"], values["currency"]
            months[service_id, month_start(day), currency] += amount
            days[service_id, day] += amount
            service_days[service_id][day] += amount
            total, count = services.get((service_id, currency), (ZERO, 0))
            services[service_id, currency] = (total + amount, count + 1)
        # A service has one currency: its months are keyed by (service, month) alone.
        await add_to_keyed_rows(
            self.session,
            UsageConsumptionMonth.__table__,
            ("service_id", "month"),
            [
                {"service_id": service_id, "month": month, "currency": currency, "amount": amount}
                for (service_id, month, currency), amount in months.items()
            ],
        )
        await self._add_to_days(days)
        for (service_id, currency), (amount, count) in sorted(services.items()):
            # Popped: a service's days count once, were its rows in two currencies.
            await add_to_balance(
                self.session,
                service_id,
                currency,
                consumed=amount,
                consumption_count=count,
                days=service_days.pop(service_id, None),
            )

    async def store_monthly_totals(self, totals: Mapping[tuple[int, date, str], Decimal]) -> None:
        """Insert the totals of ``month_totals`` into an empty ``usage_consumption_month``.

        A restore sums its rows as it reads them and stores the totals here, in chunks: the
        same figures as ``rebuild_monthly_totals``, without one statement over every event
        (which could outlast the request's read timeout on a large ledger).
        """
        table = UsageConsumptionMonth.metadata.tables[UsageConsumptionMonth.__tablename__]
        # One row per service and month; were a service's events in two currencies, its
        # first currency names the sum, as in rebuild_monthly_totals (MIN).
        merged: dict[tuple[int, date], dict[str, Any]] = {}
        for (service_id, month, currency), amount in sorted(totals.items()):
            row = merged.setdefault(
                (service_id, month),
                {"service_id": service_id, "month": month, "currency": currency, "amount": ZERO},
            )
            row["amount"] += amount
        values = list(merged.values())
        connection = await self.session.connection()
        for start in range(0, len(values), 5_000):
            await connection.execute(insert(table), values[start : start + 5_000])
        mark_changed(self.session.sync_session)

    async def remove(self, row: UsageConsumption) -> None:
        """Delete an event and take it out of its totals (caller holds the lock)."""
        await self._add_to_totals(
            row.service_id, row.consumption_date, row.currency, -row.amount_consumed, -1
        )
        await self.delete(row)

    async def _add_to_totals(
        self, service_id: int, day: date, currency: str, amount: Decimal, count: int
    ) -> None:
        """Move the month's, the day's and the balance's totals by ``amount`` (and ``count``)."""
        await self._add_to_month(service_id, day, currency, amount)
        await self._add_to_day(service_id, day, amount)
        await add_to_balance(
            self.session,
            service_id,
            currency,
            consumed=amount,
            consumption_count=count,
            days={day: amount},
        )

    async def _add_to_days(self, days: Mapping[tuple[int, date], Decimal]) -> None:
        """Add many (service, day) amounts to their day totals: a few statements, not one a day.

        A bulk import touches tens of thousands of days; a statement each cost more than the
        insert of the events. One executemany upsert per table (``add_to_keyed_rows``). The
        caller holds the services' row locks, so no other writer adds the same days meanwhile.
        """
        if not days:
            return
        weeks: dict[tuple[int, date], Decimal] = defaultdict(Decimal)
        for (service_id, day), amount in days.items():
            weeks[service_id, week_of(day)] += amount
        await self._add_to_keyed(UsageConsumptionDay, "day", days)
        await self._add_to_keyed(UsageConsumptionWeek, "week", weeks)
        mark_changed(self.session.sync_session)

    async def _add_to_keyed(
        self, model: Any, key: str, amounts: Mapping[tuple[int, date], Decimal]
    ) -> None:
        """``_add_to_days`` for one table keyed by (``key``, service): days or weeks."""
        rows = [
            {key: day, "service_id": service_id, "amount": amount}
            for (service_id, day), amount in amounts.items()
        ]
        await add_to_keyed_rows(self.session, model.__table__, (key, "service_id"), rows)

    async def _add_to_day(self, service_id: int, day: date, amount: Decimal) -> None:
        total = UsageConsumptionDay
        result = await self.session.execute(
            update(total)
            .where(total.day == day, total.service_id == service_id)
            .values(amount=total.amount + amount)
        )
        if result.rowcount == 0:  # type: ignore[attr-defined]
            await self.session.execute(
                insert(total).values(day=day, service_id=service_id, amount=amount)
            )
        week, weekly = week_of(day), UsageConsumptionWeek
        result = await self.session.execute(
            update(weekly)
            .where(weekly.week == week, weekly.service_id == service_id)
            .values(amount=weekly.amount + amount)
        )
        if result.rowcount == 0:  # type: ignore[attr-defined]
            await self.session.execute(
                insert(weekly).values(week=week, service_id=service_id, amount=amount)
            )

    async def _add_to_month(
        self, service_id: int, day: date, currency: str, amount: Decimal
    ) -> None:
        month = month_start(day)
        total = UsageConsumptionMonth
        result = await self.session.execute(
            update(total)
            .where(total.service_id == service_id, total.month == month)
            .values(amount=total.amount + amount)
        )
        if result.rowcount == 0:  # type: ignore[attr-defined]
            await self.session.execute(
                insert(total).values(
                    service_id=service_id, month=month, currency=currency, amount=amount
                )
            )
        mark_changed(self.session.sync_session)

    async def rebuild_monthly_totals(self) -> None:
        """Recompute every derived total from the raw rows (after bulk loads).

        The monthly and daily consumption totals and the running balances; the name is the
        one the bulk loaders have always called.
        """
        await rebuild_totals(self.session)

    async def cost_by_month(self, months: Any) -> list[tuple[int, str, Decimal]]:
        """Consumption summed per month of ``months`` and currency, from the monthly totals.

        ``months`` is the table of ``reports.repository.months_table``.
        """
        stmt = self.cost_by_month_select(months)
        return [(row[0], row[1], row[2]) for row in (await self.session.execute(stmt)).all()]

    @staticmethod
    def cost_by_month_select(months: Any) -> Select[Any]:
        """The SELECT of ``cost_by_month``: (month index, currency, sum), for a UNION."""
        total = UsageConsumptionMonth
        return (
            select(months.c.i, total.currency, func.sum(total.amount))
            .select_from(months)
            .join(total, total.month == months.c.m)
            .group_by(months.c.i, total.currency)
        )

    @staticmethod
    def month_totals_select(start: Any, end: Any) -> Select[date, str, Decimal]:
        """(month, currency, sum) of the consumption from ``start`` to ``end``, for a UNION.

        One range of the covering index (month, currency, amount), grouped in its order: no
        table of months to join and no temporary table.
        """
        total = UsageConsumptionMonth
        return (
            select(total.month, total.currency, func.sum(total.amount))
            .where(total.month.between(start, end))
            .group_by(total.month, total.currency)
        )

    def _recent_per_service(self, start: date, end: date) -> Any:
        """Consumption of each active service dated from ``start`` to ``end``, with its currency.

        Summed per service from the daily totals (one range of their primary key); a
        service's currency (one per service) from its running balance.
        """
        daily = UsageConsumptionDay
        recent = (
            select(daily.service_id.label("service_id"), func.sum(daily.amount).label("total"))
            .where(daily.day.between(start, end), daily.amount != 0)
            .group_by(daily.service_id)
            .subquery("recent")
        )
        return (
            select(
                recent.c.service_id.label("service_id"),
                UsageBalance.currency.label("currency"),
                recent.c.total.label("total"),
            )
            .select_from(recent)
            .join(Service, Service.id == recent.c.service_id)
            .join(UsageBalance, UsageBalance.service_id == recent.c.service_id)
            .where(Service.active.is_(True))
            .subquery("per_service")
        )

    async def consumed_between(self, start: date, end: date) -> list[tuple[str, Decimal]]:
        """Consumption of the active services dated from ``start`` to ``end`` (both included).

        Summed by the database per currency.
        """
        per_service = self._recent_per_service(start, end)
        stmt = select(per_service.c.currency, func.sum(per_service.c.total)).group_by(
            per_service.c.currency
        )
        return [(row[0], row[1]) for row in (await self.session.execute(stmt)).all()]

    async def consumed_between_by_service(
        self, start: date, end: date
    ) -> list[tuple[int, str, Decimal]]:
        """Consumption of each active service dated from ``start`` to ``end``, with its currency."""
        per_service = self._recent_per_service(start, end)
        stmt = select(per_service.c.service_id, per_service.c.currency, per_service.c.total)
        return [(row[0], row[1], row[2]) for row in (await self.session.execute(stmt)).all()]

    async def cost_by_service(self, month: date) -> list[tuple[int, str, Decimal]]:
        """Consumption of ``month`` per service and currency, from the monthly totals."""
        total = UsageConsumptionMonth
        stmt = select(total.service_id, total.currency, total.amount).where(total.month == month)
        return [(row[0], row[1], row[2]) for row in (await self.session.execute(stmt)).all()]

    async def daily(self, start: date, end: date) -> list[tuple[date, str, Decimal]]:
        """Consumption of every service summed per day from ``start`` to ``end`` and currency.

        Summed from the daily totals (one row per service and day); each service's currency
        from its running balance.
        """
        daily = UsageConsumptionDay
        labelled = (
            select(
                daily.day.label("day"),
                UsageBalance.currency.label("currency"),
                daily.amount.label("total"),
            )
            .join(UsageBalance, UsageBalance.service_id == daily.service_id)
            .where(daily.day.between(start, end), daily.amount != 0)
            .subquery("labelled")
        )
        stmt = (
            select(labelled.c.day, labelled.c.currency, func.sum(labelled.c.total))
            .group_by(labelled.c.day, labelled.c.currency)
            .order_by(labelled.c.day, labelled.c.currency)
        )
        return [(row[0], row[1], row[2]) for row in (await self.session.execute(stmt)).all()]


def totals_from_raw(dialect: str) -> dict[str, Any]:
    """SELECTs that recompute each derived table from the raw rows (its columns, in order).

    ``months`` for ``usage_consumption_month``, ``days`` for ``usage_consumption_day``,
    ``weeks`` for ``usage_consumption_week``, ``balances`` for ``usage_balance``: what
    ``rebuild_totals`` stores and what the exactness tests compare the maintained tables with.
    """
    consumption, topup = UsageConsumption, UsageTopup
    day = consumption.consumption_date
    month: Any = (
        func.strftime("%Y-%m-01", day)
        if dialect == "sqlite"
        else func.date_format(day, literal_column("'%Y-%m-01'"))
    )
    months = select(
        consumption.service_id,
        month,
        func.min(consumption.currency),
        func.sum(consumption.amount_consumed),
    ).group_by(consumption.service_id, month)
    days = select(day, consumption.service_id, func.sum(consumption.amount_consumed)).group_by(
        day, consumption.service_id
    )
    # The Monday of each day's week (week_of): SQLite counts weekdays from Sunday.
    week: Any = (
        func.date(day, func.printf("-%d days", (func.strftime("%w", day) + 6) % 7))
        if dialect == "sqlite"
        else func.subdate(day, func.weekday(day))
    )
    weeks = select(week, consumption.service_id, func.sum(consumption.amount_consumed)).group_by(
        week, consumption.service_id
    )
    topups = (
        select(
            topup.service_id.label("service_id"),
            func.min(topup.currency).label("currency"),
            func.sum(topup.amount_purchased).label("total"),
            func.count().label("n"),
        )
        .group_by(topup.service_id)
        .subquery("t")
    )
    consumed = (
        select(
            consumption.service_id.label("service_id"),
            func.min(consumption.currency).label("currency"),
            func.sum(consumption.amount_consumed).label("total"),
            func.count().label("n"),
        )
        .group_by(consumption.service_id)
        .subquery("c")
    )
    ids = (
        select(topup.service_id.label("service_id"))
        .union(select(consumption.service_id))
        .subquery("s")
    )

    def last(column: Any) -> Any:
        return (
            select(column)
            .where(topup.service_id == ids.c.service_id)
            .order_by(topup.topup_date.desc(), topup.id.desc())
            .limit(1)
            .correlate(ids)
            .scalar_subquery()
        )

    balances = (
        select(
            ids.c.service_id,
            func.coalesce(topups.c.currency, consumed.c.currency),
            func.coalesce(topups.c.total, 0),
            func.coalesce(consumed.c.total, 0),
            func.coalesce(topups.c.n, 0),
            func.coalesce(consumed.c.n, 0),
            last(topup.id),
            last(topup.topup_date),
            last(topup.amount_purchased),
        )
        .select_from(ids)
        .outerjoin(topups, topups.c.service_id == ids.c.service_id)
        .outerjoin(consumed, consumed.c.service_id == ids.c.service_id)
    )
    return {"months": months, "days": days, "weeks": weeks, "balances": balances}


async def rebuild_totals(
    session: AsyncSession, only: Sequence[str] = ("months", "days", "weeks", "balances")
) -> None:
    """Recompute ``usage_consumption_month``, ``_day``, ``_week`` and ``usage_balance``.

    ``only`` names the ones to recompute (``months``, ``days``, ``weeks``, ``balances``).
    """
    queries = totals_from_raw(session.get_bind().dialect.name)
    targets = {
        "months": (UsageConsumptionMonth, ["service_id", "month", "currency", "amount"]),
        "days": (UsageConsumptionDay, ["day", "service_id", "amount"]),
        "weeks": (UsageConsumptionWeek, ["week", "service_id", "amount"]),
        "balances": (
            UsageBalance,
            [
                "service_id",
                "currency",
                "total_topups",
                "total_consumed",
                "topups",
                "consumptions",
                "last_topup_id",
                "last_topup_date",
                "last_topup_amount",
            ],
        ),
    }
    for name, (model, columns) in targets.items():
        if name not in only:
            continue
        await session.execute(delete(model))
        await session.execute(insert(model).from_select(columns, queries[name]))
    if "balances" in only:
        await stamp_windows(session, clock.today())
    mark_changed(session.sync_session)


async def stamp_windows(
    session: AsyncSession, day: date, service_ids: Sequence[int] | None = None
) -> None:
    """Stamp running balances (those of ``service_ids``, else all) with the window ending ``day``.

    ``recent_consumed`` summed from the daily totals, in one statement. The caller holds the
    services' row locks, or no one else writes (a restore, a bulk load).
    """
    balance, daily = UsageBalance, UsageConsumptionDay
    first, last = window_ending(day)
    summed = (
        select(func.coalesce(func.sum(daily.amount), 0))
        .where(daily.service_id == balance.service_id, daily.day.between(first, last))
        .scalar_subquery()
    )
    stmt = update(balance).values(window_end_day=day, recent_consumed=summed)
    if service_ids is not None:
        stmt = stmt.where(balance.service_id.in_(service_ids))
    await session.execute(stmt)


async def restamp_windows(session: AsyncSession, day: date) -> int:
    """Stamp every running balance whose window does not end on ``day``; how many were.

    The day moved on (or the row was never stamped): its pair is exact for its old day but
    unusable for today's window, and balances would sum the daily totals for it. The
    services' rows are locked first, in id order as every writer of several takes them, so
    no consumption write of theirs is under way while their windows are summed. Answers
    never depend on this having run (stale rows are summed on reading); it keeps them fast.
    """
    balance = UsageBalance
    stale = or_(balance.window_end_day.is_(None), balance.window_end_day != day)
    ids = list(
        (
            await session.execute(
                select(balance.service_id).where(stale).order_by(balance.service_id)
            )
        ).scalars()
    )
    if not ids:
        return 0
    await session.execute(
        select(Service.id).where(Service.id.in_(ids)).order_by(Service.id).with_for_update()
    )
    await stamp_windows(session, day, ids)
    return len(ids)


@dataclass(frozen=True)
class UsageEventRow:
    """A top-up or a consumption event, as one row of a service's history."""

    kind: str
    id: int
    service_id: int
    day: date
    amount: Decimal
    currency: str
    source: str | None


async def usage_events(
    session: AsyncSession, *, service_id: int, sort: str, limit: int, offset: int
) -> tuple[list[UsageEventRow], int]:
    """Top-ups and consumption of one service in one list (``UNION ALL``), paged in SQL."""
    topups: AnySelect = select(
        literal_column("'topup'").label("kind"),
        UsageTopup.id.label("id"),
        UsageTopup.service_id.label("service_id"),
        UsageTopup.topup_date.label("day"),
        UsageTopup.amount_purchased.label("amount"),
        UsageTopup.currency.label("currency"),
        null().label("source"),
    ).where(UsageTopup.service_id == service_id)
    consumed: AnySelect = select(
        literal_column("'consumption'").label("kind"),
        UsageConsumption.id,
        UsageConsumption.service_id,
        UsageConsumption.consumption_date,
        UsageConsumption.amount_consumed,
        UsageConsumption.currency,
        UsageConsumption.source,
    ).where(UsageConsumption.service_id == service_id)
    events = topups.union_all(consumed).subquery()
    total = (await session.execute(select(func.count()).select_from(events))).scalar_one()
    sorts: dict[str, list[Any]] = {
        "date": [events.c.day],
        "amount": [events.c.amount],
        "kind": [events.c.kind, events.c.day],
    }
    # Ids of the two tables overlap: the kind breaks ties before the id.
    stmt = (
        select(events)
        .order_by(*order_by(sort, sorts, events.c.kind), events.c.id)
        .limit(limit)
        .offset(offset)
    )
    rows = [
        UsageEventRow(
            kind=row.kind,
            id=row.id,
            service_id=row.service_id,
            day=row.day,
            amount=row.amount,
            currency=row.currency,
            source=row.source,
        )
        for row in (await session.execute(stmt)).all()
    ]
    return rows, total


class BalanceRepository:
    """Balances of usage services, summed in SQL."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        # How this database's rendering of an amount becomes a Decimal (``_as_text``).
        self._money: Callable[[Any], Decimal | None] | None = None

    def row(self, raw: tuple[Any, ...]) -> BalanceRow:
        """A row of ``raw_balances`` (read by this repository) as a ``BalanceRow``."""
        assert self._money is not None, "row() of a repository that read no balances"
        money = self._money
        return BalanceRow(
            service_id=raw[0],
            service_name=raw[1],
            provider_name=raw[2],
            active=raw[3],
            currency=raw[4],
            total_topups=money(raw[5]) or ZERO,
            total_consumed=money(raw[6]) or ZERO,
            last_topup_date=raw[7],
            last_topup_amount=money(raw[8]),
            consumed_recent=money(raw[9]) if len(raw) > 9 else None,
        )

    async def raw_balances(
        self,
        service_id: int | None = None,
        *,
        q: str | None = None,
        sort: str = "provider_name",
        limit: int | None = None,
        offset: int = 0,
        burn_window: tuple[date, date] | None = None,
    ) -> tuple[list[tuple[Any, ...]], int]:
        """One row per usage service (or just one): totals and the last top-up; and the count.

        Each row a plain tuple of what the database read (``row`` makes it a ``BalanceRow``):
        service id, name, provider name, active, currency, top-ups, consumed, the last top-up's
        date and amount, and with ``burn_window`` the window's consumption. The amounts are
        the text the database renders them as (``_as_text``): cheap to read and to compare,
        which is all a row still unchanged since the last request needs (``JsonMemo``).

        Totals and the last top-up come from the running balances (one row per service, kept
        by the writers), so no event is read. ``limit`` pages the rows (all of them when
        ``None``). ``burn_window`` (first and last day) adds each service's consumption in
        those days and allows ``sort="days_left"``: the balance over that consumption, ``0``
        for a balance <= 0 and last for a service that consumed nothing. The window of the
        ``BURN_DAYS`` that end on a day is read from the running balances when they are all
        stamped with that day (``recent_consumed``, kept by the writers); any other window,
        or stale stamps, summed from the day and week totals (``_summed_window``). The runway
        sort key is selected (last) only with ``sort="days_left"``.
        """
        args = (service_id, q, sort, limit, offset)
        if burn_window is not None and burn_window == window_ending(burn_window[1]):
            # The rows and, in the same statement (one snapshot), how many running balances
            # are stamped for another day: none, and every row's kept window is exact. Some
            # (after midnight, until the scheduler's next tick): read again, summed afresh.
            rows, total, stale = await self._select(*args, burn_window, kept=True)
            if not stale:
                return rows, total
        rows, total, _ = await self._select(*args, burn_window, kept=False)
        return rows, total

    async def _select(
        self,
        service_id: int | None,
        q: str | None,
        sort: str,
        limit: int | None,
        offset: int,
        burn_window: tuple[date, date] | None,
        *,
        kept: bool,
    ) -> tuple[list[tuple[Any, ...]], int, bool]:
        """``raw_balances`` with the window kept (``kept``) or summed; and whether any was stale.

        ``kept``: each row's ``recent_consumed``, and a last column (taken off the rows) that
        counts the running balances (of ``service_id``, else all) stamped for another day.
        """
        params: dict[str, Any] = {}
        if service_id is not None:
            params["service_id"] = service_id
        if q:
            params["pattern"] = contains_pattern(q)
        shape = (sort, service_id is not None, bool(q))
        if burn_window is None:
            stmt, counted = _balances_statements(*shape, window=None)
        elif kept:
            stmt, counted = _balances_statements(*shape, window=KEPT)
            params["window_last"] = burn_window[1]
        else:
            stmt, counted = _balances_select(
                *shape, window=_summed_window(*burn_window, service_id), days=_days(burn_window)
            )
        total: int | None = None
        if limit is not None:
            total = (await self.session.execute(counted, params)).scalar_one()
            stmt = stmt.limit(limit).offset(offset)
        # Through the connection: columns only, so the ORM's row loading (a few ms for
        # hundreds of rows) would add nothing.
        connection = await self.session.connection()
        result = (await connection.execute(stmt, params)).all()
        self._money = _money_from_text(connection.dialect)
        if burn_window is not None and kept:
            stale_rows = bool(result) and result[0][10] > 0
            rows = [(*row[:10], *row[11:]) for row in result]
        else:
            stale_rows, rows = False, [tuple(row) for row in result]
        return rows, (total if total is not None else len(result)), stale_rows

    async def balances(
        self,
        service_id: int | None = None,
        *,
        q: str | None = None,
        sort: str = "provider_name",
        limit: int | None = None,
        offset: int = 0,
        burn_window: tuple[date, date] | None = None,
    ) -> tuple[list[BalanceRow], int]:
        """``raw_balances`` as ``BalanceRow`` objects, and the count."""
        rows, total = await self.raw_balances(
            service_id, q=q, sort=sort, limit=limit, offset=offset, burn_window=burn_window
        )
        return [self.row(row) for row in rows], total


@cache
def _money_from_text(dialect: Dialect) -> Callable[[Any], Decimal | None]:
    """How an amount read as text (``_as_text``) becomes the Decimal it renders.

    The money columns' own conversion: MySQL renders the decimal itself ("-345.62", the very
    text its driver would parse), SQLite the integer of cents ("-34562").
    """
    convert = Money(16).result_processor(dialect, None)
    assert convert is not None
    if dialect.name != "sqlite":
        return cast_type(Callable[[Any], Decimal | None], convert)
    return lambda text: None if text is None else convert(int(text))


def _as_text(column: Any, name: str) -> Any:
    """An amount selected as the text the database renders it as, not as a number.

    Hundreds of rows after every write are mostly the same as at the request before: as
    text, the driver has no decimal to build and the memo of their JSON nothing costly to
    hash, and only a changed row is converted (``BalanceRepository.row``).
    """
    return cast(column, String).label(name)


KEPT = "kept"
"""``_balances_statements``' window: each running balance's kept ``recent_consumed``."""


def _days(window: tuple[date, date]) -> int:
    return (window[1] - window[0]).days + 1


@cache
def _balances_statements(
    sort: str, one: bool, search: bool, *, window: str | None
) -> tuple[Select[Any], Select[Any]]:
    """``_balances_select`` without a window or with the kept one, built once per shape.

    The same statement objects every time keep their cache key and compiled form: a list of
    balances spends nothing on building, keying and compiling its SQL (about 2 ms of CPU a
    request when built afresh). The values are bound: ``service_id``, ``pattern`` (the
    search's ``contains_pattern``) and ``window_last`` (the kept window's last day).
    """
    return _balances_select(
        sort, one, search, window=window, days=BURN_DAYS if window == KEPT else None
    )


def _balances_select(
    sort: str, one: bool, search: bool, *, window: Any, days: int | None
) -> tuple[Select[Any], Select[Any]]:
    """The statement of ``BalanceRepository.raw_balances`` and the one counting its rows.

    ``one``: only the service bound as ``service_id``; ``search``: only names that match the
    bound ``pattern``. ``window``: ``None`` (no runway), ``KEPT`` (each running balance's
    ``recent_consumed``, and a last column that counts the running balances stamped for
    another day than the bound ``window_last``) or the derived table of ``_summed_window``;
    ``days`` is the window's length.
    """
    running = UsageBalance
    topped_up = func.coalesce(running.total_topups, 0)
    balance = topped_up - func.coalesce(running.total_consumed, 0)
    extra: list[Any] = []
    sorts: dict[str, list[Any]] = {
        "provider_name": [Provider.name, Service.name],
        "service_name": [Service.name],
        "balance": [balance],
    }
    joined: Any = None
    if window is not None:
        if window == KEPT:
            recent: Any = running.recent_consumed
            stamps = UsageBalance.__table__.alias("stamps")
            last = bindparam("window_last", type_=Date)
            stale = select(func.count()).where(
                or_(stamps.c.window_end_day.is_(None), stamps.c.window_end_day != last)
            )
            if one:
                stale = stale.where(stamps.c.service_id == bindparam("service_id"))
            extra.append(stale.scalar_subquery().label("stale"))
        else:
            joined = window
            recent = window.c.total
        # Days of funds left, unrounded (floor(runway) is days_left); never-ending last.
        # Selected only to sort by: no row needs it.
        runway = type_coerce(
            case(
                (balance <= 0, literal(0, Integer)),
                (func.coalesce(recent, 0) > 0, balance * literal(days, Integer) / recent),
                else_=literal(RUNWAY_NEVER, Integer),
            ),
            Numeric(),
        ).label("runway")
        extra.insert(0, _as_text(recent, "consumed_recent"))
        if sort == "days_left":
            extra.append(runway)
        sorts["days_left"] = [runway]
    stmt = (
        select(
            Service.id,
            Service.name,
            Provider.name,
            Service.active,
            running.currency,
            _as_text(running.total_topups, "total_topups"),
            _as_text(running.total_consumed, "total_consumed"),
            running.last_topup_date,
            _as_text(running.last_topup_amount, "last_topup_amount"),
            *extra,
        )
        .join(Provider, Service.provider_id == Provider.id)
        .join(ServiceCategory, Service.category_id == ServiceCategory.id)
        .outerjoin(running, running.service_id == Service.id)
        .where(ServiceCategory.code == CategoryCode.USAGE)
    )
    if joined is not None:
        stmt = stmt.outerjoin(joined, joined.c.service_id == Service.id)
    if one:
        stmt = stmt.where(Service.id == bindparam("service_id"))
    if search:
        stmt = stmt.where(name_contains(Service.name, bindparam("pattern")))
    stmt = stmt.order_by(*order_by(sort, sorts, Service.id))
    counted = select(func.count()).select_from(
        stmt.with_only_columns(Service.id, maintain_column_froms=True).order_by(None).subquery()
    )
    return stmt, counted


def _summed_window(first: date, last: date, service_id: int | None) -> Any:
    """Each service's consumption from ``first`` to ``last``, from the day and week totals.

    For a window the running balances do not keep (another length, or rows not yet
    restamped today): a derived table joined by ``raw_balances``. The window's whole
    weeks from the weekly totals, the days at either end from the daily ones (each a
    range of its primary key): a third of the rows of the daily totals alone. Summed
    once for every service. The id goes out as ``service_id + 0``, an expression: joined
    on the bare column, MariaDB may "split" the derived table into one lookup per
    service through the service's index, each reading every day of that service.
    """
    weeks, day_ranges = window_parts(first, last)
    parts: list[Any] = []
    spans: list[tuple[Any, Any, tuple[date, date]]] = [
        (UsageConsumptionDay, UsageConsumptionDay.day, span) for span in day_ranges
    ]
    if weeks is not None:
        spans.append((UsageConsumptionWeek, UsageConsumptionWeek.week, weeks))
    for model, key, (start, end) in spans:
        part = select(model.service_id.label("service_id"), model.amount.label("amount")).where(
            key.between(start, end), model.amount != 0
        )
        if service_id is not None:
            part = part.where(model.service_id == service_id)
        parts.append(part)
    combined: Any = union_all(*parts) if len(parts) > 1 else parts[0]
    rows = combined.subquery("window_rows")
    return (
        select(
            (rows.c.service_id + 0).label("service_id"),
            func.sum(rows.c.amount).label("total"),
        )
        .group_by(rows.c.service_id)
        .subquery("recent")
    )
