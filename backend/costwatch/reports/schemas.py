"""Bodies of the report routes."""

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field

from costwatch.money import Money


class CategoryAmount(BaseModel):
    """Spend of one category in a month, in the reporting currency."""

    category_id: int
    category: str
    amount: Money


class UnconvertedAmount(BaseModel):
    """Spend in a currency with no known rate to the reporting currency, left out of the sums."""

    currency: str
    amount: Money


class Summary(BaseModel):
    """Spend of one month, by category."""

    year: int
    month: int
    currency: str = Field(description="The reporting currency of every amount.")
    total: Money
    by_category: list[CategoryAmount]
    unconverted: list[UnconvertedAmount]


class CommitmentAlert(BaseModel):
    """A plan whose annual commitment ends soon."""

    id: int = Field(description="The plan's id.")
    service_id: int
    service_name: str
    provider_name: str
    annual_commitment_end: date
    days_remaining: int
    monthly_cost: Money
    currency: str
    qty: int


class LowBalanceAlert(BaseModel):
    """A usage service whose balance is below the threshold share of its last top-up."""

    service_id: int
    service_name: str
    provider_name: str
    currency: str
    balance: Money
    last_topup_amount: Money
    last_topup_date: date | None
    threshold_amount: Money
    threshold_percent: Decimal
