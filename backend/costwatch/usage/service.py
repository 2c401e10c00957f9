"""Business rules of usage services: one currency per service, balances, low-balance alerts."""

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from costwatch.catalog.models import USAGE
from costwatch.catalog.repository import ServiceRepository
from costwatch.catalog.service import require_service
from costwatch.errors import Invalid, NotFound
from costwatch.money import quantize
from costwatch.reports.schemas import LowBalanceAlert
from costwatch.usage.models import UsageConsumption, UsageTopup
from costwatch.usage.repository import (
    BalanceRepository,
    BalanceRow,
    ConsumptionRepository,
    TopupRepository,
)
from costwatch.usage.schemas import Balance, ConsumptionCreate, TopupCreate

DEFAULT_CURRENCY = "USD"
DEFAULT_THRESHOLD_PERCENT = Decimal(20)


async def list_topups(
    session: AsyncSession, *, service_id: int | None, limit: int, offset: int
) -> tuple[list[UsageTopup], int]:
    """A page of top-ups and the total."""
    return await TopupRepository(session).list_page(
        service_id=service_id, limit=limit, offset=offset
    )


async def list_consumption(
    session: AsyncSession, *, service_id: int | None, limit: int, offset: int
) -> tuple[list[UsageConsumption], int]:
    """A page of consumption events and the total."""
    return await ConsumptionRepository(session).list_page(
        service_id=service_id, limit=limit, offset=offset
    )


async def create_topup(session: AsyncSession, body: TopupCreate) -> UsageTopup:
    """Record funds added to a usage service, in the currency it already uses."""
    await require_service(session, body.service_id, USAGE, lock=True)
    repo = TopupRepository(session)
    current = await repo.currency_of(body.service_id)
    if current is not None and current != body.currency:
        raise Invalid(
            "currency",
            f"Service {body.service_id} is funded in {current}; a top-up in {body.currency}"
            " would mix currencies in its balance.",
        )
    return await repo.add(**body.model_dump())


async def create_consumption(session: AsyncSession, body: ConsumptionCreate) -> UsageConsumption:
    """Record funds used up, in the currency of the service's top-ups."""
    await require_service(session, body.service_id, USAGE, lock=True)
    currency = await TopupRepository(session).currency_of(body.service_id) or DEFAULT_CURRENCY
    return await ConsumptionRepository(session).record(**body.model_dump(), currency=currency)


async def delete_topup(session: AsyncSession, topup_id: int) -> None:
    """Remove a top-up entered by mistake."""
    repo = TopupRepository(session)
    row = await repo.get(topup_id)
    if row is None:
        raise NotFound(f"Top-up {topup_id} does not exist.")
    await repo.delete(row)


async def delete_consumption(session: AsyncSession, consumption_id: int) -> None:
    """Remove a consumption event entered by mistake."""
    repo = ConsumptionRepository(session)
    row = await repo.get(consumption_id)
    if row is None:
        raise NotFound(f"Consumption event {consumption_id} does not exist.")
    await ServiceRepository(session).lock(row.service_id)
    await repo.remove(row)


def _balance(row: BalanceRow) -> Balance:
    return Balance(
        service_id=row.service_id,
        service_name=row.service_name,
        provider_name=row.provider_name,
        active=row.active,
        currency=row.currency or DEFAULT_CURRENCY,
        total_topups=row.total_topups,
        total_consumed=row.total_consumed,
        balance=row.balance,
        last_topup_date=row.last_topup_date,
        last_topup_amount=row.last_topup_amount,
        threshold_amount=(
            quantize(row.last_topup_amount * DEFAULT_THRESHOLD_PERCENT / 100)
            if row.last_topup_amount is not None
            else None
        ),
    )


async def list_balances(session: AsyncSession) -> list[Balance]:
    """One balance per usage service."""
    return [_balance(row) for row in await BalanceRepository(session).balances()]


async def get_balance(session: AsyncSession, service_id: int) -> Balance:
    """The balance of one usage service, or 404."""
    rows = await BalanceRepository(session).balances(service_id)
    if not rows:
        raise NotFound(f"Usage service {service_id} does not exist.")
    return _balance(rows[0])


async def get_usage_balance(session: AsyncSession, service_id: int) -> Decimal:
    """Sum of top-ups minus sum of consumption of a usage service."""
    return (await get_balance(session, service_id)).balance


async def low_balance_alerts(
    session: AsyncSession, threshold_percent: Decimal = DEFAULT_THRESHOLD_PERCENT
) -> list[LowBalanceAlert]:
    """Usage services whose balance is below ``threshold_percent`` of their last top-up.

    Services never topped up have no reference amount and are not listed. The comparison uses
    the exact threshold; ``threshold_amount`` is shown rounded to cents.
    """
    alerts = []
    for row in await BalanceRepository(session).balances():
        if row.last_topup_amount is None:
            continue
        threshold = row.last_topup_amount * threshold_percent / 100
        if row.balance < threshold:
            alerts.append(
                LowBalanceAlert(
                    service_id=row.service_id,
                    service_name=row.service_name,
                    provider_name=row.provider_name,
                    currency=row.currency or DEFAULT_CURRENCY,
                    balance=row.balance,
                    last_topup_amount=row.last_topup_amount,
                    last_topup_date=row.last_topup_date,
                    threshold_amount=quantize(threshold),
                    threshold_percent=threshold_percent,
                )
            )
    return alerts
