"""SQL for ``license_plan``, including the plan-in-force rule."""

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import aliased

from costwatch.catalog.models import Provider, Service
from costwatch.licenses.models import LicensePlan
from costwatch.repository import AnySelect, Repository


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


class LicenseRepository(Repository[LicensePlan]):
    """CRUD on ``license_plan`` and the sums the reports need."""

    model = LicensePlan

    def _with_names(self) -> AnySelect:
        return (
            select(LicensePlan, Service.name, Provider.name)
            .join(Service, LicensePlan.service_id == Service.id)
            .join(Provider, Service.provider_id == Provider.id)
        )

    async def find(self, service_id: int, start_month: date) -> LicensePlan | None:
        """The plan of a service starting in a month (unique)."""
        stmt = select(LicensePlan).where(
            LicensePlan.service_id == service_id, LicensePlan.start_month == start_month
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def get_with_names(self, plan_id: int) -> tuple[LicensePlan, str, str] | None:
        """A plan with its service's and provider's names."""
        row = (
            await self.session.execute(self._with_names().where(LicensePlan.id == plan_id))
        ).first()
        return (row[0], row[1], row[2]) if row else None

    async def list_page(
        self,
        *,
        active: bool | None,
        month: date,
        service_id: int | None,
        limit: int,
        offset: int,
    ) -> tuple[list[tuple[LicensePlan, str, str]], int]:
        """Plans by provider, service and start month; ``active`` splits on the plan in force."""
        stmt = self._with_names().order_by(
            Provider.name, Service.name, LicensePlan.start_month.desc(), LicensePlan.id
        )
        if active is True:
            stmt = stmt.where(in_force(LicensePlan, month))
        elif active is False:
            stmt = stmt.where(~in_force(LicensePlan, month))
        if service_id is not None:
            stmt = stmt.where(LicensePlan.service_id == service_id)
        rows, total = await self.page(stmt, limit=limit, offset=offset)
        return [(row[0], row[1], row[2]) for row in rows], total

    async def commitments(self, *, start: date, end: date) -> list[tuple[LicensePlan, str, str]]:
        """Plans whose annual commitment ends from ``start`` to ``end``, soonest first."""
        stmt = (
            self._with_names()
            .where(LicensePlan.annual_commitment_end.between(start, end))
            .order_by(LicensePlan.annual_commitment_end, Service.name, LicensePlan.id)
        )
        return [(row[0], row[1], row[2]) for row in (await self.session.execute(stmt)).all()]

    async def cost_by_month(self, months: Any) -> list[tuple[int, str, Decimal]]:
        """Cost of the plans in force, summed per month of ``months`` and currency.

        ``months`` is the table of ``reports.repository.months_table``.
        """
        stmt = (
            select(
                months.c.i,
                LicensePlan.currency,
                func.sum(LicensePlan.monthly_unit_cost * LicensePlan.qty),
            )
            .select_from(months)
            .join(LicensePlan, LicensePlan.start_month <= months.c.m)
            .where(in_force(LicensePlan, months.c.m))
            .group_by(months.c.i, LicensePlan.currency)
        )
        return [(row[0], row[1], row[2]) for row in (await self.session.execute(stmt)).all()]
