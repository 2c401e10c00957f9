"""Bodies of the invoice routes."""

from datetime import date
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from costwatch.calendar import Month, UtcDateTime
from costwatch.currency import DEFAULT_CURRENCY, Currency
from costwatch.money import Money, NonNegativeMoneyIn
from costwatch.schemas import RecordId, UpdateModel


class InvoiceCreate(BaseModel):
    """A month's invoice of an infrastructure service."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "service_id": 1,
                    "invoice_month": "2025-07",
                    "amount": "1234.50",
                    "currency": "USD",
                }
            ]
        }
    )

    service_id: RecordId
    invoice_month: Month
    amount: NonNegativeMoneyIn
    currency: Currency = DEFAULT_CURRENCY


class InvoiceUpdate(UpdateModel):
    """Fields of an invoice to change."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"amount": "1299.99"}]})
    required_fields: ClassVar[tuple[str, ...]] = (
        "service_id",
        "invoice_month",
        "amount",
        "currency",
    )

    service_id: RecordId | None = None
    invoice_month: Month | None = None
    amount: NonNegativeMoneyIn | None = None
    currency: Currency | None = None


class InvoiceRead(BaseModel):
    """An invoice."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    service_id: int
    invoice_month: date
    amount: Money
    currency: str
    created_at: UtcDateTime
    updated_at: UtcDateTime
