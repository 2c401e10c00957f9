"""SQL for ``usage_topup`` and ``usage_consumption``, and the balances."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from costwatch.catalog.models import USAGE, Provider, Service, ServiceCategory
from costwatch.repository import Repository
from costwatch.usage.models import UsageConsumption, UsageTopup

ZERO = Decimal("0.00")


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

    @property
    def balance(self) -> Decimal:
        """Top-ups minus consumption."""
        return self.total_topups - self.total_consumed


class TopupRepository(Repository[UsageTopup]):
    """CRUD on ``usage_topup``."""

    model = UsageTopup

    async def list_page(
        self, *, service_id: int | None, limit: int, offset: int
    ) -> tuple[list[UsageTopup], int]:
        """Top-ups, newest first."""
        stmt = select(UsageTopup).order_by(UsageTopup.topup_date.desc(), UsageTopup.id.desc())
        if service_id is not None:
            stmt = stmt.where(UsageTopup.service_id == service_id)
        rows, total = await self.page(stmt, limit=limit, offset=offset)
        return [row[0] for row in rows], total

    async def currency_of(self, service_id: int) -> str | None:
        """The currency of a service's funds: of its top-ups, else of its consumption."""
        for model in (UsageTopup, UsageConsumption):
            stmt = select(model.currency).where(model.service_id == service_id).limit(1)
            currency = (await self.session.execute(stmt)).scalar_one_or_none()
            if currency is not None:
                return currency
        return None


class ConsumptionRepository(Repository[UsageConsumption]):
    """CRUD on ``usage_consumption``."""

    model = UsageConsumption

    async def list_page(
        self, *, service_id: int | None, limit: int, offset: int
    ) -> tuple[list[UsageConsumption], int]:
        """Consumption events, newest first."""
        stmt = select(UsageConsumption).order_by(
            UsageConsumption.consumption_date.desc(), UsageConsumption.id.desc()
        )
        if service_id is not None:
            stmt = stmt.where(UsageConsumption.service_id == service_id)
        rows, total = await self.page(stmt, limit=limit, offset=offset)
        return [row[0] for row in rows], total

    async def cost_by_month(self, months: Any) -> list[tuple[int, str, Decimal]]:
        """Consumption summed per month of ``months`` and currency.

        ``months`` is the table of ``reports.repository.months_table``.
        """
        stmt = (
            select(
                months.c.i, UsageConsumption.currency, func.sum(UsageConsumption.amount_consumed)
            )
            .select_from(months)
            .join(
                UsageConsumption,
                (UsageConsumption.consumption_date >= months.c.m)
                & (UsageConsumption.consumption_date < months.c.m_next),
            )
            .group_by(months.c.i, UsageConsumption.currency)
        )
        return [(row[0], row[1], row[2]) for row in (await self.session.execute(stmt)).all()]


class BalanceRepository:
    """Balances of usage services, summed in SQL."""

    def __init__(self, session: Any) -> None:
        self.session = session

    async def balances(self, service_id: int | None = None) -> list[BalanceRow]:
        """One row per usage service (or just one): totals and the last top-up."""
        topups = (
            select(
                UsageTopup.service_id.label("service_id"),
                func.sum(UsageTopup.amount_purchased).label("total"),
                func.max(UsageTopup.topup_date).label("last_date"),
                func.min(UsageTopup.currency).label("currency"),
            )
            .group_by(UsageTopup.service_id)
            .subquery()
        )
        consumed = (
            select(
                UsageConsumption.service_id.label("service_id"),
                func.sum(UsageConsumption.amount_consumed).label("total"),
                func.min(UsageConsumption.currency).label("currency"),
            )
            .group_by(UsageConsumption.service_id)
            .subquery()
        )
        # The last top-up's amount: the top-up on the latest date with the highest id.
        last = aliased(UsageTopup)
        last_id = (
            select(func.max(last.id))
            .where(last.service_id == Service.id, last.topup_date == topups.c.last_date)
            .correlate_except(last)
            .scalar_subquery()
        )
        last_amount = (
            select(UsageTopup.amount_purchased).where(UsageTopup.id == last_id).scalar_subquery()
        )
        stmt = (
            select(
                Service.id,
                Service.name,
                Provider.name,
                Service.active,
                func.coalesce(topups.c.currency, consumed.c.currency),
                topups.c.total,
                consumed.c.total,
                topups.c.last_date,
                last_amount,
            )
            .join(Provider, Service.provider_id == Provider.id)
            .join(ServiceCategory, Service.category_id == ServiceCategory.id)
            .outerjoin(topups, topups.c.service_id == Service.id)
            .outerjoin(consumed, consumed.c.service_id == Service.id)
            .where(ServiceCategory.name == USAGE)
            .order_by(Provider.name, Service.name, Service.id)
        )
        if service_id is not None:
            stmt = stmt.where(Service.id == service_id)
        result = await self.session.execute(stmt)
        return [
            BalanceRow(
                service_id=row[0],
                service_name=row[1],
                provider_name=row[2],
                active=row[3],
                currency=row[4],
                total_topups=row[5] if row[5] is not None else ZERO,
                total_consumed=row[6] if row[6] is not None else ZERO,
                last_topup_date=row[7],
                last_topup_amount=row[8],
            )
            for row in result.all()
        ]
