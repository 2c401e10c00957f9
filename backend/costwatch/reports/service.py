"""Monthly spend by category, the month series and the dashboard's overview.

Reports read the other domains (through their repositories and services); no other domain
reads reports.
"""

from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from costwatch import clock
from costwatch.calendar import add_months, month_start, months_between
from costwatch.catalog.repository import CategoryRepository
from costwatch.currency import DEFAULT_CURRENCY
from costwatch.errors import Invalid
from costwatch.invoices.repository import InvoiceRepository
from costwatch.licenses.repository import LicenseRepository
from costwatch.licenses.service import get_license_commitments, seats_in_force
from costwatch.models import CategoryCode
from costwatch.money import ZERO
from costwatch.reports.repository import months_table, service_labels
from costwatch.reports.schemas import (
    CategoryAmount,
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

REPORTING_CURRENCY = DEFAULT_CURRENCY
MAX_SERIES_MONTHS = 120
# The order of the categories in every report.
CATEGORY_ORDER = (CategoryCode.INFRASTRUCTURE, CategoryCode.LICENSE, CategoryCode.USAGE)


async def get_spend_series(session: AsyncSession, start: date, end: date) -> list[Summary]:
    """Spend per month from ``start`` to ``end`` (both the 1st of a month), oldest first.

    Each category is summed by the database, per month and currency, in one query per
    category. Amounts in a currency other than the reporting one are reported apart, in
    ``unconverted``, never added in.
    """
    count = months_between(start, end) + 1
    if count < 1:
        raise Invalid("start", "start must not be after end", location="query")
    if count > MAX_SERIES_MONTHS:
        raise Invalid("end", f"a series spans at most {MAX_SERIES_MONTHS} months", location="query")
    months = [add_months(start, offset) for offset in range(count)]
    table = months_table(months)
    categories = {row.code: row for row in await CategoryRepository(session).list_all()}
    sources = {
        CategoryCode.INFRASTRUCTURE: InvoiceRepository(session).cost_by_month(table),
        CategoryCode.LICENSE: LicenseRepository(session).cost_by_month(table),
        CategoryCode.USAGE: ConsumptionRepository(session).cost_by_month(table),
    }
    # amounts[month index][category] in the reporting currency; other currencies apart.
    amounts: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    unconverted: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for code, query in sources.items():
        for index, currency, amount in await query:
            if currency == REPORTING_CURRENCY:
                amounts[index][code] += amount
            else:
                unconverted[index][currency] += amount
    series = []
    for index, month in enumerate(months):
        by_category = [
            CategoryAmount(
                category_id=categories[code].id,
                category=categories[code].name,
                code=code,
                amount=amounts[index][code],
            )
            for code in CATEGORY_ORDER
        ]
        series.append(
            Summary(
                year=month.year,
                month=month.month,
                currency=REPORTING_CURRENCY,
                total=sum((item.amount for item in by_category), ZERO),
                by_category=by_category,
                unconverted=[
                    UnconvertedAmount(currency=currency, amount=amount)
                    for currency, amount in sorted(unconverted[index].items())
                ],
            )
        )
    return series


async def get_monthly_spend(session: AsyncSession, year: int, month: int) -> Summary:
    """Spend of one month, grouped by category (spec section 3)."""
    first = date(year, month, 1)
    return (await get_spend_series(session, first, first))[0]


def percent_change(now: Decimal, before: Decimal) -> Decimal | None:
    """How much ``now`` moved against ``before``, in percent with one decimal (None from 0)."""
    if before == 0:
        return None
    return ((now - before) * 100 / before).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


async def get_overview(session: AsyncSession) -> Overview:
    """The headline figures: the month vs last year, seats, low balances, commitments due."""
    this_month = month_start(clock.today())
    last_year = add_months(this_month, -12)
    series = await get_spend_series(session, last_year, this_month)
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


async def get_spend_by_service(session: AsyncSession, year: int, month: int) -> SpendByService:
    """Spend of one month per service: invoices, plans in force and consumption, largest first.

    The same rules as the summary, per service; amounts in another currency than the reporting
    one are listed apart in ``unconverted``.
    """
    first = date(year, month, 1)
    rows = [
        *await InvoiceRepository(session).cost_by_service(first),
        *await LicenseRepository(session).cost_by_service(first),
        *await ConsumptionRepository(session).cost_by_service(first),
    ]
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
        (services if currency == REPORTING_CURRENCY else unconverted).append(item)
    services.sort(key=lambda item: (-item.amount, item.service_name, item.service_id))
    unconverted.sort(key=lambda item: (item.currency, -item.amount, item.service_id))
    return SpendByService(
        year=year,
        month=month,
        currency=REPORTING_CURRENCY,
        total=sum((item.amount for item in services), ZERO),
        services=services,
        unconverted=unconverted,
    )


async def get_daily_usage(session: AsyncSession, days: int) -> DailyUsage:
    """Usage consumption per day over the ``days`` days that end today (today included)."""
    end = clock.today()
    start = end - timedelta(days=days - 1)
    amounts: dict[date, Decimal] = defaultdict(lambda: ZERO)
    unconverted: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for day, currency, amount in await ConsumptionRepository(session).daily(start, end):
        if currency == REPORTING_CURRENCY:
            amounts[day] += amount
        else:
            unconverted[currency] += amount
    every_day = [start + timedelta(days=offset) for offset in range(days)]
    return DailyUsage(
        currency=REPORTING_CURRENCY,
        start=start,
        end=end,
        total=sum(amounts.values(), ZERO),
        days=[DayAmount(day=day, amount=amounts[day]) for day in every_day],
        unconverted=[
            UnconvertedAmount(currency=currency, amount=amount)
            for currency, amount in sorted(unconverted.items())
        ],
    )
