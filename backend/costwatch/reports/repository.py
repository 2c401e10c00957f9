"""SQL shared by the reports: a derived table of months to group by, service labels."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Date, Integer, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from costwatch.calendar import add_months
from costwatch.models import Provider, Service, ServiceCategory


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


@dataclass(frozen=True)
class ServiceLabel:
    """What a report shows of a service: names and category."""

    service_id: int
    service_name: str
    provider_name: str
    category_id: int
    category: str
    code: str


async def service_labels(session: AsyncSession, ids: set[int]) -> dict[int, ServiceLabel]:
    """Names, provider and category of the services ``ids``, by id."""
    if not ids:
        return {}
    stmt = (
        select(
            Service.id,
            Service.name,
            Provider.name,
            ServiceCategory.id,
            ServiceCategory.name,
            ServiceCategory.code,
        )
        .join(Provider, Service.provider_id == Provider.id)
        .join(ServiceCategory, Service.category_id == ServiceCategory.id)
        .where(Service.id.in_(ids))
    )
    return {
        row[0]: ServiceLabel(row[0], row[1], row[2], row[3], row[4], row[5])
        for row in (await session.execute(stmt)).all()
    }
