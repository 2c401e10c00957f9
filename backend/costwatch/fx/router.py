"""Routes ``/fx-rates`` and ``/imports/fx-rates``."""

import re
from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Path, Query, Response, UploadFile, status

from costwatch.auth.dependencies import SettingsDep
from costwatch.calendar import MAX_YEAR, MIN_YEAR
from costwatch.currency import parse_currency
from costwatch.db.session import SessionDep
from costwatch.errors import Invalid, error_responses
from costwatch.fx import service
from costwatch.fx.schemas import FxImportResult, FxInfo, FxRateRead, FxRateSet, RateSource
from costwatch.params import TOTAL_COUNT_HEADER, PageDep, set_total
from costwatch.routing import DecimalJSONRoute

router = APIRouter(tags=["fx-rates"], route_class=DecimalJSONRoute)
MAX_IMPORT_BYTES = 8 * 1024 * 1024
"""An upload's limit: the ECB's full history since 1999 is about 2 MB."""
MONTH_PATTERN = r"^\d{4}-\d{2}$"
CurrencyPath = Annotated[
    str, Path(pattern=r"^[A-Za-z]{3}$", examples=["EUR"], description="ISO 4217 code.")
]
MonthPath = Annotated[
    str, Path(pattern=MONTH_PATTERN, examples=["2026-10"], description="YYYY-MM.")
]


def _currency(value: str, location: str) -> str:
    try:
        return parse_currency(value)
    except ValueError as exc:
        raise Invalid("currency", str(exc), location) from exc


def _month(value: str, location: str) -> date:
    match = re.fullmatch(r"(\d{4})-(\d{2})", value)
    if not match or not 1 <= int(match[2]) <= 12 or not MIN_YEAR <= int(match[1]) <= MAX_YEAR:
        raise Invalid(
            "month", f"must be a month YYYY-MM between {MIN_YEAR} and {MAX_YEAR}", location
        )
    return date(int(match[1]), int(match[2]), 1)


@router.get(
    "/fx-rates",
    response_model=list[FxRateRead],
    responses={**error_responses(401, 422), 200: {"headers": TOTAL_COUNT_HEADER}},
)
async def list_rates(
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
    page: PageDep,
    currency: Annotated[
        str | None, Query(pattern=r"^[A-Za-z]{3}$", description="Only this currency.")
    ] = None,
    month: Annotated[
        str | None, Query(pattern=MONTH_PATTERN, description="Only this month, YYYY-MM.")
    ] = None,
    source: Annotated[RateSource | None, Query(description="Only rates of this source.")] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=20,
            description="Search: part of the currency code, or the start of the month"
            " (`2026`, `2026-1`), case-insensitive.",
        ),
    ] = None,
) -> list[FxRateRead]:
    """Rates per currency and month to the reporting currency, newest month first.

    Each row says where its rate comes from: `manual` and `import` win over `bundled` (the
    ECB reference rates shipped with CostWatch, as the monthly average of the daily rates).
    """
    rows, total = await service.list_rates(
        session,
        settings.reporting_currency,
        currency=None if currency is None else _currency(currency, "query"),
        month=None if month is None else _month(month, "query"),
        source=source,
        q=q,
        limit=page.limit,
        offset=page.offset,
    )
    set_total(response, total)
    return rows


@router.get("/fx-rates/info", response_model=FxInfo, responses=error_responses(401))
async def rates_info(settings: SettingsDep) -> FxInfo:
    """The reporting currency of every report, and how far the bundled ECB rates reach."""
    return await service.get_info(settings.reporting_currency)


@router.put(
    "/fx-rates/{currency}/{month}",
    response_model=FxRateRead,
    responses=error_responses(401, 422),
)
async def set_rate(
    session: SessionDep,
    settings: SettingsDep,
    currency: CurrencyPath,
    month: MonthPath,
    body: FxRateSet,
) -> FxRateRead:
    """Enter a month's rate by hand (units of `currency` per 1 unit of the reporting currency).

    It wins over an imported or bundled rate of that month; reports use it at once.
    """
    return await service.set_rate(
        session,
        settings.reporting_currency,
        _currency(currency, "path"),
        _month(month, "path"),
        body.rate,
    )


@router.delete(
    "/fx-rates/{currency}/{month}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 404, 422),
)
async def delete_rate(
    session: SessionDep, settings: SettingsDep, currency: CurrencyPath, month: MonthPath
) -> None:
    """Remove a rate entered by hand or imported; the month falls back to the bundled rate."""
    await service.delete_rate(
        session, settings.reporting_currency, _currency(currency, "path"), _month(month, "path")
    )


@router.post(
    "/imports/fx-rates",
    response_model=FxImportResult,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 422),
)
async def import_rates(
    session: SessionDep,
    settings: SettingsDep,
    file: Annotated[
        UploadFile,
        File(description="A CSV in the ECB history layout: `Date,USD,JPY,...`, rates per EUR."),
    ],
) -> FxImportResult:
    """Import ECB reference rates (the `eurofxref-hist.csv` layout, rates per EUR).

    Daily rates are crossed to the reporting currency through EUR, averaged per month and
    stored as `import` rates; they replace earlier imports and the bundled rates, never a
    rate entered by hand.
    """
    data = await file.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Invalid("file", "must be a UTF-8 CSV file") from exc
    return await service.import_ecb_csv(session, settings.reporting_currency, text)
