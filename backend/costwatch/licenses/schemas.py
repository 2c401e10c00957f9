"""Bodies of the license plan routes."""

from datetime import date
from typing import ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from costwatch.calendar import Day, Month, UtcDateTime
from costwatch.currency import DEFAULT_CURRENCY, Currency
from costwatch.money import Money, NonNegativeMoneyIn
from costwatch.schemas import RecordId, UpdateModel

MAX_QTY = 10_000_000
BillingCycle = Literal["monthly", "annual"]
"""How a plan is paid: every month, or twelve months at once in its start month and on each
anniversary (the cash view of the reports; the accrual view spreads both over the months)."""


class LicenseCreate(BaseModel):
    """A plan: a unit price and seat count from ``start_month`` on.

    To record a price or quantity change, add a plan with a later ``start_month``.
    """

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "service_id": 4,
                    "monthly_unit_cost": "12.50",
                    "qty": 40,
                    "start_month": "2025-07",
                    "annual_commitment_end": "2026-06-30",
                    "currency": "USD",
                }
            ]
        }
    )

    service_id: RecordId
    monthly_unit_cost: NonNegativeMoneyIn
    qty: int = Field(default=1, ge=0, le=MAX_QTY)
    start_month: Month
    end_month: Month | None = None
    annual_commitment_end: Day | None = None
    currency: Currency = DEFAULT_CURRENCY
    billing_cycle: BillingCycle = Field(
        default="monthly",
        description="`annual`: twelve months are paid in the start month and on each anniversary.",
    )

    @model_validator(mode="after")
    def _end_after_start(self) -> Self:
        if self.end_month is not None and self.end_month < self.start_month:
            raise ValueError("end_month must not be before start_month")
        return self


class LicenseUpdate(UpdateModel):
    """Fields of a plan to correct; ``end_month`` and ``annual_commitment_end`` may be null."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"end_month": "2026-03"}]})
    required_fields: ClassVar[tuple[str, ...]] = (
        "service_id",
        "monthly_unit_cost",
        "qty",
        "start_month",
        "currency",
        "billing_cycle",
    )

    service_id: RecordId | None = None
    monthly_unit_cost: NonNegativeMoneyIn | None = None
    qty: int | None = Field(default=None, ge=0, le=MAX_QTY)
    start_month: Month | None = None
    end_month: Month | None = None
    annual_commitment_end: Day | None = None
    currency: Currency | None = None
    billing_cycle: BillingCycle | None = None


class LicenseRead(BaseModel):
    """A plan with its service, provider and monthly cost (unit cost x qty)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    service_id: int
    service_name: str
    provider_name: str
    monthly_unit_cost: Money
    qty: int
    monthly_cost: Money
    start_month: date
    end_month: date | None
    annual_commitment_end: date | None
    currency: str
    billing_cycle: BillingCycle
    created_at: UtcDateTime
    updated_at: UtcDateTime


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
