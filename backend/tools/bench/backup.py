"""Time a backup and a restore of a ledger with many consumption rows, through the API.

    cd backend && ../.venv/bin/python -m tools.bench.backup [--rows 100000] [--url URL]

Without ``--url``, a fresh SQLite file in a temporary folder; with one (MariaDB), every table
of that database is DROPPED first: give it a scratch database. The rows are imported with
``POST /imports/consumption``; then ``GET /backup`` is streamed to a file, the ledger emptied,
and ``POST /restore`` reads it back. Each step prints its wall time and this process's CPU time,
and the highest resident memory of the process after each step.
"""

import argparse
import asyncio
import resource
import tempfile
import time
from pathlib import Path

from sqlalchemy import delete

from costwatch.backup.tables import TABLES
from costwatch.db.engine import make_engine
from costwatch.models import (
    InvoiceMonthTotal,
    LicenseCostChange,
    UsageBalance,
    UsageConsumptionDay,
    UsageConsumptionMonth,
    UsageConsumptionWeek,
)
from tools.bench.csv_import import SERVICES, consumption_csv, prepare


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def run(url: str, rows: int, folder: Path) -> None:
    """Import, back up, empty, restore; print the figures."""
    engine = make_engine(url)
    async with prepare(engine, url) as client:
        ids = await client.services(SERVICES)
        body = consumption_csv(ids, rows)
        imported = await client.http.post(
            "/imports/consumption",
            params={"dry_run": "false"},
            files={"file": ("consumption.csv", body, "text/csv")},
        )
        assert imported.status_code == 200, imported.text[:500]
        print(f"{rows:,} consumption rows on {engine.dialect.name}; peak {_peak_mb():.0f} MB")

        path = folder / "backup.zip"
        started, cpu = time.perf_counter(), time.process_time()
        async with client.http.stream("GET", "/backup") as response:
            assert response.status_code == 200
            with path.open("wb") as out:
                async for chunk in response.aiter_bytes():
                    out.write(chunk)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        size = path.stat().st_size / 1e6
        print(f"GET /backup  : {elapsed:.2f} s ({cpu:.2f} s CPU), {size:.1f} MB", end="")
        print(f"; peak {_peak_mb():.0f} MB")

        async with engine.begin() as connection:
            for derived in (
                UsageConsumptionMonth,
                UsageConsumptionDay,
                UsageConsumptionWeek,
                UsageBalance,
                InvoiceMonthTotal,
                LicenseCostChange,
            ):
                await connection.execute(delete(derived))
            for spec in reversed(TABLES[1:]):
                await connection.execute(delete(spec.table))
        started, cpu = time.perf_counter(), time.process_time()
        with path.open("rb") as file:
            restored = await client.http.post(
                "/restore", files={"file": ("backup.zip", file, "application/zip")}
            )
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        assert restored.status_code == 200, restored.text[:500]
        assert restored.json()["tables"]["usage_consumption"] == rows
        print(f"POST /restore: {elapsed:.2f} s ({cpu:.2f} s CPU); peak {_peak_mb():.0f} MB")
    await engine.dispose()


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.url or f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        asyncio.run(run(url, args.rows, Path(folder)))


if __name__ == "__main__":
    main()
