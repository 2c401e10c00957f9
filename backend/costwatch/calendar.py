"""Calendar types and arithmetic: months (always the 1st), dates, UTC timestamps."""

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, WithJsonSchema

MIN_YEAR, MAX_YEAR = 2000, 2100
MIN_DATE, MAX_DATE = date(MIN_YEAR, 1, 1), date(MAX_YEAR, 12, 31)

# re.ASCII: Python's \d also matches other scripts' digits; the contract allows ASCII only.
_MONTH_TEXT = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?", re.ASCII)
_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


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
