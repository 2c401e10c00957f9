"""Value types shared by every schema: money, months, dates and currencies.

Money is ``Decimal`` end to end. Requests may send a JSON number or a plain decimal string;
responses always carry a string with exactly two decimals, because a JSON number would be read
back as a binary floating-point number by most clients.
"""

import re
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

import pycountry
from pydantic import AfterValidator, BeforeValidator, PlainSerializer, WithJsonSchema

CENT = Decimal("0.01")
# DECIMAL(12,2): ten digits before the point.
MONEY_LIMIT = Decimal("10000000000")
MIN_YEAR, MAX_YEAR = 2000, 2100
MIN_DATE, MAX_DATE = date(MIN_YEAR, 1, 1), date(MAX_YEAR, 12, 31)

# re.ASCII: Python's \d also matches other scripts' digits ("١٢٣" would read as 123); the
# contract and the OpenAPI patterns (ECMA regexes) allow ASCII digits only.
_MONEY_TEXT = re.compile(r"-?\d+(\.\d{1,2})?", re.ASCII)
_MONTH_TEXT = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?", re.ASCII)
_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def quantize(value: Decimal) -> Decimal:
    """Round a Decimal to cents, half up (the way invoices round)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(value: Decimal) -> str:
    """Render a Decimal as a plain string with exactly two decimals."""
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
    elif isinstance(value, Decimal):
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


def _check_range(value: date) -> date:
    if not MIN_DATE <= value <= MAX_DATE:
        raise ValueError(f"must lie between {MIN_DATE} and {MAX_DATE}")
    return value


def _parse_month(value: Any) -> date:
    """Accept ``YYYY-MM`` or ``YYYY-MM-01`` (or a date on the 1st) and return the 1st."""
    if isinstance(value, date):
        parsed = value
    elif isinstance(value, str) and (match := _MONTH_TEXT.fullmatch(value)):
        year, month, day = match.groups()
        try:
            parsed = date(int(year), int(month), int(day or 1))
        except ValueError as exc:
            raise ValueError("is not a real date") from exc
    else:
        raise ValueError("must be a month as YYYY-MM or YYYY-MM-01")
    if parsed.day != 1:
        raise ValueError("must be the first day of a month (YYYY-MM-01) or YYYY-MM")
    return _check_range(parsed)


def _parse_date(value: Any) -> Any:
    """Only plain ``YYYY-MM-DD`` text: no timestamps, no week dates, no numbers."""
    if isinstance(value, str) and not _DATE_TEXT.fullmatch(value):
        raise ValueError("must be a date as YYYY-MM-DD")
    if isinstance(value, int | float):  # a JSON number (float too) is never a date
        raise ValueError("must be a date as YYYY-MM-DD")
    return value


Month = Annotated[
    date,
    BeforeValidator(_parse_month),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^(20\d{2}|2100)-(0[1-9]|1[0-2])(-01)?$",
            "examples": ["2025-07-01"],
            "description": "A month: YYYY-MM or YYYY-MM-01; returned as YYYY-MM-01.",
        },
        mode="validation",
    ),
]
"""A month field: the 1st of a month."""

Day = Annotated[
    date,
    BeforeValidator(_parse_date),
    AfterValidator(_check_range),
    WithJsonSchema(
        {"type": "string", "format": "date", "examples": ["2025-07-15"]}, mode="validation"
    ),
]
"""A calendar date between 2000-01-01 and 2100-12-31."""


def _parse_currency(value: Any) -> str:
    if not isinstance(value, str) or len(value) != 3 or not value.isascii():
        raise ValueError("must be a three-letter ISO 4217 currency code")
    code = value.upper()
    if pycountry.currencies.get(alpha_3=code) is None:
        raise ValueError(f"{value!r} is not an ISO 4217 currency code")
    return code


Currency = Annotated[
    str,
    BeforeValidator(_parse_currency),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^[A-Za-z]{3}$",
            "examples": ["USD"],
            "description": "An ISO 4217 currency code; returned in capitals.",
        },
        mode="validation",
    ),
]


def month_start(value: date) -> date:
    """The first day of the month that contains ``value``."""
    return value.replace(day=1)


def add_months(value: date, months: int) -> date:
    """The 1st of the month ``months`` after the month of ``value`` (negative goes back)."""
    index = value.year * 12 + value.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_between(start: date, end: date) -> int:
    """How many month steps lead from ``start``'s month to ``end``'s month."""
    return (end.year - start.year) * 12 + end.month - start.month


def _as_utc(value: datetime) -> datetime:
    # The database keeps TIMESTAMPs in UTC (MySQL sessions are set to +00:00) and hands them
    # back without a zone: say so in the response.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


UtcDateTime = Annotated[datetime, AfterValidator(_as_utc)]
"""A timestamp in UTC, rendered with its offset."""
