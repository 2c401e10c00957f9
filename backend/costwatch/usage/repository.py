"""SQL for ``usage_topup`` and ``usage_consumption``, and the balances."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, insert, literal_column, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from costwatch.catalog.models import USAGE, Provider, Service, ServiceCategory
from costwatch.money import month_start
from costwatch.repository import Repository
from costwatch.usage.models import UsageConsumption, UsageConsumptionMonth, UsageTopup
from costwatch.versioning import mark_changed

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
    """CRUD on ``usage_consumption``, keeping ``usage_consumption_month`` in step."""

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

    async def record(self, **values: Any) -> UsageConsumption:
        """Insert an event and add it to its month's total.

        The caller holds the service's row lock (``ServiceRepository.lock``): the
        update-else-insert of the month's total cannot race another writer of that service.
        """
        row = await self.add(**values)
        await self._add_to_month(
            row.service_id, row.consumption_date, row.currency, row.amount_consumed
        )
        return row

    async def remove(self, row: UsageConsumption) -> None:
        """Delete an event and take it out of its month's total (caller holds the lock)."""
        await self._add_to_month(
            row.service_id, row.consumption_date, row.currency, -row.amount_consumed
        )
        await self.delete(row)

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
        """Recompute ``usage_consumption_month`` from every event (after bulk loads)."""
        if self.session.get_bind().dialect.name == "sqlite":
            month = func.strftime("%Y-%m-01", UsageConsumption.consumption_date)
        else:
            month = func.date_format(
                UsageConsumption.consumption_date, literal_column("'%Y-%m-01'")
            )
        await self.session.execute(delete(UsageConsumptionMonth))
        totals = select(
            UsageConsumption.service_id,
            month,
            func.min(UsageConsumption.currency),
            func.sum(UsageConsumption.amount_consumed),
        ).group_by(UsageConsumption.service_id, month)
        await self.session.execute(
            insert(UsageConsumptionMonth).from_select(
                ["service_id", "month", "currency", "amount"], totals
            )
        )
        mark_changed(self.session.sync_session)

    async def cost_by_month(self, months: Any) -> list[tuple[int, str, Decimal]]:
        """Consumption summed per month of ``months`` and currency, from the monthly totals.

        ``months`` is the table of ``reports.repository.months_table``.
        """
        total = UsageConsumptionMonth
        stmt = (
            select(months.c.i, total.currency, func.sum(total.amount))
            .select_from(months)
            .join(total, total.month == months.c.m)
            .group_by(months.c.i, total.currency)
        )
        return [(row[0], row[1], row[2]) for row in (await self.session.execute(stmt)).all()]


class BalanceRepository:
    """Balances of usage services, summed in SQL."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def balances(self, service_id: int | None = None) -> list[BalanceRow]:
        """One row per usage service (or just one): totals and the last top-up.

        Consumption comes from the monthly totals (one row per service and month), top-ups
        from a covering index: neither reads every event.
        """
        topups = (
            select(
                UsageTopup.service_id.label("service_id"),
                func.sum(UsageTopup.amount_purchased).label("total"),
                func.min(UsageTopup.currency).label("currency"),
            )
            .group_by(UsageTopup.service_id)
            .subquery()
        )
        consumed = (
            select(
                UsageConsumptionMonth.service_id.label("service_id"),
                func.sum(UsageConsumptionMonth.amount).label("total"),
                func.min(UsageConsumptionMonth.currency).label("currency"),
            )
            .group_by(UsageConsumptionMonth.service_id)
            .subquery()
        )

        # The last top-up: latest date, then latest entry; one index dive per service.
        def last(column: Any) -> Any:
            return (
                select(column)
                .where(UsageTopup.service_id == Service.id)
                .order_by(UsageTopup.topup_date.desc(), UsageTopup.id.desc())
                .limit(1)
                .correlate(Service)
                .scalar_subquery()
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
                last(UsageTopup.topup_date),
                last(UsageTopup.amount_purchased),
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
