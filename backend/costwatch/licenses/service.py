"""Business rules of license plans: one plan per service and start month, commitments."""

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from costwatch import clock
from costwatch.calendar import month_start
from costwatch.catalog.service import require_service
from costwatch.errors import Conflict, Invalid, NotFound
from costwatch.licenses.repository import LicenseRepository
from costwatch.licenses.schemas import CommitmentAlert, LicenseCreate, LicenseUpdate
from costwatch.models import CategoryCode, LicensePlan
from costwatch.money import MONEY_LIMIT

DEFAULT_COMMITMENT_WINDOW = timedelta(days=90)


async def list_licenses(
    session: AsyncSession,
    *,
    active: bool | None,
    service_id: int | None,
    provider_id: int | None = None,
    q: str | None = None,
    sort: str = "provider_name",
    limit: int,
    offset: int,
) -> tuple[list[LicensePlan], int]:
    """A page of plans; ``active=true`` keeps the plan in force this month for each service."""
    return await LicenseRepository(session).list_page(
        active=active,
        month=month_start(clock.today()),
        service_id=service_id,
        provider_id=provider_id,
        q=q,
        sort=sort,
        limit=limit,
        offset=offset,
    )


async def get_license(session: AsyncSession, plan_id: int) -> LicensePlan:
    """One plan with its service and provider, or 404."""
    plan = await LicenseRepository(session).get_loaded(plan_id)
    if plan is None:
        raise NotFound(f"License plan {plan_id} does not exist.")
    return plan


async def _locked_plan(repo: LicenseRepository, plan_id: int) -> LicensePlan:
    plan = await repo.get(plan_id, for_update=True)
    if plan is None:
        raise NotFound(f"License plan {plan_id} does not exist.")
    return plan


async def _check_unique(
    repo: LicenseRepository, service_id: int, start_month: date, own_id: int | None
) -> None:
    clash = await repo.find(service_id, start_month)
    if clash is not None and clash.id != own_id:
        raise Conflict(
            f"Service {service_id} already has a plan starting {start_month:%Y-%m} (id {clash.id});"
            " change that plan or pick another start month."
        )


def _check_monthly_cost(unit_cost: Decimal, qty: int) -> None:
    # A plan's monthly cost is an amount like any other: it must fit DECIMAL(12,2), so that
    # a month's sum of plans stays far inside what both engines add exactly.
    if abs(unit_cost * qty) >= MONEY_LIMIT:
        raise Invalid("qty", "monthly_unit_cost x qty must be less than 10,000,000,000")


async def create_license(session: AsyncSession, body: LicenseCreate) -> LicensePlan:
    """Add a plan, or record a price or quantity change as a plan with a later start month."""
    # Locked, so that a category change of the service at the same moment sees this plan.
    await require_service(session, body.service_id, CategoryCode.LICENSE, lock=True)
    _check_monthly_cost(body.monthly_unit_cost, body.qty)
    repo = LicenseRepository(session)
    await _check_unique(repo, body.service_id, body.start_month, None)
    plan = await repo.add(**body.model_dump())
    return await get_license(session, plan.id)


async def update_license(session: AsyncSession, plan_id: int, body: LicenseUpdate) -> LicensePlan:
    """Correct a plan."""
    repo = LicenseRepository(session)
    plan = await _locked_plan(repo, plan_id)
    changes = body.changes()
    if "service_id" in changes:
        await require_service(session, changes["service_id"], CategoryCode.LICENSE, lock=True)
    _check_monthly_cost(
        changes.get("monthly_unit_cost", plan.monthly_unit_cost), changes.get("qty", plan.qty)
    )
    start = changes.get("start_month", plan.start_month)
    end = changes.get("end_month", plan.end_month)
    if end is not None and end < start:
        raise Invalid("end_month", "end_month must not be before start_month")
    await _check_unique(repo, changes.get("service_id", plan.service_id), start, plan.id)
    await repo.update(plan, **changes)
    return await get_license(session, plan_id)


async def delete_license(session: AsyncSession, plan_id: int) -> None:
    """Remove a plan entered by mistake."""
    repo = LicenseRepository(session)
    await repo.delete(await _locked_plan(repo, plan_id))


def _one_per_service(plans: list[LicensePlan], today: date) -> list[LicensePlan]:
    """Keep one plan per service, the one that stands for its commitment.

    After a price or seat change the old plan and the new one usually name the same
    commitment. The plan in force today wins, else the latest one.
    """

    def rank(plan: LicensePlan) -> tuple[bool, date, int]:
        started = plan.start_month <= today
        running = started and (plan.end_month is None or plan.end_month >= month_start(today))
        return (running, plan.start_month if started else date.min, plan.id)

    best: dict[int, LicensePlan] = {}
    for plan in plans:
        current = best.get(plan.service_id)
        if current is None or rank(plan) > rank(current):
            best[plan.service_id] = plan
    return [plan for plan in plans if best[plan.service_id] is plan]


async def get_license_commitments(
    session: AsyncSession, expiring_before: date | None = None, *, one_per_service: bool = False
) -> list[CommitmentAlert]:
    """Plans whose annual commitment ends from today up to ``expiring_before`` (inclusive).

    ``expiring_before`` defaults to 90 days from today. Soonest first. ``one_per_service``
    keeps, for each service, only the plan that stands for its commitment.
    """
    now = clock.today()
    until = expiring_before if expiring_before is not None else now + DEFAULT_COMMITMENT_WINDOW
    plans = await LicenseRepository(session).commitments(start=now, end=until)
    if one_per_service:
        plans = _one_per_service(plans, now)
    alerts = []
    for plan in plans:
        assert plan.annual_commitment_end is not None  # the query filters on it
        alerts.append(
            CommitmentAlert(
                id=plan.id,
                service_id=plan.service_id,
                service_name=plan.service_name,
                provider_name=plan.provider_name,
                annual_commitment_end=plan.annual_commitment_end,
                days_remaining=(plan.annual_commitment_end - now).days,
                monthly_cost=plan.monthly_cost,
                currency=plan.currency,
                qty=plan.qty,
            )
        )
    return alerts


async def seats_in_force(session: AsyncSession) -> int:
    """Seats of every license plan in force this month."""
    return await LicenseRepository(session).seats_in_force(month_start(clock.today()))
