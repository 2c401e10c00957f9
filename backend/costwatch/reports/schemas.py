"""Bodies of the report routes."""

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from costwatch.fx.schemas import Rate
from costwatch.money import Money


class CategoryAmount(BaseModel):
    """Spend of one category in a month, in the reporting currency."""

    category_id: int
    category: str
    code: str = Field(description="The category's stable code.")
    amount: Money


class UnconvertedAmount(BaseModel):
    """Spend in a currency with no known rate to the reporting currency, left out of the sums."""

    currency: str
    amount: Money


class CurrencyAmount(BaseModel):
    """A month's spend in one original currency, and how it was converted."""

    currency: str
    amount: Money = Field(description="The month's spend in `currency`, as recorded.")
    rate: Rate | None = Field(
        description="Units of `currency` per 1 unit of the reporting currency that month (1 for"
        " the reporting currency); null when no rate is known (then it is in `unconverted`)."
    )
    converted: Money | None = Field(
        description="In the reporting currency: the sum of the per-category conversions, each"
        " `amount / rate` rounded once to cents; null when no rate is known."
    )


class Summary(BaseModel):
    """Spend of one month, by category."""

    year: int
    month: int
    currency: str = Field(description="The reporting currency of every amount.")
    view: Literal["accrual", "cash"] = Field(
        description="`accrual`: an annual plan spread over its months; `cash`: paid at once."
    )
    total: Money
    by_category: list[CategoryAmount]
    by_currency: list[CurrencyAmount] = Field(
        description="Every currency with spend that month: original amount, rate, converted."
    )
    unconverted: list[UnconvertedAmount]


class Overview(BaseModel):
    """The dashboard's headline figures, computed on the server."""

    this_month: Summary
    same_month_last_year: Summary
    change_percent: Decimal | None = Field(
        description="This month's total against the same month last year, in percent with one"
        " decimal; null when last year's total is zero."
    )
    seats_in_force: int = Field(description="Seats of every license plan in force this month.")
    low_balance_count: int = Field(description="Usage services below the default threshold.")
    low_balance_percent: Decimal = Field(description="The default low-balance threshold.")
    commitments_due: int = Field(
        description="Services whose annual commitment ends within the default 90-day window."
    )


class ServiceSpend(BaseModel):
    """Spend of one service in a month."""

    service_id: int
    service_name: str
    provider_name: str
    category_id: int
    category: str
    code: str = Field(description="The category's stable code.")
    currency: str
    amount: Money


class SpendByService(BaseModel):
    """Spend of one month per service, largest first (the Analytics doughnut)."""

    year: int
    month: int
    currency: str = Field(description="The reporting currency of `services` and `total`.")
    total: Money
    services: list[ServiceSpend] = Field(
        description="Services with spend in the reporting currency, largest first."
    )
    unconverted: list[ServiceSpend] = Field(
        description="Services whose spend is in a currency with no rate, left out of `total`."
    )


class DayAmount(BaseModel):
    """Usage consumption of one day."""

    day: date
    amount: Money


class DailyUsage(BaseModel):
    """Usage consumption per day over the last days (the Analytics bars)."""

    currency: str = Field(description="The reporting currency of `days` and `total`.")
    start: date
    end: date = Field(description="Today.")
    total: Money
    days: list[DayAmount] = Field(description="Every day from start to end, oldest first.")
    unconverted: list[UnconvertedAmount] = Field(
        description="Consumption in currencies with no rate, per currency, left out above."
    )
