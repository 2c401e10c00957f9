"""Business rules of budgets: what each covers, and how far its month has gone.

``spent`` and ``forecast`` are the figures of ``/summary`` and ``/forecast`` (accrual view, in
the reporting currency): the whole month for a total budget, the category's line for a
category budget, and the service's own amount for a service budget
(``forecast.service.forecast_by_service``). A threshold is crossed when ``spent`` reaches
``threshold`` percent of ``amount``, compared exactly (``spent x 100 >= amount x threshold``),
never through the rounded percent.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from costwatch import clock
from costwatch.budgets.repository import BudgetRepository
from costwatch.budgets.schemas import (
    BudgetCreate,
    BudgetRead,
    BudgetStatus,
    BudgetUpdate,
    check_scope,
    percent,
)
from costwatch.catalog.repository import CategoryRepository, ServiceRepository
from costwatch.errors import Invalid, NotFound
from costwatch.forecast.schemas import Forecast
from costwatch.forecast.service import forecast_by_service, get_forecast
from costwatch.models import Budget
from costwatch.money import ZERO

ALL_SPEND = "All spend"


def _thresholds(budget: Budget) -> list[int]:
    return [int(value) for value in budget.thresholds.split(",") if value]


def _subject(budget: Budget, categories: dict[int, str], services: dict[int, str]) -> str:
    if budget.scope == "category" and budget.category_id is not None:
        return categories.get(budget.category_id, f"Category {budget.category_id}")
    if budget.scope == "service" and budget.service_id is not None:
        return services.get(budget.service_id, f"Service {budget.service_id}")
    return ALL_SPEND


async def _reads(session: AsyncSession, budgets: list[Budget], currency: str) -> list[BudgetRead]:
    categories, services = await BudgetRepository(session).subject_names(
        {b.category_id for b in budgets if b.category_id is not None},
        {b.service_id for b in budgets if b.service_id is not None},
    )
    return [
        BudgetRead(
            id=budget.id,
            name=budget.name,
            scope=budget.scope,
            category_id=budget.category_id,
            service_id=budget.service_id,
            subject=_subject(budget, categories, services),
            amount=budget.amount,
            currency=currency,
            thresholds=_thresholds(budget),
            created_at=budget.created_at,
            updated_at=budget.updated_at,
        )
        for budget in budgets
    ]


async def get_budget(session: AsyncSession, budget_id: int, *, lock: bool = False) -> Budget:
    """A budget, or 404."""
    budget = await BudgetRepository(session).get(budget_id, for_update=lock)
    if budget is None:
        raise NotFound(f"Budget {budget_id} does not exist.")
    return budget


async def read_budget(session: AsyncSession, budget_id: int, currency: str) -> BudgetRead:
    """A budget as the API shows it, or 404."""
    return (await _reads(session, [await get_budget(session, budget_id)], currency))[0]


async def list_budgets(
    session: AsyncSession, currency: str, *, limit: int | None = None, offset: int = 0
) -> tuple[list[BudgetRead], int]:
    """A page of budgets by name, and their count."""
    rows, total = await BudgetRepository(session).list_page(limit=limit, offset=offset)
    return await _reads(session, rows, currency), total


async def _check_subject(
    session: AsyncSession, category_id: int | None, service_id: int | None
) -> None:
    if category_id is not None and await CategoryRepository(session).get(category_id) is None:
        raise Invalid("category_id", f"Category {category_id} does not exist.")
    if service_id is not None:
        service = await ServiceRepository(session).get(service_id)
        if service is None or not service.active:
            raise Invalid("service_id", f"Service {service_id} does not exist.")


async def create_budget(session: AsyncSession, body: BudgetCreate, currency: str) -> BudgetRead:
    """Add a budget for the category or service its scope names."""
    await _check_subject(session, body.category_id, body.service_id)
    budget = await BudgetRepository(session).add(
        name=body.name,
        scope=body.scope,
        category_id=body.category_id,
        service_id=body.service_id,
        amount=body.amount,
        thresholds=",".join(str(value) for value in body.thresholds),
    )
    return (await _reads(session, [budget], currency))[0]


async def update_budget(
    session: AsyncSession, budget_id: int, body: BudgetUpdate, currency: str
) -> BudgetRead:
    """Change a budget; a new scope drops the ids it does not take."""
    budget = await get_budget(session, budget_id, lock=True)
    changes = body.changes()
    scope = changes.get("scope", budget.scope)
    if "scope" in changes and scope != budget.scope:
        # A scope change names its own subject: the old id goes unless it is sent again.
        changes.setdefault("category_id", None)
        changes.setdefault("service_id", None)
    category_id = changes.get("category_id", budget.category_id)
    service_id = changes.get("service_id", budget.service_id)
    try:
        check_scope(scope, category_id, service_id)
    except ValueError as exc:
        raise Invalid("scope", str(exc)) from exc
    await _check_subject(session, changes.get("category_id"), changes.get("service_id"))
    if "thresholds" in changes:
        changes["thresholds"] = ",".join(str(value) for value in changes["thresholds"])
    await BudgetRepository(session).update(budget, **changes)
    return (await _reads(session, [budget], currency))[0]


async def delete_budget(session: AsyncSession, budget_id: int) -> None:
    """Remove a budget (its alert events stay, without the link)."""
    await BudgetRepository(session).delete(await get_budget(session, budget_id, lock=True))


@dataclass(frozen=True)
class _Figures:
    forecast: Forecast
    by_service: dict[int, tuple[Decimal, Decimal]]


def _spent_and_forecast(budget: Budget, figures: _Figures) -> tuple[Decimal, Decimal]:
    if budget.scope == "category":
        for item in figures.forecast.by_category:
            if item.category_id == budget.category_id:
                return item.actual, item.forecast
        return ZERO, ZERO
    if budget.scope == "service" and budget.service_id is not None:
        return figures.by_service.get(budget.service_id, (ZERO, ZERO))
    return figures.forecast.actual, figures.forecast.forecast


def crossed(thresholds: list[int], amount: Decimal, value: Decimal) -> list[int]:
    """The thresholds (percents of ``amount``) that ``value`` has reached, compared exactly."""
    return [threshold for threshold in thresholds if value * 100 >= amount * threshold]


async def budget_status(
    session: AsyncSession, currency: str, month: date | None = None
) -> list[BudgetStatus]:
    """Every budget's month (default this month): spent, forecast, thresholds crossed."""
    today = clock.today()
    first = month or today.replace(day=1)
    budgets, _ = await BudgetRepository(session).list_page(limit=None, offset=0)
    if not budgets:
        return []
    figures = _Figures(
        forecast=await get_forecast(session, first.year, first.month, reporting=currency),
        by_service=(
            await forecast_by_service(session, first.year, first.month, reporting=currency)
            if any(budget.scope == "service" for budget in budgets)
            else {}
        ),
    )
    reads = await _reads(session, budgets, currency)
    rows = []
    for budget, read in zip(budgets, reads, strict=True):
        spent, forecast = _spent_and_forecast(budget, figures)
        thresholds = _thresholds(budget)
        reached = crossed(thresholds, budget.amount, spent)
        rows.append(
            BudgetStatus(
                budget_id=budget.id,
                name=budget.name,
                scope=read.scope,
                subject=read.subject,
                year=first.year,
                month=first.month,
                currency=currency,
                amount=budget.amount,
                spent=spent,
                forecast=forecast,
                percent_spent=percent(spent, budget.amount),
                percent_forecast=percent(forecast, budget.amount),
                thresholds=thresholds,
                crossed=reached,
                forecast_crosses=[
                    t for t in crossed(thresholds, budget.amount, forecast) if t not in reached
                ],
                as_of=today,
            )
        )
    return rows
