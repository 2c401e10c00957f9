"""Bodies of the usage routes."""

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from costwatch.calendar import Day, UtcDateTime
from costwatch.currency import DEFAULT_CURRENCY, Currency
from costwatch.money import Money, PositiveMoneyIn
from costwatch.schemas import RecordId


class TopupCreate(BaseModel):
    """Funds added to a usage service."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "service_id": 6,
                    "topup_date": "2025-07-15",
                    "amount_purchased": "500.00",
                    "currency": "USD",
                }
            ]
        }
    )

    service_id: RecordId
    topup_date: Day
    amount_purchased: PositiveMoneyIn
    currency: Currency = DEFAULT_CURRENCY


class TopupRead(BaseModel):
    """A top-up."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    service_id: int
    topup_date: date
    amount_purchased: Money
    currency: str
    created_at: UtcDateTime
    updated_at: UtcDateTime


class ConsumptionCreate(BaseModel):
    """Funds a usage service used up (an outflow, in the currency of its top-ups)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"service_id": 6, "consumption_date": "2025-07-20", "amount_consumed": "42.17"}
            ]
        }
    )

    service_id: RecordId
    consumption_date: Day
    amount_consumed: PositiveMoneyIn


class ConsumptionRead(BaseModel):
    """A consumption event."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    service_id: int
    consumption_date: date
    amount_consumed: Money
    currency: str
    source: str | None = Field(
        description="`connection:<id>` when a provider sync wrote it; empty when entered by hand."
    )
    created_at: UtcDateTime
    updated_at: UtcDateTime


class Balance(BaseModel):
    """What is left of a usage service's funds: top-ups minus consumption."""

    service_id: int
    service_name: str
    provider_name: str
    active: bool
    currency: str
    total_topups: Money
    total_consumed: Money
    balance: Money
    last_topup_date: date | None
    last_topup_amount: Money | None
    threshold_percent: Decimal = Field(
        description="The low-balance threshold as a percent of the last top-up."
    )
    threshold_amount: Money | None = Field(
        description="threshold_percent of the last top-up, in cents (none without a top-up)."
    )
    low_balance: bool = Field(
        description="Whether the balance is below the threshold (never without a top-up)."
    )
    daily_burn: Money = Field(
        description="Mean daily consumption over the last 30 days (today and the 29 before)."
    )
    days_left: int | None = Field(
        description="Days the balance lasts at daily_burn, rounded down: 0 when the balance is"
        " <= 0; null when nothing was consumed in the last 30 days."
    )
    runout_date: date | None = Field(
        description="Today + days_left: the day the funds run out at this rate (or null)."
    )


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


class UsageEvent(BaseModel):
    """A top-up (money in) or a consumption event (money out) of a usage service."""

    model_config = ConfigDict(from_attributes=True)

    kind: Literal["topup", "consumption"]
    id: int = Field(description="The id of the top-up or of the consumption event.")
    service_id: int
    day: date
    amount: Money = Field(description="Always positive; `kind` says which way it went.")
    currency: str
    source: str | None = Field(
        default=None, description="For consumption: `connection:<id>` when synced."
    )
