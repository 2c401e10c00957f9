"""The month-end forecast: spend so far plus what the rest of the month is expected to add.

The rules, per category (a month before this one is over: its forecast is its actual):

* **User License**: the plans in force are known for the whole month, so the forecast is
  exactly the actual (`plans in force`).
* **Infrastructure**: a service's invoice for the month when there is one; otherwise, for an
  active service, the mean of its last ``TRAILING_MONTHS`` invoiced months: the most recent
  months before the forecast month that have an invoice of that service, looking back at most
  ``LOOKBACK_MONTHS`` months (gaps are skipped, not counted as zero; one or two invoices give a
  mean of one or two). A service with no invoice in that window, or a deactivated one,
  forecasts nothing beyond its invoice.
* **Usage**: the consumption dated in the month + the run rate x the days left. The run rate is
  the consumption of the active services over the ``BURN_DAYS`` days that end today (today
  included; `costwatch.usage.service.burn_window`, the same window as the balances'
  `daily_burn`) divided by ``BURN_DAYS``. Days left: those after today in this month; every day
  of a future month.

A future month is forecast with the same rules: its plans in force, its invoices or the
trailing mean of the last invoiced months, and the run rate over all its days.

Actual amounts come from the summary (`reports.service.get_monthly_spend`), so both agree to
the cent and take the summary's currency handling. What the forecast adds is summed by the
database per currency and handed to ``_split`` exactly like the summary's sums: the reporting
currency is added in, other currencies go to ``unconverted`` (the place where exchange-rate
conversion slots in). Each category is rounded once, at the end.
"""

import calendar
from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from costwatch import clock
from costwatch.calendar import month_start
from costwatch.currency import DEFAULT_CURRENCY
from costwatch.forecast.schemas import CategoryForecast, Forecast, UnconvertedForecast
from costwatch.fx.service import load_rate_book
from costwatch.invoices.repository import InvoiceRepository
from costwatch.models import CategoryCode
from costwatch.money import ZERO, quantize
from costwatch.reports.service import View, get_monthly_spend, get_spend_by_service
from costwatch.usage.repository import BURN_DAYS, ConsumptionRepository
from costwatch.usage.service import burn_window

TRAILING_MONTHS = 3
"""An infrastructure service without its invoice is forecast at the mean of this many."""
LOOKBACK_MONTHS = 12
"""Invoices older than this many months before the forecast month are not looked at."""

METHOD_ACTUAL = "actual"
METHOD_PLANS = "plans in force"
METHOD_INVOICE = "invoice"
METHOD_TRAILING = f"trailing {TRAILING_MONTHS}-month average"
METHOD_INVOICE_TRAILING = f"{METHOD_INVOICE} + {METHOD_TRAILING}"
METHOD_RUN_RATE = f"run rate {BURN_DAYS} days"

# Per currency: an amount that is not yet rounded.
ByCurrency = dict[str, Decimal]


def _split(amounts: ByCurrency, rates: dict[str, Decimal | None]) -> tuple[Decimal, ByCurrency]:
    """The part that converts to the reporting currency (converted), and the rest per currency.

    As the summary does: each currency's amount is divided by the month's rate; a currency
    without a rate is kept apart, never added in. Rounding happens once, on the category.
    """
    reporting = ZERO
    others: ByCurrency = defaultdict(lambda: ZERO)
    for currency, amount in amounts.items():
        rate = rates.get(currency)
        if rate is None:
            others[currency] += amount
        else:
            reporting += amount if rate == 1 else amount / rate
    return reporting, others


def days_left(month: date, today: date) -> int:
    """Days of ``month`` still to come after today: all of a future month, none of a past one."""
    length = calendar.monthrange(month.year, month.month)[1]
    this_month = month_start(today)
    if month > this_month:
        return length
    if month < this_month:
        return 0
    return length - today.day


async def _infrastructure_extra(session: AsyncSession, month: date) -> tuple[ByCurrency, int]:
    """The trailing means of the services without an invoice, per currency; and their number."""
    rows = await InvoiceRepository(session).trailing_sums(
        month, count=TRAILING_MONTHS, lookback=LOOKBACK_MONTHS
    )
    invoices: dict[int, int] = defaultdict(int)
    for service_id, _, _, count in rows:
        invoices[service_id] += count
    extra: ByCurrency = defaultdict(lambda: ZERO)
    for service_id, currency, total, _ in rows:
        extra[currency] += total / invoices[service_id]
    return extra, len(invoices)


async def _usage_extra(session: AsyncSession, month: date, today: date) -> ByCurrency:
    """The run rate x the days left, per currency."""
    remaining = days_left(month, today)
    if remaining == 0:
        return {}
    start, end = burn_window(today)
    rows = await ConsumptionRepository(session).consumed_between(start, end)
    return {currency: total * remaining / BURN_DAYS for currency, total in rows}


async def get_forecast(
    session: AsyncSession,
    year: int,
    month: int,
    *,
    reporting: str = DEFAULT_CURRENCY,
    view: View = "accrual",
) -> Forecast:
    """Spend of a month so far and expected at its end, by category, in ``reporting``."""
    first = date(year, month, 1)
    today = clock.today()
    summary = await get_monthly_spend(session, year, month, reporting=reporting, view=view)
    extra: dict[str, ByCurrency] = {}
    methods = dict.fromkeys(
        (CategoryCode.INFRASTRUCTURE, CategoryCode.LICENSE, CategoryCode.USAGE), METHOD_ACTUAL
    )
    if first >= month_start(today):
        infrastructure, projected = await _infrastructure_extra(session, first)
        extra[CategoryCode.INFRASTRUCTURE] = infrastructure
        extra[CategoryCode.USAGE] = await _usage_extra(session, first, today)
        if not projected:
            methods[CategoryCode.INFRASTRUCTURE] = METHOD_INVOICE
        elif await InvoiceRepository(session).any_in_month(first):
            methods[CategoryCode.INFRASTRUCTURE] = METHOD_INVOICE_TRAILING
        else:
            methods[CategoryCode.INFRASTRUCTURE] = METHOD_TRAILING
        methods[CategoryCode.LICENSE] = METHOD_PLANS
        methods[CategoryCode.USAGE] = METHOD_RUN_RATE

    currencies = {currency for amounts in extra.values() for currency in amounts}
    book = await load_rate_book(session, reporting, currencies, first, first)
    rates = {currency: book.rate(currency, first) for currency in currencies}
    unconverted_actual: ByCurrency = {row.currency: row.amount for row in summary.unconverted}
    unconverted_extra: ByCurrency = defaultdict(lambda: ZERO)
    by_category = []
    for item in summary.by_category:
        added, others = _split(extra.get(item.code, {}), rates)
        for currency, amount in others.items():
            unconverted_extra[currency] += amount
        expected = quantize(item.amount + added)
        by_category.append(
            CategoryForecast(
                category_id=item.category_id,
                category=item.category,
                code=item.code,
                actual=item.amount,
                forecast=expected,
                to_come=expected - item.amount,
                method=methods[CategoryCode(item.code)],
            )
        )
    unconverted = [
        UnconvertedForecast(
            currency=currency,
            actual=unconverted_actual.get(currency, ZERO),
            forecast=quantize(unconverted_actual.get(currency, ZERO) + unconverted_extra[currency]),
        )
        for currency in sorted(set(unconverted_actual) | set(unconverted_extra))
    ]
    total = sum((item.forecast for item in by_category), ZERO)
    return Forecast(
        year=year,
        month=month,
        currency=summary.currency,
        as_of=today,
        actual=summary.total,
        forecast=total,
        to_come=total - summary.total,
        by_category=by_category,
        unconverted=unconverted,
    )


async def forecast_by_service(
    session: AsyncSession, year: int, month: int, *, reporting: str = DEFAULT_CURRENCY
) -> dict[int, tuple[Decimal, Decimal]]:
    """Per service with spend or a forecast: ``(actual, forecast)`` in ``reporting``.

    The rules of :func:`get_forecast`, applied to each service alone (budgets of one service
    use it): the actual is ``/summary/by-service``'s amount; an infrastructure service without
    its invoice adds its trailing mean; a usage service adds its own run rate x the days left.
    Each service is converted with the month's rate and rounded once; a service in a currency
    without a rate is left out, as everywhere.
    """
    first = date(year, month, 1)
    today = clock.today()
    spend = await get_spend_by_service(session, year, month, reporting=reporting)
    actual = {item.service_id: item.amount for item in spend.services}
    raw: dict[int, ByCurrency] = defaultdict(lambda: defaultdict(lambda: ZERO))
    if first >= month_start(today):
        rows = await InvoiceRepository(session).trailing_sums(
            first, count=TRAILING_MONTHS, lookback=LOOKBACK_MONTHS
        )
        invoices: dict[int, int] = defaultdict(int)
        for service_id, _, _, count in rows:
            invoices[service_id] += count
        for service_id, currency, total, _ in rows:
            raw[service_id][currency] += total / invoices[service_id]
        remaining = days_left(first, today)
        if remaining:
            start, end = burn_window(today)
            for service_id, currency, total in await ConsumptionRepository(
                session
            ).consumed_between_by_service(start, end):
                raw[service_id][currency] += total * remaining / BURN_DAYS
    currencies = {currency for amounts in raw.values() for currency in amounts}
    book = await load_rate_book(session, reporting, currencies, first, first)
    rates = {currency: book.rate(currency, first) for currency in currencies}
    result: dict[int, tuple[Decimal, Decimal]] = {
        service_id: (amount, amount) for service_id, amount in actual.items()
    }
    for service_id, amounts in raw.items():
        added, _ = _split(amounts, rates)
        spent = actual.get(service_id, ZERO)
        result[service_id] = (spent, spent + quantize(added))
    return result
