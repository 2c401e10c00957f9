"""Bodies of the usage routes."""

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from costwatch.money import Currency, Day, Money, PositiveMoneyIn, UtcDateTime


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

    service_id: int = Field(ge=1, le=2**63 - 1)
    topup_date: Day
    amount_purchased: PositiveMoneyIn
    currency: Currency = "USD"


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

    service_id: int = Field(ge=1, le=2**63 - 1)
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
    threshold_amount: Money | None = Field(
        description="The default low-balance threshold: 20 % of the last top-up (none without one)."
    )
