"""Query and path parameters shared by every router: ids, pagination, sorting, the month filter."""

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import Depends, Path, Query, Response

from costwatch.calendar import MAX_YEAR, MIN_YEAR
from costwatch.errors import Invalid
from costwatch.schemas import MAX_ID

MAX_OFFSET = 2**31

IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
"""The id of a record in a path."""

IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
"""An optional id filter in a query string."""


@dataclass(frozen=True)
class Page:
    """``limit`` and ``offset`` of a record list."""

    limit: int
    offset: int


async def page_params(
    limit: Annotated[int, Query(ge=1, le=1000, description="Rows to return (1-1000).")] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Rows to skip.")] = 0,
) -> Page:
    """Read ``limit`` and ``offset`` from the query string.

    ``async`` though it awaits nothing: FastAPI runs a plain ``def`` dependency in a worker
    thread, a hop there and back on every request for two integers.
    """
    return Page(limit=limit, offset=offset)


PageDep = Annotated[Page, Depends(page_params)]

TOTAL_COUNT_HEADER = {
    "X-Total-Count": {
        "description": "How many rows match the filters, ignoring limit and offset.",
        "schema": {"type": "integer"},
    }
}


def set_total(response: Response, total: int) -> None:
    """Send the unpaginated row count in ``X-Total-Count``."""
    response.headers["X-Total-Count"] = str(total)


YearQuery = Annotated[int | None, Query(ge=MIN_YEAR, le=MAX_YEAR, description="Year (with month).")]
MonthQuery = Annotated[int | None, Query(ge=1, le=12, description="Month 1-12 (with year).")]


def month_from_query(year: int | None, month: int | None) -> date | None:
    """The 1st of the month named by ``year`` and ``month``, which come together or not at all."""
    if year is None and month is None:
        return None
    if year is None or month is None:
        missing = "year" if year is None else "month"
        raise Invalid(missing, "year and month must be given together", location="query")
    return date(year, month, 1)


def sort_description(default: str) -> str:
    """The Swagger text of a ``sort`` parameter."""
    return f"Field to sort by; prefix with - for descending. Default {default}."
