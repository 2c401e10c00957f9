"""The benchmark's data generator (tools.bench.generate), on the test database's kind."""

from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from costwatch.db.engine import make_engine
from costwatch.models import CategoryCode, Service, ServiceCategory
from costwatch.models.usage import UsageConsumption, UsageConsumptionMonth
from tests.conftest import IS_MYSQL, TEST_URL
from tests.usage.exact import assert_totals_exact
from tools import mariadb
from tools.bench.generate import generate, main


@pytest.fixture
async def url(tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of its own: on the MySQL server under test, else a SQLite file."""
    if not IS_MYSQL:
        yield f"sqlite+aiosqlite:///{tmp_path / 'bench.db'}"
        return
    name = f"{make_url(TEST_URL).database}_generate"
    yield await mariadb.recreate(TEST_URL, name)
    await mariadb.drop(TEST_URL, name)


async def test_generate_fills_every_table_and_the_monthly_totals(url: str) -> None:
    counts = await generate(url, services=20, years=2, consumption_rows=500, seed=3)
    assert counts["services"] == 20
    assert counts["providers"] == 2
    assert counts["consumption"] == 500
    assert counts["invoices"] == 8 * 24  # 40 % infrastructure, one invoice a month
    assert counts["plans"] >= 6  # at least one per license service
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            raw = (
                await connection.execute(select(func.sum(UsageConsumption.amount_consumed)))
            ).scalar()
            rolled = (
                await connection.execute(select(func.sum(UsageConsumptionMonth.amount)))
            ).scalar()
            if engine.dialect.name == "sqlite":
                # Money as integer cents there, as the application writes it (revision 0006).
                kinds = await connection.execute(
                    text("SELECT DISTINCT typeof(amount_consumed) FROM usage_consumption")
                )
                assert kinds.scalars().all() == ["integer"]
            # Every derived total, the summaries' too, as the writers would have kept them.
            await assert_totals_exact(connection)
            per_category = dict(
                (
                    await connection.execute(
                        select(ServiceCategory.code, func.count(Service.id))
                        .join(Service, Service.category_id == ServiceCategory.id)
                        .group_by(ServiceCategory.code)
                    )
                ).all()
            )
    finally:
        await engine.dispose()
    assert raw is not None
    assert raw == rolled
    assert raw > Decimal(0)
    assert per_category == {
        CategoryCode.INFRASTRUCTURE: 8,
        CategoryCode.LICENSE: 6,
        CategoryCode.USAGE: 6,
    }


async def test_the_same_seed_gives_the_same_data(tmp_path: Path) -> None:
    first = await generate(f"sqlite+aiosqlite:///{tmp_path / 'a.db'}", 10, 1, 40, seed=5)
    again = await generate(f"sqlite+aiosqlite:///{tmp_path / 'b.db'}", 10, 1, 40, seed=5)
    assert first == again


def test_command_line(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--url", url, "--services", "10", "--years", "1", "--consumption-rows", "30"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1 providers, 10 services, 48 invoices, ")
    assert ", 30 consumption\n" in out
    assert "rows/s" in out
