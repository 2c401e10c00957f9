"""SQL for ``license_plan``, including the plan-in-force rule."""

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import date
from decimal import Decimal
from itertools import groupby
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    delete,
    extract,
    func,
    literal,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import aliased, contains_eager

from costwatch.calendar import add_months
from costwatch.catalog.repository import ServiceRepository, name_contains
from costwatch.db.repository import AnySelect, Repository, Reversed, order_by
from costwatch.db.totals import Changes, add_to_month_totals, combine, difference
from costwatch.models import LicenseCostChange, LicensePlan, Provider, Service
from costwatch.models.base import Money

PlanRow = tuple[int, date, date | None, Decimal, int, str]
"""What the cost changes need of a plan: service, start, end, unit cost, seats, currency."""


def plan_changes(plans: Iterable[PlanRow]) -> Changes:
    """The cost changes (``license_cost_change``) of ``plans``, all the plans of their services.

    The rule of ``in_force``: a plan is in force from its start month until the next plan
    of its service starts, and not after its end month. It adds its monthly cost (and one
    plan) in its start month and takes them out in the month it stops, if it does.
    """
    changes: Changes = {}
    ordered = sorted(plans, key=lambda plan: (plan[0], plan[1]))
    for _, group in groupby(ordered, key=lambda plan: plan[0]):
        service_plans = list(group)
        for index, (_, start, end, unit_cost, qty, currency) in enumerate(service_plans):
            stops = [add_months(end, 1)] if end is not None else []
            if index + 1 < len(service_plans):
                stops.append(service_plans[index + 1][1])
            stop = min(stops) if stops else None
            if stop is not None and stop <= start:
                continue
            cost = unit_cost * qty
            combine(changes, (start, currency), cost, 1)
            if stop is not None:
                combine(changes, (stop, currency), -cost, -1)
    return {key: value for key, value in changes.items() if value[0] != 0 or value[1] != 0}


def _plan_columns() -> AnySelect:
    plan = LicensePlan
    return select(
        plan.service_id,
        plan.start_month,
        plan.end_month,
        plan.monthly_unit_cost,
        plan.qty,
        plan.currency,
    )


async def changes_of(
    session: AsyncSession | AsyncConnection, service_ids: Iterable[int] | None
) -> Changes:
    """The cost changes of the plans of ``service_ids`` (of every plan when ``None``)."""
    stmt = _plan_columns()
    if service_ids is not None:
        stmt = stmt.where(LicensePlan.service_id.in_(sorted(service_ids)))
    rows = (await session.execute(stmt)).all()
    return plan_changes((row[0], row[1], row[2], row[3], row[4], row[5]) for row in rows)


async def rebuild_cost_changes(session: AsyncSession) -> None:
    """Recompute ``license_cost_change`` from every plan (after a bulk load)."""
    await session.execute(delete(LicenseCostChange))
    await add_to_month_totals(session, LicenseCostChange, "plans", await changes_of(session, None))


def _month_number(day: Any) -> Any:
    """SQL: year x 12 + month of a date (portable: EXTRACT on MySQL, STRFTIME on SQLite)."""
    return extract("year", day) * 12 + extract("month", day)


def in_force(plan: Any, month: Any) -> ColumnElement[bool]:
    """SQL condition: ``plan`` is the plan in force for its service in ``month``.

    The plan in force is the one with the latest ``start_month`` on or before the month; it
    counts only while its ``end_month`` is empty or not before the month. ``month`` may be a
    value or a column (the months of a series).
    """
    later = aliased(LicensePlan)
    latest_start = (
        select(func.max(later.start_month))
        .where(later.service_id == plan.service_id, later.start_month <= month)
        .correlate_except(later)
        .scalar_subquery()
    )
    return and_(
        plan.start_month == latest_start,
        or_(plan.end_month.is_(None), plan.end_month >= month),
    )


LICENSE_SORT: dict[str, list[Any]] = {
    "provider_name": [Provider.name, Service.name, Reversed(LicensePlan.start_month)],
    "service_name": [Service.name, Reversed(LicensePlan.start_month)],
    "qty": [LicensePlan.qty],
    "monthly_unit_cost": [LicensePlan.monthly_unit_cost],
    "monthly_cost": [LicensePlan.monthly_cost],
    "start_month": [LicensePlan.start_month],
    "end_month": [LicensePlan.end_month],
    "annual_commitment_end": [LicensePlan.annual_commitment_end],
}


def in_force_by_month(
    rows: Iterable[tuple[date, str, Decimal, Any]], months: list[date]
) -> list[tuple[int, str, Decimal]]:
    """Each month's license cost per currency from ``running_costs_select``'s rows.

    Rows are ``(month, currency, cost, plans)``, the running sums at each change; a month
    costs what the last change on or before it left, for each currency that then still
    has a plan in force (``plans`` > 0). ``months`` run oldest first. Returns ``(month
    index, currency, cost)``, the rows the months-table query (``cost_by_month_select``)
    gives. Nothing is added here: every sum was made by the database.
    """
    by_currency: dict[str, list[tuple[date, Decimal, Any]]] = {}
    for month, currency, amount, plans in sorted(rows, key=lambda row: (row[1], row[0])):
        by_currency.setdefault(currency, []).append((month, amount, plans))
    found: list[tuple[int, str, Decimal]] = []
    for currency, runs in by_currency.items():
        position = -1
        for index, month in enumerate(months):
            while position + 1 < len(runs) and runs[position + 1][0] <= month:
                position += 1
            if position >= 0 and runs[position][2] > 0:
                found.append((index, currency, runs[position][1]))
    return found


class LicenseRepository(Repository[LicensePlan]):
    """CRUD on ``license_plan`` and the sums the reports need, keeping the cost changes.

    Every write of a plan goes through ``add``, ``update`` or ``delete`` here (the API, the
    CSV import, the demo data): each locks the plan's service, reads its plans before and
    after, and moves ``license_cost_change`` by the difference, in the same transaction.
    """

    model = LicensePlan

    @asynccontextmanager
    async def _keeping_changes(self, service_ids: set[int]) -> AsyncIterator[None]:
        # The services' rows first (in id order, as every writer locks them): another writer
        # of their plans waits, so the plans read before and after are this write's alone.
        services = ServiceRepository(self.session)
        for service_id in sorted(service_ids):
            await services.lock(service_id)
        before = await changes_of(self.session, service_ids)
        yield
        after = await changes_of(self.session, service_ids)
        await add_to_month_totals(
            self.session, LicenseCostChange, "plans", difference(after, before)
        )

    async def add(self, **values: Any) -> LicensePlan:
        """Insert a plan and move the cost changes of its service."""
        async with self._keeping_changes({values["service_id"]}):
            return await super().add(**values)

    async def update(self, row: LicensePlan, **values: Any) -> LicensePlan:
        """Change a plan and move the cost changes of its service (and of its new one)."""
        async with self._keeping_changes(
            {row.service_id, values.get("service_id", row.service_id)}
        ):
            return await super().update(row, **values)

    async def delete(self, row: LicensePlan) -> None:
        """Remove a plan and move the cost changes of its service."""
        async with self._keeping_changes({row.service_id}):
            await super().delete(row)

    def _loaded(self) -> Select[LicensePlan]:
        # Joined explicitly so that filters and ORDER BY can use the names.
        return (
            select(LicensePlan)
            .join(LicensePlan.service)
            .join(Service.provider)
            .options(contains_eager(LicensePlan.service).contains_eager(Service.provider))
        )

    async def find(self, service_id: int, start_month: date) -> LicensePlan | None:
        """The plan of a service starting in a month (unique)."""
        stmt = select(LicensePlan).where(
            LicensePlan.service_id == service_id, LicensePlan.start_month == start_month
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def get_loaded(self, plan_id: int) -> LicensePlan | None:
        """A plan with its service and provider."""
        stmt = self._loaded().where(LicensePlan.id == plan_id)
        stmt = stmt.execution_options(populate_existing=True)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def list_page(
        self,
        *,
        active: bool | None,
        month: date,
        service_id: int | None,
        provider_id: int | None,
        q: str | None,
        sort: str,
        limit: int,
        offset: int,
    ) -> tuple[list[LicensePlan], int]:
        """Plans, filtered and sorted; ``active`` splits on the plan in force in ``month``."""
        stmt = self._loaded().order_by(*order_by(sort, LICENSE_SORT, LicensePlan.id))
        if active is True:
            stmt = stmt.where(in_force(LicensePlan, month))
        elif active is False:
            stmt = stmt.where(~in_force(LicensePlan, month))
        if service_id is not None:
            stmt = stmt.where(LicensePlan.service_id == service_id)
        if provider_id is not None:
            stmt = stmt.where(Service.provider_id == provider_id)
        if q:
            stmt = stmt.where(name_contains(Service.name, q))
        return await self.page(stmt, limit=limit, offset=offset)

    async def commitments(self, *, start: date, end: date) -> list[LicensePlan]:
        """Plans whose annual commitment ends from ``start`` to ``end``, soonest first."""
        stmt = (
            self._loaded()
            .where(LicensePlan.annual_commitment_end.between(start, end))
            .order_by(LicensePlan.annual_commitment_end, Service.name, LicensePlan.id)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def seats_in_force(self, month: date) -> int:
        """Seats of every plan in force in ``month``."""
        stmt = select(func.coalesce(func.sum(LicensePlan.qty), 0)).where(
            in_force(LicensePlan, month)
        )
        return int((await self.session.execute(stmt)).scalar_one())

    async def cost_by_month(
        self, months: Any, *, cash: bool = False
    ) -> list[tuple[int, str, Decimal]]:
        """Cost of the plans in force, summed per month of ``months`` and currency.

        ``months`` is the table of ``reports.repository.months_table``. With ``cash``, an
        annual plan costs 12 x its monthly cost in its start month and on each anniversary
        (when it is still in force then) and nothing in the months between.
        """
        stmt = self.cost_by_month_select(months, cash=cash)
        return [(row[0], row[1], row[2]) for row in (await self.session.execute(stmt)).all()]

    @staticmethod
    def cost_by_month_select(months: Any, *, cash: bool = False) -> Select[Any]:
        """The SELECT of ``cost_by_month``: (month index, currency, sum), for a UNION.

        The accrual view sums the cost changes up to each month (a few rows per month of
        the ledger, kept by the writers); the cash view reads the plans (``from_plans``).
        """
        if cash:
            return LicenseRepository.from_plans(months, cash=True)
        change = LicenseCostChange
        return (
            select(months.c.i, change.currency, type_coerce(func.sum(change.amount), Money(16)))
            .select_from(months)
            .join(change, change.month <= months.c.m)
            .group_by(months.c.i, change.currency)
            .having(func.sum(change.plans) > literal(0))
        )

    @staticmethod
    def running_costs_select(start: Any, end: Any) -> Select[Any]:
        """(month, currency, cost, plans) in force from each cost change up to ``end``.

        The running sums of the cost changes per currency, summed by the database (window
        ``SUM``, on MariaDB 10.2+, MySQL 8 and SQLite 3.25+) in one pass over the few rows
        of the ledger, instead of a sum per month of a joined table of months. Kept: the
        changes from ``start`` to ``end`` and, per currency, the last one before ``start``
        (what is in force in ``start`` when nothing changes then). ``in_force_by_month``
        reads each month's cost off these rows.
        """
        change = LicenseCostChange
        amount = func.sum(change.amount).over(partition_by=change.currency, order_by=change.month)
        plans = func.sum(change.plans).over(partition_by=change.currency, order_by=change.month)
        runs = (
            select(
                change.month.label("month"),
                change.currency.label("currency"),
                type_coerce(amount, Money(16)).label("amount"),
                plans.label("plans"),
            )
            .where(change.month <= end)
            .subquery("runs")
        )
        before = aliased(LicenseCostChange)
        last_before = (
            select(func.max(before.month))
            .where(before.currency == runs.c.currency, before.month <= start)
            .scalar_subquery()
        )
        return select(runs.c.month, runs.c.currency, runs.c.amount, runs.c.plans).where(
            runs.c.month >= func.coalesce(last_before, start)
        )

    @staticmethod
    def from_plans(months: Any, *, cash: bool = False) -> Select[Any]:
        """``cost_by_month_select`` computed from the plans themselves (and the cash view)."""
        # The plan in force (``in_force``) in a month is the one whose start is the latest on
        # or before it: a plan is in force from its start month until the next plan of its
        # service starts (LEAD over the service's plans, one pass over the table; on MariaDB
        # 10.2+, MySQL 8 and SQLite 3.25+), and while its end month is not past. Joining each
        # plan to the months of that span costs one comparison per plan and month instead of
        # the correlated "latest start" subquery per pair.
        spans = select(
            LicensePlan,
            func.lead(LicensePlan.start_month)
            .over(partition_by=LicensePlan.service_id, order_by=LicensePlan.start_month)
            .label("next_start"),
        ).subquery("spans")
        plan = aliased(LicensePlan, spans)
        cost: Any = plan.monthly_cost
        stmt = (
            select(months.c.i, plan.currency)
            .select_from(months)
            .join(
                spans,
                and_(
                    plan.start_month <= months.c.m,
                    or_(spans.c.next_start.is_(None), spans.c.next_start > months.c.m),
                    or_(plan.end_month.is_(None), plan.end_month >= months.c.m),
                ),
            )
            .group_by(months.c.i, plan.currency)
        )
        if cash:
            annual = plan.billing_cycle == "annual"
            elapsed = _month_number(months.c.m) - _month_number(plan.start_month)
            stmt = stmt.where(or_(~annual, elapsed % 12 == 0))
            # qty x 12 first: a literal multiplied with Money would be bound as Money (cents).
            yearly = plan.monthly_unit_cost * (plan.qty * 12)
            cost = type_coerce(case((annual, yearly), else_=cost), Money(16))
        return stmt.add_columns(func.sum(cost))

    async def cost_by_service(self, month: date) -> list[tuple[int, str, Decimal]]:
        """Cost of the plans in force in ``month``, per service and currency."""
        stmt = (
            select(LicensePlan.service_id, LicensePlan.currency, func.sum(LicensePlan.monthly_cost))
            .where(in_force(LicensePlan, month))
            .group_by(LicensePlan.service_id, LicensePlan.currency)
        )
        return [(row[0], row[1], row[2]) for row in (await self.session.execute(stmt)).all()]
