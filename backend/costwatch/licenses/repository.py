"""SQL for ``license_plan``, including the plan-in-force rule."""

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, extract, func, or_, select, type_coerce
from sqlalchemy.orm import aliased, contains_eager

from costwatch.catalog.repository import name_contains
from costwatch.db.repository import Repository, Reversed, order_by
from costwatch.models import LicensePlan, Provider, Service
from costwatch.models.base import Money


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


class LicenseRepository(Repository[LicensePlan]):
    """CRUD on ``license_plan`` and the sums the reports need."""

    model = LicensePlan

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
        """The SELECT of ``cost_by_month``: (month index, currency, sum), for a UNION."""
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
