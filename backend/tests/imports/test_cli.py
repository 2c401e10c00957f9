"""``python -m costwatch.imports focus``: the same preview and commit, from the command line."""

import asyncio
import io
from pathlib import Path

import pytest
from sqlalchemy import select

from costwatch.db.engine import make_engine
from costwatch.imports.cli import main
from costwatch.migrate import upgrade_to_head
from costwatch.models import AuditEntry, InfraInvoice

FIXTURES = Path(__file__).parent.parent / "fixtures" / "focus"
MESSY = FIXTURES / "focus-1.2-messy.csv"


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A migrated SQLite file, named by ``COSTWATCH_DATABASE_URL`` as the app reads it."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"

    async def migrate() -> None:
        engine = make_engine(url)
        await upgrade_to_head(engine)
        await engine.dispose()

    asyncio.run(migrate())
    monkeypatch.setenv("COSTWATCH_DATABASE_URL", url)
    monkeypatch.setenv("COSTWATCH_DATA_DIR", str(tmp_path))
    return url


def stored(url: str) -> tuple[list[tuple[str, str, str]], list[str]]:
    async def read() -> tuple[list[tuple[str, str, str]], list[str]]:
        engine = make_engine(url)
        async with engine.connect() as connection:
            invoices = (
                await connection.execute(
                    select(
                        InfraInvoice.invoice_month, InfraInvoice.currency, InfraInvoice.amount
                    ).order_by(InfraInvoice.invoice_month, InfraInvoice.amount)
                )
            ).all()
            actors = (
                await connection.execute(select(AuditEntry.actor).group_by(AuditEntry.actor))
            ).scalars()
            result = [(f"{m}", c, f"{a}") for m, c, a in invoices], list(actors)
        await engine.dispose()
        return result

    return asyncio.run(read())


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = main(list(argv), out)
    return status, out.getvalue()


def test_preview_then_commit_then_again(database_url: str) -> None:
    status, text = run("focus", str(MESSY))
    assert status == 0
    assert "FOCUS 1.2 (csv), 16 rows, 3 skipped" in text
    assert "2025-03  AWS        Amazon EC2              USD        14.83  new" in text
    assert "total 2025-03 USD: 13.84 in the file; 14.84 in 2 invoices" in text
    assert "preview only" in text
    assert stored(database_url) == ([], [])

    status, text = run("focus", str(MESSY), "--commit")
    assert status == 0, text
    assert "committed" in text
    invoices, actors = stored(database_url)
    assert len(invoices) == 6
    assert ("2025-03-01", "EUR", "119.12") in invoices
    assert actors == ["cli"]

    status, text = run("focus", str(MESSY), "--commit")
    assert status == 0
    assert "groups: 6 unchanged, 1 skipped" in text


def test_options_and_refusals(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, text = run("focus", str(MESSY), "--cost", "effective", "--group-by", "provider")
    assert status == 0
    assert "cost=effective, group-by=provider" in text
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "ProviderName,ServiceName,BillingPeriodStart,BillingCurrency,BilledCost\n"
        "AWS,EC2,2025-03-01,USD,x\n"
    )
    assert run("focus", str(bad))[0] == 1
    assert "row 1, column BilledCost" in capsys.readouterr().err
    assert run("focus", str(tmp_path / "missing.csv"))[0] == 2
    two = tmp_path / "two.csv"
    two.write_text(
        "ProviderName,ServiceName,BillingPeriodStart,BillingCurrency,BilledCost\n"
        "AWS,EC2,2025-03-01,USD,1\nAWS,EC2,2025-03-01,EUR,1\n"
    )
    status, text = run("focus", str(two), "--commit")
    assert status == 1
    assert "NOT imported: 2 group(s) in conflict" in text
    assert "CONFLICT: AWS / EC2 2025-03" in text
    assert stored(database_url)[0] == []


def test_an_unmigrated_database_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COSTWATCH_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
    monkeypatch.setenv("COSTWATCH_DATA_DIR", str(tmp_path))
    assert run("focus", str(MESSY))[0] == 1
    assert "the database cannot be used (no such table" in capsys.readouterr().err
