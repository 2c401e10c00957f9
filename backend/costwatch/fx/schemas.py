"""Bodies of the exchange-rate routes, and the rate type of every response."""

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema

from costwatch.money import ExponentDecimal

RATE_DECIMALS = 10
RATE_LIMIT = Decimal("100000000")
"""Rates are stored as ``DECIMAL(18, 10)``: below 10^8 units per unit of the reporting currency."""
_RATE_TEXT = re.compile(r"\d+(\.\d{1,10})?", re.ASCII)
RateSource = Literal["manual", "import", "bundled"]


def format_rate(value: Decimal) -> str:
    """A rate as a plain string with exactly 10 decimals."""
    return f"{value.quantize(Decimal(1).scaleb(-RATE_DECIMALS)):f}"


def _parse_rate(value: Any) -> Decimal:
    if isinstance(value, (bool, ExponentDecimal)):
        raise ValueError("must be a plain decimal number such as 0.9234 (no exponent)")
    if isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, Decimal):
        result = value
    elif isinstance(value, str):
        if not _RATE_TEXT.fullmatch(value):
            raise ValueError("must be a plain decimal such as 0.9234 (at most 10 decimals)")
        result = Decimal(value)
    else:
        raise ValueError("must be a number or a decimal string")
    if not result.is_finite():
        raise ValueError("must be a finite number")
    if result <= 0:
        raise ValueError("must be more than zero")
    if result >= RATE_LIMIT:
        raise ValueError("must be less than 100,000,000")
    if result != result.quantize(Decimal(1).scaleb(-RATE_DECIMALS)):
        raise ValueError("must have at most 10 decimals")
    return result


RateIn = Annotated[
    Decimal,
    BeforeValidator(_parse_rate),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 100000000},
                {"type": "string", "pattern": r"^\d{1,8}(\.\d{1,10})?$"},
            ],
            "examples": ["0.9234"],
            "description": "Units of the currency per 1 unit of the reporting currency"
            " (> 0, at most 10 decimals).",
        }
    ),
]
Rate = Annotated[
    Decimal,
    PlainSerializer(format_rate, return_type=str),
    WithJsonSchema(
        {"type": "string", "pattern": r"^\d+\.\d{10}$", "examples": ["0.9234000000"]},
        mode="serialization",
    ),
]
"""A rate in a response: a string with exactly 10 decimals."""


class FxRateSet(BaseModel):
    """A rate entered by hand."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"rate": "0.9234"}]})

    rate: RateIn


class FxRateRead(BaseModel):
    """The rate used for a currency in a month, and where it comes from."""

    currency: str
    month: date
    rate: Rate = Field(description="Units of `currency` per 1 unit of the reporting currency.")
    source: RateSource = Field(
        description="`manual` (entered by hand) and `import` (an uploaded ECB CSV) win over"
        " `bundled` (the ECB reference rates shipped with CostWatch, monthly average)."
    )
    bundled_rate: Rate | None = Field(
        description="The bundled ECB rate of that month, also when another rate wins over it."
    )
    reporting_currency: str


class FxImportResult(BaseModel):
    """What an ECB CSV import did."""

    reporting_currency: str
    days: int = Field(description="Business days read from the file.")
    imported: int = Field(description="Monthly rates stored (new or replacing an earlier import).")
    kept_manual: int = Field(description="Months left alone because a rate was entered by hand.")
    currencies: list[str]
    first_month: date | None
    last_month: date | None


class FxInfo(BaseModel):
    """The reporting currency and the bundled rates' origin."""

    reporting_currency: str = Field(description="`COSTWATCH_REPORTING_CURRENCY`.")
    bundled_source: str = Field(description="Where the bundled reference rates come from.")
    bundled_until: date | None = Field(
        description="The newest business day of the bundled data; later months have no bundled"
        " rate (enter or import one)."
    )
