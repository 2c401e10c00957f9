"""Money: Decimal amounts with two decimals, in requests and responses.

Money is ``Decimal`` end to end. Requests may send a JSON number or a plain decimal string;
responses always carry a string with exactly two decimals, because a JSON number would be read
back as a binary floating-point number by most clients.
"""

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, PlainSerializer, WithJsonSchema

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
"""No money: the start of every sum."""
# DECIMAL(12,2): ten digits before the point.
MONEY_LIMIT = Decimal("10000000000")

# re.ASCII: Python's \d also matches other scripts' digits ("١٢٣" would read as 123); the
# contract and the OpenAPI patterns (ECMA regexes) allow ASCII digits only.
_MONEY_TEXT = re.compile(r"-?\d+(\.\d{1,2})?", re.ASCII)


class ExponentDecimal(Decimal):
    """A JSON number written with an exponent (``1e2``); see ``costwatch.routing``."""


def quantize(value: Decimal) -> Decimal:
    """Round a Decimal to cents, half up (the way invoices round)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(value: Decimal) -> str:
    """Render a Decimal as a plain string with exactly two decimals."""
    text = str(value)
    # Amounts read from the database already have two decimals: str() renders those in
    # plain notation (an exponent form never ends in ".dd"), several times faster than a
    # quantize (a report serialises thousands of them).
    if text[-3:-2] == ".":
        return text
    return f"{quantize(value):f}"


def _parse_money(value: Any) -> Decimal:
    """Turn a request value into a Decimal, refusing anything that is not plain money."""
    if isinstance(value, bool):
        raise ValueError("must be a number or a decimal string")
    if isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):  # a JSON number: parsed to a float before we see it
        # repr() is the shortest text that reads back as the same float, i.e. what the client
        # wrote for any amount that fits DECIMAL(12,2); NaN and infinities fail is_finite below.
        result = Decimal(repr(value))
    elif isinstance(value, ExponentDecimal):
        raise ValueError("must be a plain decimal such as 1234.50 (no exponent)")
    elif isinstance(value, Decimal):  # a JSON number, read exactly (costwatch.routing)
        result = value
    elif isinstance(value, str):
        if not _MONEY_TEXT.fullmatch(value):
            raise ValueError("must be a plain decimal such as 1234.50 (at most two decimals)")
        result = Decimal(value)
    else:
        raise ValueError("must be a number or a decimal string")
    if not result.is_finite():
        raise ValueError("must be a finite number")
    # The range first: quantizing a huge value (1e308 from a JSON float) would overflow.
    if abs(result) >= MONEY_LIMIT:
        raise ValueError("must be less than 10,000,000,000 in absolute value")
    if result != quantize(result):
        raise ValueError("must have at most two decimals")
    return quantize(result)


def _non_negative(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError("must be zero or more")
    return value


def _positive(value: Decimal) -> Decimal:
    if value <= 0:
        raise ValueError("must be more than zero")
    return value


_MONEY_IN_SCHEMA = {
    "anyOf": [
        {
            "type": "number",
            "multipleOf": 0.01,
            "exclusiveMinimum": -10000000000,
            "exclusiveMaximum": 10000000000,
        },
        {"type": "string", "pattern": r"^-?\d{1,10}(\.\d{1,2})?$"},
    ],
    "examples": ["1234.50"],
}

MoneyIn = Annotated[Decimal, BeforeValidator(_parse_money), WithJsonSchema(_MONEY_IN_SCHEMA)]
"""Any amount a request may carry (a JSON number or a decimal string, two decimals at most)."""

NonNegativeMoneyIn = Annotated[
    Decimal,
    BeforeValidator(_parse_money),
    AfterValidator(_non_negative),
    WithJsonSchema({**_MONEY_IN_SCHEMA, "description": "An amount of zero or more."}),
]
PositiveMoneyIn = Annotated[
    Decimal,
    BeforeValidator(_parse_money),
    AfterValidator(_positive),
    WithJsonSchema({**_MONEY_IN_SCHEMA, "description": "An amount of more than zero."}),
]

Money = Annotated[
    Decimal,
    PlainSerializer(format_money, return_type=str),
    WithJsonSchema(
        {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "examples": ["1234.50"]},
        mode="serialization",
    ),
]
"""An amount in a response: serialised as a string with exactly two decimals."""
