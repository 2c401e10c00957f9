"""The derived totals against a recomputation from the raw rows, to the cent.

``usage_consumption_month``, ``usage_consumption_day`` and ``usage_balance`` are kept by every
writer in its own transaction; ``usage.repository.totals_from_raw`` recomputes each from
``usage_topup`` and ``usage_consumption``. A row the writers left at 0 (its events deleted)
stands for no row. A running balance's runway window (``recent_consumed``, exact for the day
it is stamped with) is checked against the raw events of those 30 days. Likewise the
summaries' ``invoice_month_total`` (from ``infra_invoice``) and ``license_cost_change`` (from
``license_plan``); the license costs they give per month are also checked against the plans'
own SQL (``LicenseRepository.from_plans``), both as the months-table query sums them and as
the month series reads them (running sums).
"""

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from costwatch.calendar import add_months
from costwatch.invoices.repository import month_totals_from_raw
from costwatch.licenses.repository import LicenseRepository, changes_of, in_force_by_month
from costwatch.models import (
    InvoiceMonthTotal,
    LicenseCostChange,
    UsageBalance,
    UsageConsumption,
    UsageConsumptionDay,
    UsageConsumptionMonth,
    UsageConsumptionWeek,
)
from costwatch.reports.repository import months_table
from costwatch.usage.repository import totals_from_raw, window_ending

ALL = ("months", "days", "weeks", "balances", "windows", "invoice_months", "license_changes")


def _months(rows: Any) -> dict[tuple[int, str], tuple[str, Decimal]]:
    return {(row[0], str(row[1])): (row[2], row[3]) for row in rows if row[3] != 0}


def _days(rows: Any) -> dict[tuple[str, int], Decimal]:
    return {(str(row[0]), row[1]): row[2] for row in rows if row[2] != 0}


def _balances(rows: Any) -> dict[int, tuple[Any, ...]]:
    return {row[0]: (row[1], *row[2:6], row[6], str(row[7]), row[8]) for row in rows}


def _month_keyed(rows: Any) -> dict[tuple[str, str], tuple[Decimal, int]]:
    return {(str(row[0]), row[1]): (row[2], row[3]) for row in rows if (row[2], row[3]) != (0, 0)}


async def derived_totals(connection: AsyncConnection) -> dict[str, Any]:
    """The three derived tables as the writers left them."""
    month, day, balance = UsageConsumptionMonth, UsageConsumptionDay, UsageBalance
    months = await connection.execute(
        select(month.service_id, month.month, month.currency, month.amount)
    )
    days = await connection.execute(select(day.day, day.service_id, day.amount))
    week = UsageConsumptionWeek
    weeks = await connection.execute(select(week.week, week.service_id, week.amount))
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
    windows = await connection.execute(
        select(balance.service_id, balance.window_end_day, balance.recent_consumed)
    )
    invoices = await connection.execute(
        select(
            InvoiceMonthTotal.month,
            InvoiceMonthTotal.currency,
            InvoiceMonthTotal.amount,
            InvoiceMonthTotal.invoices,
        )
    )
    changes = await connection.execute(
        select(
            LicenseCostChange.month,
            LicenseCostChange.currency,
            LicenseCostChange.amount,
            LicenseCostChange.plans,
        )
    )
    return {
        "months": _months(months.all()),
        "days": _days(days.all()),
        "weeks": _days(weeks.all()),
        "balances": _balances(balances.all()),
        # Unstamped rows (NULL: added by a migration, not yet stamped) promise nothing.
        "windows": {row[0]: (row[1], row[2]) for row in windows.all() if row[1] is not None},
        "invoice_months": _month_keyed(invoices.all()),
        "license_changes": _month_keyed(changes.all()),
    }


async def _windows(connection: AsyncConnection) -> dict[int, tuple[Any, Decimal]]:
    """Each stamped running balance's window summed afresh from its raw consumption events."""
    balance, event = UsageBalance, UsageConsumption
    stamps = (await connection.execute(select(balance.service_id, balance.window_end_day))).all()
    found = {}
    for service_id, end in stamps:
        if end is None:  # not stamped yet: nothing to check
            continue
        first, last = window_ending(end)
        total = (
            await connection.execute(
                select(func.coalesce(func.sum(event.amount_consumed), 0)).where(
                    event.service_id == service_id, event.consumption_date.between(first, last)
                )
            )
        ).scalar_one()
        found[service_id] = (end, Decimal(total))
    return found


async def recomputed_totals(connection: AsyncConnection) -> dict[str, Any]:
    """The same tables computed afresh from every top-up and consumption event."""
    queries = totals_from_raw(connection.dialect.name)
    return {
        "months": _months((await connection.execute(queries["months"])).all()),
        "days": _days((await connection.execute(queries["days"])).all()),
        "weeks": _days((await connection.execute(queries["weeks"])).all()),
        "balances": _balances((await connection.execute(queries["balances"])).all()),
        "windows": await _windows(connection),
        "invoice_months": _month_keyed((await connection.execute(month_totals_from_raw())).all()),
        "license_changes": _month_keyed(
            (month, currency, amount, count)
            for (month, currency), (amount, count) in (await changes_of(connection, None)).items()
        ),
    }


async def assert_license_costs_match_the_plans(connection: AsyncConnection) -> None:
    """The license cost of every month from the cost changes equals the plans' own sum.

    Every month from the first change to a year after the last (where the last plans still
    run or have stopped), per currency.
    """
    months = sorted({row[0] for row in (await connection.execute(select(LicenseCostChange.month)))})
    if not months:
        return
    span = [months[0]]
    while span[-1] < add_months(months[-1], 12):
        span.append(add_months(span[-1], 1))
    table = months_table(span)
    kept = (await connection.execute(LicenseRepository.cost_by_month_select(table))).all()
    fresh = (await connection.execute(LicenseRepository.from_plans(table))).all()
    assert sorted((row[0], row[1], row[2]) for row in kept) == sorted(
        (row[0], row[1], row[2]) for row in fresh
    )
    # The series' way: the running sums of the changes, read off per month, for windows
    # that start before, among and after the changes (the last change before the start
    # carries into it).
    for first in sorted({span[0], span[len(span) // 2], months[-1], span[-1]}):
        window = span[span.index(first) :]
        running = await connection.execute(
            LicenseRepository.running_costs_select(window[0], window[-1])
        )
        expected = sorted(
            (row[0] - span.index(first), row[1], row[2])
            for row in fresh
            if row[0] >= span.index(first)
        )
        assert sorted(in_force_by_month(running.all(), window)) == expected


async def assert_totals_exact(connection: AsyncConnection, names: tuple[str, ...] = ALL) -> None:
    """Every derived total (of the tables ``names``) equals its recomputation from raw rows."""
    kept, fresh = await derived_totals(connection), await recomputed_totals(connection)
    for name in names:
        assert kept[name] == fresh[name], name
    if "license_changes" in names:
        await assert_license_costs_match_the_plans(connection)
