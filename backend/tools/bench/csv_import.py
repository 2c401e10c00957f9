"""Time the CSV import of consumption rows through ``POST /imports/consumption``.

    cd backend && ../.venv/bin/python -m tools.bench.csv_import [--rows 100000] [--url URL]

Without ``--url``, a fresh SQLite file in a temporary folder; with one (MariaDB), every table
of that database is DROPPED first, then migrated: give it a scratch database. The rows go to
20 usage services over two years; the import is the real route (upload, dry run or commit)
through the ASGI app in this process, timed from the request to the answer.
"""

import argparse
import asyncio
import csv
import io
import random
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncEngine

from costwatch.app import create_app
from costwatch.auth.security import create_token
from costwatch.config import Settings
from costwatch.db.engine import make_engine
from costwatch.migrate import upgrade_to_head
from costwatch.models import Base
from costwatch.models.admin_user import AdminUser

SECRET = "bench-secret-" + "y" * 40
SERVICES = 20


def consumption_csv(service_ids: list[int], rows: int, seed: int = 12) -> bytes:
    """``rows`` consumption events, spread over the services and 2024-2025."""
    rng = random.Random(seed)  # noqa: S311 - test data, not a secret
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["service_id", "consumption_date", "amount_consumed"])
    for _ in range(rows):
        day = f"{rng.choice((2024, 2025))}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        writer.writerow([rng.choice(service_ids), day, f"{rng.randint(1, 99999) / 100:.2f}"])
    return buffer.getvalue().encode()


class BenchClient:
    """A signed-in client of the app under test, and a way to make services."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def services(self, count: int) -> list[int]:
        """Ids of ``count`` new usage services of one provider."""
        categories = (await self.http.get("/categories")).json()
        usage = next(c["id"] for c in categories if c["code"] == "usage")
        provider = (await self.http.post("/providers", json={"name": "Bench"})).json()["id"]
        return [
            (
                await self.http.post(
                    "/service",
                    json={"provider_id": provider, "category_id": usage, "name": f"S{n}"},
                )
            ).json()["id"]
            for n in range(count)
        ]


@asynccontextmanager
async def prepare(engine: AsyncEngine, url: str) -> AsyncIterator[BenchClient]:
    """An empty migrated database (every table DROPPED first), an admin and a client."""
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
        await connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    await upgrade_to_head(engine)
    async with engine.begin() as connection:
        await connection.execute(
            insert(AdminUser).values(
                id=1,
                email="a@example.com",
                password_hash="unusable",  # noqa: S106 - the bench signs its own token
                token_version=0,
            )
        )
    settings = Settings(env="test", database_url=url, jwt_secret=SECRET)
    app = create_app(settings, engine)
    token = create_token(user_id=1, version=0, secret=SECRET, minutes=60)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://bench",
        headers={"Authorization": f"Bearer {token}"},
        timeout=600,
    ) as client:
        yield BenchClient(client)


async def run(url: str, rows: int) -> dict[str, float]:
    """Prepare the database, then time a dry run and a commit; the figures in seconds."""
    figures: dict[str, float] = {}
    engine = make_engine(url)
    async with prepare(engine, url) as bench:
        client = bench.http
        ids = await bench.services(SERVICES)
        body = consumption_csv(ids, rows)
        print(f"{rows:,} rows, {len(body) / 1e6:.1f} MB, on {engine.dialect.name}")
        for dry_run in (True, False):
            started, cpu = time.perf_counter(), time.process_time()
            response = await client.post(
                "/imports/consumption",
                params={"dry_run": str(dry_run).lower()},
                files={"file": ("consumption.csv", body, "text/csv")},
            )
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            report = response.json()
            assert response.status_code == 200, response.text[:500]
            assert report["valid"] == rows, report["errors"][:5]
            # CPU time of this process (all its threads: SQLite's too, not MariaDB's server):
            # a fairer figure than the wall clock on a machine shared with other work.
            print(f"{'dry run' if dry_run else 'commit '}: {elapsed:.2f} s ({cpu:.2f} s CPU)")
            figures["dry_run" if dry_run else "commit"] = elapsed
            figures["dry_run_cpu" if dry_run else "commit_cpu"] = cpu
        total = (await client.get("/usage/consumption", params={"limit": 1})).headers
        print(f"stored: {total['x-total-count']} rows")
        started = time.perf_counter()
        export = await client.get("/usage/consumption", params={"format": "csv"})
        figures["export"] = time.perf_counter() - started
        print(f"export format=csv: {figures['export']:.2f} s, {len(export.content) / 1e6:.1f} MB")
    await engine.dispose()
    return figures


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.url or f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        asyncio.run(run(url, args.rows))


if __name__ == "__main__":
    main()
