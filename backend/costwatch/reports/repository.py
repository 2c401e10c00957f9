"""SQL shared by the reports: a derived table of months to group by."""

from datetime import date
from typing import Any

from sqlalchemy import Date, Integer, literal, select, union_all

from costwatch.calendar import add_months


def months_table(months: list[date]) -> Any:
    """A subquery with one row per month: ``i`` (its index), ``m`` (the 1st), ``m_next``.

    Built from literals so the same SQL runs on MySQL, MariaDB and SQLite (none of
    ``generate_series``, recursive CTE quirks or calendar tables needed). Reports group by ``i``
    so that no dialect's way of returning a date literal matters.
    """
    rows = [
        select(
            literal(index, Integer).label("i"),
            literal(month, Date).label("m"),
            literal(add_months(month, 1), Date).label("m_next"),
        )
        for index, month in enumerate(months)
    ]
    return (union_all(*rows) if len(rows) > 1 else rows[0]).subquery("months")
