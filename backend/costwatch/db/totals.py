"""Derived totals keyed by month and currency, moved by each write in its own transaction.

Writers of different services add to the same rows (one per month and currency), so a
change is one atomic ``INSERT ... ON DUPLICATE KEY UPDATE`` (``ON CONFLICT`` on SQLite): no
read first that a concurrent writer could make stale, and no duplicate key when two writers
create the same row. Keys are written in sorted order, so that two writers touching the same
rows lock them in the same order (no deadlock).
"""

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, delete, or_
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from costwatch.db.data_version import mark_changed

Changes = dict[tuple[date, str], tuple[Decimal, int]]
"""(month, currency) -> (amount, count) to add."""


def combine(changes: Changes, key: tuple[date, str], amount: Decimal, count: int) -> None:
    """Add ``amount`` and ``count`` to ``changes[key]``."""
    total, number = changes.get(key, (Decimal(0), 0))
    changes[key] = (total + amount, number + count)


def difference(after: Mapping[Any, tuple[Decimal, int]], before: Changes) -> Changes:
    """``after - before``, key by key (keys whose difference is nothing left out)."""
    result: Changes = {}
    for key in after.keys() | before.keys():
        new, new_count = after.get(key, (Decimal(0), 0))
        old, old_count = before.get(key, (Decimal(0), 0))
        if new != old or new_count != old_count:
            result[key] = (new - old, new_count - old_count)
    return result


async def add_to_month_totals(
    session: AsyncSession, model: Any, count_column: str, changes: Changes
) -> None:
    """Add each (amount, count) of ``changes`` to ``model``'s row of its month and currency.

    ``model`` has the primary key (``month``, ``currency``), an ``amount`` and a count
    column; a row left with a count and an amount of 0 goes (it changes no sum, and a
    recomputation would not find it).
    """
    if not changes:
        return
    table = model.__table__
    dialect = session.get_bind().dialect.name
    for (month, currency), (amount, count) in sorted(changes.items()):
        values = {"month": month, "currency": currency, "amount": amount, count_column: count}
        stmt: Any
        if dialect == "sqlite":
            stmt = sqlite_insert(table).values(**values)
            stmt = stmt.on_conflict_do_update(
                index_elements=["month", "currency"],
                set_={
                    "amount": table.c.amount + stmt.excluded.amount,
                    count_column: table.c[count_column] + stmt.excluded[count_column],
                },
            )
        else:
            stmt = mysql_insert(table).values(**values)
            stmt = stmt.on_duplicate_key_update(
                {
                    "amount": table.c.amount + stmt.inserted.amount,
                    count_column: table.c[count_column] + stmt.inserted[count_column],
                }
            )
        await session.execute(stmt)
    touched = [
        and_(table.c.month == month, table.c.currency == currency) for month, currency in changes
    ]
    await session.execute(
        delete(table).where(or_(*touched), table.c[count_column] == 0, table.c.amount == 0)
    )
    mark_changed(session.sync_session)


async def add_to_keyed_rows(
    session: AsyncSession,
    table: Any,
    key_columns: Sequence[str],
    rows: Sequence[dict[str, Any]],
    added: Sequence[str] = ("amount",),
) -> None:
    """Add each row's ``added`` columns to the stored row of the same key, or insert the row.

    One executemany of an upsert (``ON DUPLICATE KEY UPDATE``; ``ON CONFLICT`` on SQLite),
    which the drivers send as multi-row statements: a bulk import touches tens of thousands
    of day totals, and reading which keys exist first cost MariaDB seconds (a row-value
    ``IN`` list is not a range it can seek). Columns other than the key and ``added`` keep
    the stored row's value. The rows are written in key order (see the module's note on
    locks).
    """
    if not rows:
        return
    ordered = sorted(rows, key=lambda row: tuple(row[name] for name in key_columns))
    stmt: Any
    if session.get_bind().dialect.name == "sqlite":
        stmt = sqlite_insert(table)
        stmt = stmt.on_conflict_do_update(
            index_elements=list(key_columns),
            set_={name: table.c[name] + stmt.excluded[name] for name in added},
        )
    else:
        stmt = mysql_insert(table)
        stmt = stmt.on_duplicate_key_update(
            {name: table.c[name] + stmt.inserted[name] for name in added}
        )
    connection = await session.connection()
    await connection.execute(stmt, ordered)
    mark_changed(session.sync_session)
