"""Routes ``/summary``, ``/summary/series`` and ``/alerts/*``."""

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response, StreamingResponse

from costwatch import clock
from costwatch.auth.dependencies import SettingsDep
from costwatch.calendar import MAX_DATE, MAX_YEAR, MIN_DATE, MIN_YEAR, month_start
from costwatch.csv_export import ReportFormatQuery, csv_models, csv_table, with_csv
from costwatch.db.session import SessionDep
from costwatch.errors import Invalid, error_responses
from costwatch.licenses.schemas import CommitmentAlert
from costwatch.licenses.service import get_license_commitments
from costwatch.params import MonthQuery, YearQuery, month_from_query
from costwatch.reports import service
from costwatch.reports.schemas import DailyUsage, Overview, SpendByService, Summary
from costwatch.routing import DecimalJSONRoute
from costwatch.usage.schemas import LowBalanceAlert
from costwatch.usage.service import (
    LOW_BALANCE_PERCENT,
    low_balance_alerts,
    low_balance_alerts_json,
)

router = APIRouter(tags=["reports"], route_class=DecimalJSONRoute)
alerts = APIRouter(prefix="/alerts", tags=["alerts"], route_class=DecimalJSONRoute)
ViewQuery = Annotated[
    Literal["accrual", "cash"],
    Query(
        description="`accrual` (default): an annual plan's cost spread over its months;"
        " `cash`: its twelve months counted in the month it is paid (start month, anniversaries)."
    ),
]
MONTH_PATTERN = r"^(20\d{2}|2100)-(0[1-9]|1[0-2])$"


def _parse_month(name: str, value: str) -> date:
    match = re.fullmatch(r"(\d{4})-(\d{2})", value)
    if not match or not 1 <= int(match[2]) <= 12 or not MIN_YEAR <= int(match[1]) <= MAX_YEAR:
        raise Invalid(name, f"must be a month YYYY-MM between {MIN_YEAR} and {MAX_YEAR}", "query")
    return date(int(match[1]), int(match[2]), 1)


def _summary_csv(name: str, summaries: list[Summary]) -> StreamingResponse:
    """Months as rows: the total, one column per category code, one per unconverted currency.

    A wide table, the shape a spreadsheet charts directly; amounts are in `currency` (the
    reporting currency) except the `unconverted_XXX` columns, each in its own currency.
    """
    codes: list[str] = []
    currencies: list[str] = []
    rows: list[dict[str, Any]] = []
    for summary in summaries:
        row = summary.model_dump(mode="json", include={"year", "month", "currency", "total"})
        for entry in summary.by_category:
            if entry.code not in codes:
                codes.append(entry.code)
            row[entry.code] = f"{entry.amount:.2f}"
        for left in summary.unconverted:
            column = f"unconverted_{left.currency}"
            if column not in currencies:
                currencies.append(column)
            row[column] = f"{left.amount:.2f}"
        rows.append(row)
    columns = ["year", "month", "currency", "total", *codes, *sorted(currencies)]
    return csv_table(name, columns, rows)


@router.get("/summary", response_model=Summary, responses=with_csv(error_responses(401, 422)))
async def summary(
    session: SessionDep,
    settings: SettingsDep,
    year: YearQuery = None,
    month: MonthQuery = None,
    view: ViewQuery = "accrual",
    format: ReportFormatQuery = "json",
) -> Summary | StreamingResponse:
    """Spend of a month (default: this month) grouped by category, in the reporting currency.

    Each currency's sum is converted with that month's rate (`by_currency` shows the original
    amount, the rate and the converted amount); what has no rate stays in `unconverted`.
    As CSV: one row with `year`, `month`, `currency`, `total`, a column per category code
    and an `unconverted_XXX` column per currency left without a rate.
    """
    first = month_from_query(year, month) or month_start(clock.today())
    result = await service.get_monthly_spend(
        session, first.year, first.month, reporting=settings.reporting_currency, view=view
    )
    if format == "csv":
        return _summary_csv(f"summary-{first:%Y-%m}", [result])
    return result


@router.get(
    "/summary/by-service", response_model=SpendByService, responses=error_responses(401, 422)
)
async def summary_by_service(
    session: SessionDep, settings: SettingsDep, year: YearQuery = None, month: MonthQuery = None
) -> SpendByService:
    """Spend of a month (default: this month) per service, largest first.

    The summary's rules per service: invoices of the month, plans in force, consumption dated
    in it. Services with nothing in the month are left out; amounts in a currency without a
    rate are listed apart in `unconverted`.
    """
    first = month_from_query(year, month) or month_start(clock.today())
    return await service.get_spend_by_service(
        session, first.year, first.month, reporting=settings.reporting_currency
    )


@router.get("/usage/daily", response_model=DailyUsage, responses=error_responses(401, 422))
async def usage_daily(
    session: SessionDep,
    settings: SettingsDep,
    days: Annotated[
        int, Query(ge=1, le=366, description="How many days, ending today (today included).")
    ] = 30,
) -> DailyUsage:
    """Usage consumption per day over the last `days` days, every day listed (0.00 when none)."""
    return await service.get_daily_usage(session, days, reporting=settings.reporting_currency)


@router.get("/summary/overview", response_model=Overview, responses=error_responses(401))
async def overview(
    session: SessionDep, settings: SettingsDep, view: ViewQuery = "accrual"
) -> Overview:
    """The dashboard's headline figures: this month vs last year, seats, alerts due."""
    return await service.get_overview(session, reporting=settings.reporting_currency, view=view)


@router.get(
    "/summary/series", response_model=list[Summary], responses=with_csv(error_responses(401, 422))
)
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
    settings: SettingsDep,
    view: ViewQuery = "accrual",
    format: ReportFormatQuery = "json",
) -> list[Summary] | StreamingResponse:
    """Spend per month from `start` to `end`, oldest first, each shaped like `/summary`.

    As CSV: one row per month, with the columns of `/summary`'s CSV.
    """
    series = await service.get_spend_series(
        session,
        _parse_month("start", start),
        _parse_month("end", end),
        reporting=settings.reporting_currency,
        view=view,
    )
    if format == "csv":
        return _summary_csv(f"summary-{start}-to-{end}", series)
    return series


@alerts.get(
    "/commitments",
    response_model=list[CommitmentAlert],
    responses=with_csv(error_responses(401, 422)),
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
    format: ReportFormatQuery = "json",
) -> list[CommitmentAlert] | StreamingResponse:
    """License plans whose annual commitment ends from today up to `expiring_before`."""
    rows = await get_license_commitments(session, expiring_before, one_per_service=one_per_service)
    if format == "csv":
        return csv_models("commitments", CommitmentAlert, rows)
    return rows


@alerts.get(
    "/low-balance",
    response_model=list[LowBalanceAlert],
    responses=with_csv(error_responses(401, 422)),
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
    format: ReportFormatQuery = "json",
) -> list[LowBalanceAlert] | StreamingResponse | Response:
    """Usage services whose balance is below `threshold_percent` of their last top-up."""
    if format == "csv":
        rows = await low_balance_alerts(session, threshold_percent)
        return csv_models("low-balance", LowBalanceAlert, rows)
    # The JSON made by the service (each row's from a memo), not rows to validate again.
    return Response(
        await low_balance_alerts_json(session, threshold_percent), media_type="application/json"
    )
