"""Routes ``/summary``, ``/summary/series`` and ``/alerts/*``."""

import re
from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query

from costwatch import clock
from costwatch.calendar import MAX_DATE, MAX_YEAR, MIN_DATE, MIN_YEAR, month_start
from costwatch.db.session import SessionDep
from costwatch.errors import Invalid, error_responses
from costwatch.licenses.schemas import CommitmentAlert
from costwatch.licenses.service import get_license_commitments
from costwatch.params import MonthQuery, YearQuery, month_from_query
from costwatch.reports import service
from costwatch.reports.schemas import DailyUsage, Overview, SpendByService, Summary
from costwatch.routing import DecimalJSONRoute
from costwatch.usage.schemas import LowBalanceAlert
from costwatch.usage.service import LOW_BALANCE_PERCENT, low_balance_alerts

router = APIRouter(tags=["reports"], route_class=DecimalJSONRoute)
alerts = APIRouter(prefix="/alerts", tags=["alerts"], route_class=DecimalJSONRoute)
MONTH_PATTERN = r"^(20\d{2}|2100)-(0[1-9]|1[0-2])$"


def _parse_month(name: str, value: str) -> date:
    match = re.fullmatch(r"(\d{4})-(\d{2})", value)
    if not match or not 1 <= int(match[2]) <= 12 or not MIN_YEAR <= int(match[1]) <= MAX_YEAR:
        raise Invalid(name, f"must be a month YYYY-MM between {MIN_YEAR} and {MAX_YEAR}", "query")
    return date(int(match[1]), int(match[2]), 1)


@router.get("/summary", response_model=Summary, responses=error_responses(401, 422))
async def summary(session: SessionDep, year: YearQuery = None, month: MonthQuery = None) -> Summary:
    """Spend of a month (default: this month) grouped by category."""
    first = month_from_query(year, month) or month_start(clock.today())
    return await service.get_monthly_spend(session, first.year, first.month)


@router.get(
    "/summary/by-service", response_model=SpendByService, responses=error_responses(401, 422)
)
async def summary_by_service(
    session: SessionDep, year: YearQuery = None, month: MonthQuery = None
) -> SpendByService:
    """Spend of a month (default: this month) per service, largest first.

    The summary's rules per service: invoices of the month, plans in force, consumption dated
    in it. Services with nothing in the month are left out; amounts in a currency without a
    rate are listed apart in `unconverted`.
    """
    first = month_from_query(year, month) or month_start(clock.today())
    return await service.get_spend_by_service(session, first.year, first.month)


@router.get("/usage/daily", response_model=DailyUsage, responses=error_responses(401, 422))
async def usage_daily(
    session: SessionDep,
    days: Annotated[
        int, Query(ge=1, le=366, description="How many days, ending today (today included).")
    ] = 30,
) -> DailyUsage:
    """Usage consumption per day over the last `days` days, every day listed (0.00 when none)."""
    return await service.get_daily_usage(session, days)


@router.get("/summary/overview", response_model=Overview, responses=error_responses(401))
async def overview(session: SessionDep) -> Overview:
    """The dashboard's headline figures: this month vs last year, seats, alerts due."""
    return await service.get_overview(session)


@router.get("/summary/series", response_model=list[Summary], responses=error_responses(401, 422))
async def summary_series(
    session: SessionDep,
    start: Annotated[
        str, Query(pattern=MONTH_PATTERN, examples=["2025-01"], description="First month, YYYY-MM.")
    ],
    end: Annotated[
        str,
        Query(
            pattern=MONTH_PATTERN,
            examples=["2025-12"],
            description="Last month, YYYY-MM (at most 120 months in all).",
        ),
    ],
) -> list[Summary]:
    """Spend per month from `start` to `end`, oldest first, each shaped like `/summary`."""
    return await service.get_spend_series(
        session, _parse_month("start", start), _parse_month("end", end)
    )


@alerts.get(
    "/commitments", response_model=list[CommitmentAlert], responses=error_responses(401, 422)
)
async def commitments(
    session: SessionDep,
    expiring_before: Annotated[
        date | None,
        Query(
            ge=MIN_DATE, le=MAX_DATE, description="Last day to include (default today + 90 days)."
        ),
    ] = None,
    one_per_service: Annotated[
        bool,
        Query(
            description="Keep one plan per service: the plan in force today, else the latest"
            " (after a price change the old and the new plan usually name the same commitment)."
        ),
    ] = False,
) -> list[CommitmentAlert]:
    """License plans whose annual commitment ends from today up to `expiring_before`."""
    return await get_license_commitments(session, expiring_before, one_per_service=one_per_service)


@alerts.get(
    "/low-balance", response_model=list[LowBalanceAlert], responses=error_responses(401, 422)
)
async def low_balance(
    session: SessionDep,
    threshold_percent: Annotated[
        Decimal,
        Query(
            ge=0,
            le=100,
            max_digits=5,
            decimal_places=2,
            description="Warn below this percent of the last top-up (0-100).",
        ),
    ] = LOW_BALANCE_PERCENT,
) -> list[LowBalanceAlert]:
    """Usage services whose balance is below `threshold_percent` of their last top-up."""
    return await low_balance_alerts(session, threshold_percent)
