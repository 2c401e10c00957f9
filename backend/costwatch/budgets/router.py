"""Routes under ``/budgets``: monthly spend limits and their status."""

from fastapi import APIRouter, Response, status

from costwatch import clock
from costwatch.auth.dependencies import SettingsDep
from costwatch.budgets import service
from costwatch.budgets.schemas import BudgetCreate, BudgetRead, BudgetStatus, BudgetUpdate
from costwatch.calendar import month_start
from costwatch.db.session import SessionDep
from costwatch.errors import error_responses
from costwatch.params import (
    TOTAL_COUNT_HEADER,
    IdPath,
    MonthQuery,
    PageDep,
    YearQuery,
    month_from_query,
    set_total,
)
from costwatch.routing import DecimalJSONRoute

router = APIRouter(prefix="/budgets", tags=["budgets"], route_class=DecimalJSONRoute)


@router.get(
    "",
    response_model=list[BudgetRead],
    responses={**error_responses(401, 422), 200: {"headers": TOTAL_COUNT_HEADER}},
)
async def list_budgets(
    session: SessionDep, settings: SettingsDep, response: Response, page: PageDep
) -> list[BudgetRead]:
    """List budgets by name."""
    rows, total = await service.list_budgets(
        session, settings.reporting_currency, limit=page.limit, offset=page.offset
    )
    set_total(response, total)
    return rows


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=BudgetRead,
    responses=error_responses(401, 422),
)
async def create_budget(
    session: SessionDep, settings: SettingsDep, body: BudgetCreate
) -> BudgetRead:
    """Add a monthly budget on all spend, a category or a service, in the reporting currency.

    Each threshold (default 80 % and 100 %) opens one `budget` alert the first time a month's
    spend reaches it.
    """
    return await service.create_budget(session, body, settings.reporting_currency)


@router.get("/status", response_model=list[BudgetStatus], responses=error_responses(401, 422))
async def budget_status(
    session: SessionDep,
    settings: SettingsDep,
    year: YearQuery = None,
    month: MonthQuery = None,
) -> list[BudgetStatus]:
    """Every budget in a month (default this month): spent, forecast and thresholds crossed.

    `spent` and `forecast` are `/summary`'s and `/forecast`'s figures for what the budget
    covers (the accrual view). `percent_spent` has one decimal; `crossed` compares exactly.
    """
    first = month_from_query(year, month) or month_start(clock.today())
    return await service.budget_status(session, settings.reporting_currency, first)


@router.get("/{budget_id}", response_model=BudgetRead, responses=error_responses(401, 404, 422))
async def get_budget(session: SessionDep, settings: SettingsDep, budget_id: IdPath) -> BudgetRead:
    """Read one budget."""
    return await service.read_budget(session, budget_id, settings.reporting_currency)


@router.put("/{budget_id}", response_model=BudgetRead, responses=error_responses(401, 404, 422))
async def update_budget(
    session: SessionDep, settings: SettingsDep, budget_id: IdPath, body: BudgetUpdate
) -> BudgetRead:
    """Change a budget; a new `scope` needs the id it names (the other one is dropped)."""
    return await service.update_budget(session, budget_id, body, settings.reporting_currency)


@router.delete(
    "/{budget_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(401, 404, 422),
)
async def delete_budget(session: SessionDep, budget_id: IdPath) -> None:
    """Remove a budget; its past alerts stay in the inbox."""
    await service.delete_budget(session, budget_id)
