r"""Fill a CostWatch database with years of realistic data, fast.

    python -m tools.bench.generate --url DATABASE_URL --services 2000 --years 5 \\
        --consumption-rows 1000000

The database is migrated first if needed. Services are a mix of the three categories (40 %
infrastructure with an invoice a month, 30 % licenses with price and seat changes and some
annual commitments ending soon, 30 % usage with monthly top-ups and daily consumption). Rows go
in through the driver's ``executemany`` in large batches (one multi-row INSERT per batch on
MySQL). The data is deterministic for a given ``--seed``; dates end today. Run from ``backend/``.
"""

import argparse
import asyncio
import random
import sys
import time
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from costwatch import clock
from costwatch.calendar import add_months, month_start
from costwatch.db.engine import make_engine
from costwatch.db.session import make_sessionmaker
from costwatch.invoices.repository import rebuild_month_totals
from costwatch.licenses.repository import rebuild_cost_changes
from costwatch.migrate import upgrade_to_head
from costwatch.models import CategoryCode, ServiceCategory
from costwatch.usage.repository import ConsumptionRepository

BATCH = 10_000
CENT = Decimal("0.01")
CURRENCY = "USD"
LABELS = {
    CategoryCode.INFRASTRUCTURE: "Infrastructure",
    CategoryCode.LICENSE: "License",
    CategoryCode.USAGE: "Usage",
}


def _cents(low: int, high: int, rng: random.Random) -> Decimal:
    """A random amount between ``low`` and ``high`` cents, as Decimal."""
    return Decimal(rng.randint(low, high)) * CENT


def _batches(rows: Sequence[tuple[Any, ...]]) -> Iterator[Sequence[tuple[Any, ...]]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start : start + BATCH]


async def _insert(
    conn: AsyncConnection, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Bulk insert through the DBAPI's executemany (multi-row INSERTs on MySQL)."""
    marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    if conn.dialect.name == "sqlite":
        # sqlite3 binds neither Decimal nor (without a deprecated adapter) date; money is
        # kept there as integer cents (costwatch.models.base.Money), dates as ISO text.
        rows = [tuple(_for_sqlite(value) for value in row) for row in rows]
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([marker] * len(columns))})"  # noqa: S608 - fixed names
    )
    for batch in _batches(rows):
        await conn.exec_driver_sql(sql, list(batch))


def _for_sqlite(value: Any) -> Any:
    if isinstance(value, Decimal):  # every Decimal here is an amount of money
        return int(value.scaleb(2))
    return value.isoformat() if isinstance(value, date) else value


async def _next_id(conn: AsyncConnection, table: str) -> int:
    result = await conn.execute(text(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}"))  # noqa: S608
    return int(result.scalar_one())


async def generate(
    url: str, services: int, years: int, consumption_rows: int, seed: int = 1
) -> dict[str, int]:
    """Insert the data set; returns the number of rows per table."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    today = clock.today()
    end_month = month_start(today)
    months = [add_months(end_month, -offset) for offset in range(years * 12 - 1, -1, -1)]
    first_day = months[0]
    # Unbounded reads: rebuilding the monthly totals of a million rows takes longer than the
    # request read timeout.
    engine = make_engine(url, bounded=False)
    counts: dict[str, int] = {}
    try:
        await upgrade_to_head(engine)
        async with engine.begin() as conn:
            categories = {
                code: category_id
                for code, category_id in await conn.execute(
                    select(ServiceCategory.code, ServiceCategory.id)
                )
            }
            provider_id = await _next_id(conn, "provider")
            service_id = await _next_id(conn, "service")
            providers = [
                (provider_id + i, f"Bench provider {provider_id + i}", None)
                for i in range(max(services // 10, 1))
            ]
            await _insert(conn, "provider", ("id", "name", "website"), providers)

            kinds = (
                [CategoryCode.INFRASTRUCTURE] * 4
                + [CategoryCode.LICENSE] * 3
                + [CategoryCode.USAGE] * 3
            )
            service_rows: list[tuple[Any, ...]] = []
            infra: list[int] = []
            licenses: list[int] = []
            usage: list[int] = []
            for index in range(services):
                sid = service_id + index
                kind = kinds[index % len(kinds)]
                provider = providers[index % len(providers)][0]
                service_rows.append(
                    (sid, provider, categories[kind], f"{LABELS[kind]} service {sid}", None, True)
                )
                {
                    CategoryCode.INFRASTRUCTURE: infra,
                    CategoryCode.LICENSE: licenses,
                    CategoryCode.USAGE: usage,
                }[kind].append(sid)
            await _insert(
                conn,
                "service",
                ("id", "provider_id", "category_id", "name", "description", "active"),
                service_rows,
            )

            invoices = [
                (sid, month, _cents(10_000, 2_000_000, rng), CURRENCY)
                for sid in infra
                for month in months
            ]
            await _insert(
                conn,
                "infra_invoice",
                ("service_id", "invoice_month", "amount", "currency"),
                invoices,
            )

            plans = []
            for sid in licenses:
                starts = sorted(
                    rng.sample(range(len(months)), k=min(len(months), rng.randint(1, 4)))
                )
                unit = _cents(500, 9_000, rng)
                for number, start in enumerate(starts):
                    last = number == len(starts) - 1
                    commitment = (
                        today + timedelta(days=rng.randint(-30, 400))
                        if last and rng.random() < 0.5
                        else None
                    )
                    plans.append(
                        (sid, unit, rng.randint(1, 200), months[start], None, commitment, CURRENCY)
                    )
                    unit += _cents(0, 300, rng)
            await _insert(
                conn,
                "license_plan",
                (
                    "service_id",
                    "monthly_unit_cost",
                    "qty",
                    "start_month",
                    "end_month",
                    "annual_commitment_end",
                    "currency",
                ),
                plans,
            )

            span = (today - first_day).days + 1
            per_service = max(consumption_rows // max(len(usage), 1), 1)
            consumption, topups = [], []
            for position, sid in enumerate(usage):
                rows = (
                    per_service
                    if position < len(usage) - 1
                    else consumption_rows - per_service * (len(usage) - 1)
                )
                rows = max(rows, 0)
                spent = Decimal(0)
                for row in range(rows):
                    day = first_day + timedelta(days=row * span // max(rows, 1))
                    amount = _cents(1, 5_000, rng)
                    spent += amount
                    consumption.append((sid, day, amount, CURRENCY))
                # top-ups cover most of what was spent; some services end up low
                for month in months:
                    amount = max(
                        (spent / len(months)).quantize(CENT)
                        * Decimal(rng.choice(["0.9", "1.0", "1.1"])),
                        CENT,
                    ).quantize(CENT)
                    topups.append(
                        (sid, month + timedelta(days=rng.randint(0, 27)), amount, CURRENCY)
                    )
            topups = [row for row in topups if row[1] <= today]
            await _insert(
                conn,
                "usage_topup",
                ("service_id", "topup_date", "amount_purchased", "currency"),
                topups,
            )
            await _insert(
                conn,
                "usage_consumption",
                ("service_id", "consumption_date", "amount_consumed", "currency"),
                consumption,
            )
            counts = {
                "providers": len(providers),
                "services": len(service_rows),
                "invoices": len(invoices),
                "plans": len(plans),
                "topups": len(topups),
                "consumption": len(consumption),
            }
        # The derived totals (consumption, invoices, plans): rebuilt from what was loaded;
        # committing through the ORM session also bumps the data version (report caches).
        async with make_sessionmaker(engine)() as session:
            await ConsumptionRepository(session).rebuild_monthly_totals()
            await rebuild_month_totals(session)
            await rebuild_cost_changes(session)
            await session.commit()
    finally:
        await engine.dispose()
    return counts


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="SQLAlchemy async URL of the database")
    parser.add_argument("--services", type=int, default=2000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--consumption-rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    counts = asyncio.run(
        generate(args.url, args.services, args.years, args.consumption_rows, args.seed)
    )
    seconds = time.perf_counter() - started
    total = sum(counts.values())
    print(", ".join(f"{count:,} {name}" for name, count in counts.items()))
    print(f"{total:,} rows in {seconds:.1f} s ({total / seconds:,.0f} rows/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
