"""Monthly spend by category, month series and the two alert lists."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from costwatch.catalog.models import INFRASTRUCTURE, USAGE, USER_LICENSE
from costwatch.catalog.repository import CategoryRepository
from costwatch.errors import Invalid
from costwatch.invoices.repository import InvoiceRepository
from costwatch.licenses.repository import LicenseRepository
from costwatch.licenses.service import get_license_commitments
from costwatch.money import add_months, months_between
from costwatch.reports.repository import months_table
from costwatch.reports.schemas import CategoryAmount, Summary, UnconvertedAmount
from costwatch.usage.repository import ConsumptionRepository
from costwatch.usage.service import low_balance_alerts

REPORTING_CURRENCY = "USD"
MAX_SERIES_MONTHS = 120
ZERO = Decimal("0.00")

__all__ = [
    "get_license_commitments",
    "get_monthly_spend",
    "get_spend_series",
    "low_balance_alerts",
]


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
    categories = {row.name: row.id for row in await CategoryRepository(session).list_all()}
    sources = {
        INFRASTRUCTURE: InvoiceRepository(session).cost_by_month(table),
        USER_LICENSE: LicenseRepository(session).cost_by_month(table),
        USAGE: ConsumptionRepository(session).cost_by_month(table),
    }
    # amounts[month index][category] in the reporting currency; other currencies apart.
    amounts: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    unconverted: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for category, query in sources.items():
        for index, currency, amount in await query:
            if currency == REPORTING_CURRENCY:
                amounts[index][category] += amount
            else:
                unconverted[index][currency] += amount
    series = []
    for index, month in enumerate(months):
        by_category = [
            CategoryAmount(category_id=categories[name], category=name, amount=amounts[index][name])
            for name in (INFRASTRUCTURE, USER_LICENSE, USAGE)
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
