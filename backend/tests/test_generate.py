"""The benchmark's data generator."""

from decimal import Decimal

from sqlalchemy import func, select

from costwatch.bench.generate import generate, main
from costwatch.db.engine import make_engine
from costwatch.models.usage import UsageConsumption, UsageConsumptionMonth


async def test_generate_fills_every_table_and_the_monthly_totals(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'bench.db'}"
    counts = await generate(url, services=20, years=2, consumption_rows=500, seed=3)
    assert counts["services"] == 20
    assert counts["providers"] == 2
    assert counts["consumption"] == 500
    assert counts["invoices"] == 8 * 24  # 40 % infrastructure, one invoice a month
    assert counts["plans"] >= 6
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            raw = (
                await connection.execute(select(func.sum(UsageConsumption.amount_consumed)))
            ).scalar()
            rolled = (
                await connection.execute(select(func.sum(UsageConsumptionMonth.amount)))
            ).scalar()
    finally:
        await engine.dispose()
    assert raw == rolled
    assert raw > Decimal(0)


def test_command_line(tmp_path, capsys):
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    assert main(["--url", url, "--services", "10", "--years", "1", "--consumption-rows", "30"]) == 0
    out = capsys.readouterr().out
    assert "30 consumption" in out
    assert "rows/s" in out
