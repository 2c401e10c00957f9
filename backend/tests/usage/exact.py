"""The derived usage totals against a recomputation from the raw rows, to the cent.

``usage_consumption_month``, ``usage_consumption_day`` and ``usage_balance`` are kept by every
writer in its own transaction; ``usage.repository.totals_from_raw`` recomputes each from
``usage_topup`` and ``usage_consumption``. A row the writers left at 0 (its events deleted)
stands for no row.
"""

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from costwatch.models import UsageBalance, UsageConsumptionDay, UsageConsumptionMonth
from costwatch.usage.repository import totals_from_raw


def _months(rows: Any) -> dict[tuple[int, str], tuple[str, Decimal]]:
    return {(row[0], str(row[1])): (row[2], row[3]) for row in rows if row[3] != 0}


def _days(rows: Any) -> dict[tuple[str, int], Decimal]:
    return {(str(row[0]), row[1]): row[2] for row in rows if row[2] != 0}


def _balances(rows: Any) -> dict[int, tuple[Any, ...]]:
    return {row[0]: (row[1], *row[2:6], row[6], str(row[7]), row[8]) for row in rows}


async def derived_totals(connection: AsyncConnection) -> dict[str, Any]:
    """The three derived tables as the writers left them."""
    month, day, balance = UsageConsumptionMonth, UsageConsumptionDay, UsageBalance
    months = await connection.execute(
        select(month.service_id, month.month, month.currency, month.amount)
    )
    days = await connection.execute(select(day.day, day.service_id, day.amount))
    balances = await connection.execute(
        select(
            balance.service_id,
            balance.currency,
            balance.total_topups,
            balance.total_consumed,
            balance.topups,
            balance.consumptions,
            balance.last_topup_id,
            balance.last_topup_date,
            balance.last_topup_amount,
        )
    )
    return {
        "months": _months(months.all()),
        "days": _days(days.all()),
        "balances": _balances(balances.all()),
    }


async def recomputed_totals(connection: AsyncConnection) -> dict[str, Any]:
    """The same tables computed afresh from every top-up and consumption event."""
    queries = totals_from_raw(connection.dialect.name)
    return {
        "months": _months((await connection.execute(queries["months"])).all()),
        "days": _days((await connection.execute(queries["days"])).all()),
        "balances": _balances((await connection.execute(queries["balances"])).all()),
    }


async def assert_totals_exact(
    connection: AsyncConnection, names: tuple[str, ...] = ("months", "days", "balances")
) -> None:
    """Every derived total (of the tables ``names``) equals its recomputation from raw rows."""
    kept, fresh = await derived_totals(connection), await recomputed_totals(connection)
    for name in names:
        assert kept[name] == fresh[name], name
