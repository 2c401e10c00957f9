"""Monthly spend by category, the month series and the dashboard's overview.

Reports read the other domains (through their repositories and services); no other domain
reads reports.
"""

from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from costwatch import clock
from costwatch.calendar import add_months, month_start, months_between
from costwatch.currency import DEFAULT_CURRENCY
from costwatch.errors import Invalid
from costwatch.fx.service import load_rate_book
from costwatch.invoices.repository import InvoiceRepository
from costwatch.licenses.repository import LicenseRepository, in_force_by_month
from costwatch.licenses.service import get_license_commitments, seats_in_force
from costwatch.models import CategoryCode
from costwatch.money import ZERO, quantize
from costwatch.reports.repository import series_rows, service_labels
from costwatch.reports.schemas import (
    CategoryAmount,
    CurrencyAmount,
    DailyUsage,
    DayAmount,
    Overview,
    ServiceSpend,
    SpendByService,
    Summary,
    UnconvertedAmount,
)
from costwatch.usage.repository import ConsumptionRepository
from costwatch.usage.service import LOW_BALANCE_PERCENT, low_balance_alerts

MAX_SERIES_MONTHS = 120
# The order of the categories in every report.
CATEGORY_ORDER = (CategoryCode.INFRASTRUCTURE, CategoryCode.LICENSE, CategoryCode.USAGE)
View = Literal["accrual", "cash"]


async def get_spend_series(
    session: AsyncSession,
    start: date,
    end: date,
    *,
    reporting: str = DEFAULT_CURRENCY,
    view: View = "accrual",
) -> list[Summary]:
    """Spend per month from ``start`` to ``end`` (both the 1st of a month), oldest first.

    Each category is summed by the database, per month and currency, in one query per
    category; the rates of the range are loaded once. Each (month, category, currency) sum is
    divided by that month's rate and rounded once, half up, to cents; ``by_currency`` shows
    the original amounts, the rate and the converted amounts. A currency with no rate for a
    month is reported apart, in ``unconverted``, never added in.

    ``view="cash"`` counts an annual plan's twelve months in the month it is paid (its start
    month and each anniversary while it is in force); ``"accrual"`` spreads it over the months.
    """
    count = months_between(start, end) + 1
    if count < 1:
        raise Invalid("start", "start must not be after end", location="query")
    if count > MAX_SERIES_MONTHS:
        raise Invalid("end", f"a series spans at most {MAX_SERIES_MONTHS} months", location="query")
    months = [add_months(start, offset) for offset in range(count)]
    index_of = {month: index for index, month in enumerate(months)}
    categories: dict[str, tuple[int, str]] = {}
    rows: list[tuple[CategoryCode, tuple[int, str, Decimal]]] = []
    running: list[tuple[date, str, Decimal, Any]] = []
    # The categories and every category's sums in one statement: one round trip.
    for month, currency, amount, plans, label, ident, code in await series_rows(
        session, months, cash=view == "cash"
    ):
        if label is not None:
            categories[code] = (ident, label)
        elif code == CategoryCode.LICENSE and month is not None:
            running.append((month, currency, amount, plans))
        elif month is None:  # the cash view's license sums, by month index
            rows.append((CategoryCode.LICENSE, (ident, currency, amount)))
        else:
            rows.append((CategoryCode(code), (index_of[month], currency, amount)))
    rows.extend((CategoryCode.LICENSE, row) for row in in_force_by_month(running, months))
    book = await load_rate_book(session, reporting, {row[1] for _, row in rows}, start, end)
    # amounts[month index][category] in the reporting currency; the rest per currency.
    amounts: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    original: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    converted: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    unconverted: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for code, (index, currency, amount) in rows:
        original[index][currency] += amount
        rate = book.rate(currency, months[index])
        if rate is None:
            unconverted[index][currency] += amount
            continue
        # One conversion and one rounding per month, category and currency.
        value = amount if rate == 1 else quantize(amount / rate)
        amounts[index][code] += value
        converted[index][currency] += value
    series = []
    for index, month in enumerate(months):
        by_category = [
            CategoryAmount(
                category_id=categories[code][0],
                category=categories[code][1],
                code=code,
                amount=amounts[index][code],
            )
            for code in CATEGORY_ORDER
        ]
        by_currency = []
        for currency, amount in sorted(original[index].items()):
            rate = book.rate(currency, month)
            by_currency.append(
                CurrencyAmount(
                    currency=currency,
                    amount=amount,
                    rate=rate,
                    converted=None if rate is None else converted[index][currency],
                )
            )
        series.append(
            Summary(
                year=month.year,
                month=month.month,
                currency=reporting,
                view=view,
                total=sum((item.amount for item in by_category), ZERO),
                by_category=by_category,
                by_currency=by_currency,
                unconverted=[
                    UnconvertedAmount(currency=currency, amount=amount)
                    for currency, amount in sorted(unconverted[index].items())
                ],
            )
        )
    return series


async def get_monthly_spend(
    session: AsyncSession,
    year: int,
    month: int,
    *,
    reporting: str = DEFAULT_CURRENCY,
    view: View = "accrual",
) -> Summary:
    """Spend of one month, grouped by category (spec section 3)."""
    first = date(year, month, 1)
    return (await get_spend_series(session, first, first, reporting=reporting, view=view))[0]


def percent_change(now: Decimal, before: Decimal) -> Decimal | None:
    """How much ``now`` moved against ``before``, in percent with one decimal (None from 0)."""
    if before == 0:
        return None
    return ((now - before) * 100 / before).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


async def get_overview(
    session: AsyncSession, *, reporting: str = DEFAULT_CURRENCY, view: View = "accrual"
) -> Overview:
    """The headline figures: the month vs last year, seats, low balances, commitments due."""
    this_month = month_start(clock.today())
    last_year = add_months(this_month, -12)
    series = await get_spend_series(session, last_year, this_month, reporting=reporting, view=view)
    current, before = series[-1], series[0]
    commitments = await get_license_commitments(session, one_per_service=True)
    return Overview(
        this_month=current,
        same_month_last_year=before,
        change_percent=percent_change(current.total, before.total),
        seats_in_force=await seats_in_force(session),
        low_balance_count=len(await low_balance_alerts(session)),
        low_balance_percent=LOW_BALANCE_PERCENT,
        commitments_due=len(commitments),
    )


async def get_spend_by_service(
    session: AsyncSession, year: int, month: int, *, reporting: str = DEFAULT_CURRENCY
) -> SpendByService:
    """Spend of one month per service: invoices, plans in force and consumption, largest first.

    The same rules as the summary, per service: each service's sum in another currency is
    converted with the month's rate and rounded once; one with no rate is listed apart in
    ``unconverted``, in its own currency.
    """
    first = date(year, month, 1)
    rows = [
        *await InvoiceRepository(session).cost_by_service(first),
        *await LicenseRepository(session).cost_by_service(first),
        *await ConsumptionRepository(session).cost_by_service(first),
    ]
    book = await load_rate_book(session, reporting, {row[1] for row in rows}, first, first)
    labels = await service_labels(session, {service_id for service_id, _, _ in rows})
    services: list[ServiceSpend] = []
    unconverted: list[ServiceSpend] = []
    for service_id, currency, amount in rows:
        if amount == 0:
            continue
        label = labels[service_id]
        item = ServiceSpend(
            service_id=service_id,
            service_name=label.service_name,
            provider_name=label.provider_name,
            category_id=label.category_id,
            category=label.category,
            code=label.code,
            currency=currency,
            amount=amount,
        )
        rate = book.rate(currency, first)
        if rate is None:
            unconverted.append(item)
            continue
        item.currency = reporting
        item.amount = amount if rate == 1 else quantize(amount / rate)
        services.append(item)
    services.sort(key=lambda item: (-item.amount, item.service_name, item.service_id))
    unconverted.sort(key=lambda item: (item.currency, -item.amount, item.service_id))
    return SpendByService(
        year=year,
        month=month,
        currency=reporting,
        total=sum((item.amount for item in services), ZERO),
        services=services,
        unconverted=unconverted,
    )


async def get_daily_usage(
    session: AsyncSession, days: int, *, reporting: str = DEFAULT_CURRENCY
) -> DailyUsage:
    """Usage consumption per day over the ``days`` days that end today (today included).

    Each day's sum per currency is converted with the rate of its month and rounded once.
    """
    end = clock.today()
    start = end - timedelta(days=days - 1)
    rows = await ConsumptionRepository(session).daily(start, end)
    book = await load_rate_book(
        session, reporting, {row[1] for row in rows}, month_start(start), month_start(end)
    )
    amounts: dict[date, Decimal] = defaultdict(lambda: ZERO)
    unconverted: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for day, currency, amount in rows:
        rate = book.rate(currency, month_start(day))
        if rate is None:
            unconverted[currency] += amount
        else:
            amounts[day] += amount if rate == 1 else quantize(amount / rate)
    every_day = [start + timedelta(days=offset) for offset in range(days)]
    return DailyUsage(
        currency=reporting,
        start=start,
        end=end,
        total=sum(amounts.values(), ZERO),
        days=[DayAmount(day=day, amount=amounts[day]) for day in every_day],
        unconverted=[
            UnconvertedAmount(currency=currency, amount=amount)
            for currency, amount in sorted(unconverted.items())
        ],
    )
