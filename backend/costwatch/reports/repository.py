"""SQL shared by the reports: the month series' sums, a derived table of months, labels."""

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Date, Integer, bindparam, literal, null, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from costwatch.calendar import add_months
from costwatch.invoices.repository import InvoiceRepository
from costwatch.licenses.repository import LicenseRepository
from costwatch.models import CategoryCode, Provider, Service, ServiceCategory
from costwatch.usage.repository import ConsumptionRepository


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


def _series_statement(start: Any, end: Any, months: list[date] | None) -> Any:
    """The statement of ``series_rows``; ``months`` for the cash view, else the accrual view."""
    none = null()
    parts: list[Any] = [
        InvoiceRepository.month_totals_select(start, end).add_columns(none, none, none),
        ConsumptionRepository.month_totals_select(start, end).add_columns(none, none, none),
    ]
    if months is not None:
        plans = LicenseRepository.from_plans(months_table(months), cash=True).subquery("plans")
        parts.append(select(none, plans.c.currency, plans.c[2], none, none, plans.c.i))
    else:
        parts.append(LicenseRepository.running_costs_select(start, end).add_columns(none, none))
    parts.append(select(none, none, none, none, ServiceCategory.name, ServiceCategory.id))
    codes = [CategoryCode.INFRASTRUCTURE, CategoryCode.USAGE, CategoryCode.LICENSE]
    return union_all(
        *(
            part.add_columns(literal(str(code)).label("code"))
            for part, code in zip(parts[:3], codes, strict=True)
        ),
        parts[-1].add_columns(ServiceCategory.code),
    )


@cache
def _accrual_series() -> Any:
    # Built once: the same statement object keeps its cache key and compiled form, so a
    # request spends nothing on building, keying and compiling it (a few ms of CPU a call).
    return _series_statement(bindparam("start", type_=Date), bindparam("end", type_=Date), None)


async def series_rows(session: AsyncSession, months: list[date], *, cash: bool) -> list[Any]:
    """Everything a month series reads, in one statement (one round trip).

    Rows ``(month, currency, amount, plans, label, ident, code)``:

    - a category: ``code``, ``label`` its name, ``ident`` its id, the rest NULL;
    - ``infrastructure`` and ``usage``: the sum per month (from ``months[0]`` to
      ``months[-1]``) and currency, read as ranges of the month totals' keys;
    - ``license``: the running cost and number of plans per currency at each cost change
      (``LicenseRepository.running_costs_select``; ``in_force_by_month`` reads the months
      off them), or in the cash view the sum per month with no ``month`` and ``ident`` the
      month's index in ``months`` (``LicenseRepository.from_plans``).

    The first SELECT gives every column its type (the month a date, the amount money on
    every engine), so it is the invoices', whose columns are typed.
    """
    start, end = months[0], months[-1]
    if cash:
        statement = _series_statement(start, end, months)
        return list((await session.execute(statement)).all())
    result = await session.execute(_accrual_series(), {"start": start, "end": end})
    return list(result.all())
