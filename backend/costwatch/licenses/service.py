"""Business rules of license plans: one plan per service and start month, commitments."""

from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from costwatch import clock
from costwatch.catalog.models import USER_LICENSE
from costwatch.catalog.service import require_service
from costwatch.errors import Conflict, Invalid, NotFound
from costwatch.licenses.models import LicensePlan
from costwatch.licenses.repository import LicenseRepository
from costwatch.licenses.schemas import LicenseCreate, LicenseRead, LicenseUpdate
from costwatch.money import month_start
from costwatch.reports.schemas import CommitmentAlert

DEFAULT_COMMITMENT_WINDOW = timedelta(days=90)


def _read(row: tuple[LicensePlan, str, str]) -> LicenseRead:
    plan, service_name, provider_name = row
    return LicenseRead(
        id=plan.id,
        service_id=plan.service_id,
        service_name=service_name,
        provider_name=provider_name,
        monthly_unit_cost=plan.monthly_unit_cost,
        qty=plan.qty,
        monthly_cost=plan.monthly_unit_cost * plan.qty,
        start_month=plan.start_month,
        end_month=plan.end_month,
        annual_commitment_end=plan.annual_commitment_end,
        currency=plan.currency,
        created_at=plan.created_at,
        updated_at=plan.updated_at,
    )


async def list_licenses(
    session: AsyncSession, *, active: bool | None, service_id: int | None, limit: int, offset: int
) -> tuple[list[LicenseRead], int]:
    """A page of plans; ``active=true`` keeps the plan in force this month for each service."""
    rows, total = await LicenseRepository(session).list_page(
        active=active,
        month=month_start(clock.today()),
        service_id=service_id,
        limit=limit,
        offset=offset,
    )
    return [_read(row) for row in rows], total


async def get_license(session: AsyncSession, plan_id: int) -> LicenseRead:
    """One plan, or 404."""
    row = await LicenseRepository(session).get_with_names(plan_id)
    if row is None:
        raise NotFound(f"License plan {plan_id} does not exist.")
    return _read(row)


async def _check_unique(
    repo: LicenseRepository, service_id: int, start_month: date, own_id: int | None
) -> None:
    clash = await repo.find(service_id, start_month)
    if clash is not None and clash.id != own_id:
        raise Conflict(
            f"Service {service_id} already has a plan starting {start_month:%Y-%m} (id {clash.id});"
            " change that plan or pick another start month."
        )


async def create_license(session: AsyncSession, body: LicenseCreate) -> LicenseRead:
    """Add a plan, or record a price or quantity change as a plan with a later start month."""
    await require_service(session, body.service_id, USER_LICENSE)
    repo = LicenseRepository(session)
    await _check_unique(repo, body.service_id, body.start_month, None)
    plan = await repo.add(**body.model_dump())
    return await get_license(session, plan.id)


async def update_license(session: AsyncSession, plan_id: int, body: LicenseUpdate) -> LicenseRead:
    """Correct a plan."""
    repo = LicenseRepository(session)
    plan = await repo.get(plan_id)
    if plan is None:
        raise NotFound(f"License plan {plan_id} does not exist.")
    changes = body.changes()
    if "service_id" in changes:
        await require_service(session, changes["service_id"], USER_LICENSE)
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
    plan = await repo.get(plan_id)
    if plan is None:
        raise NotFound(f"License plan {plan_id} does not exist.")
    await repo.delete(plan)


async def get_license_commitments(
    session: AsyncSession, expiring_before: date | None = None
) -> list[CommitmentAlert]:
    """Plans whose annual commitment ends from today up to ``expiring_before`` (inclusive).

    ``expiring_before`` defaults to 90 days from today. Soonest first.
    """
    now = clock.today()
    until = expiring_before if expiring_before is not None else now + DEFAULT_COMMITMENT_WINDOW
    rows = await LicenseRepository(session).commitments(start=now, end=until)
    alerts = []
    for plan, service_name, provider_name in rows:
        assert plan.annual_commitment_end is not None  # the query filters on it
        alerts.append(
            CommitmentAlert(
                id=plan.id,
                service_id=plan.service_id,
                service_name=service_name,
                provider_name=provider_name,
                annual_commitment_end=plan.annual_commitment_end,
                days_remaining=(plan.annual_commitment_end - now).days,
                monthly_cost=plan.monthly_unit_cost * plan.qty,
                currency=plan.currency,
                qty=plan.qty,
            )
        )
    return alerts
