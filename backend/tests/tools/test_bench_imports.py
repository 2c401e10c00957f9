"""The import and backup benchmarks run end to end (on a small SQLite file here)."""

from pathlib import Path

import pytest

from tools.bench import backup, csv_import, focus, imports


async def test_the_import_and_backup_benchmarks_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bench.db'}"
    await csv_import.run(url, 300)
    await backup.run(url, 300, tmp_path)
    out = capsys.readouterr().out
    assert "stored: 300 rows" in out
    assert "GET /backup" in out
    assert "POST /restore" in out


def test_the_imports_section_is_replaced_and_kept(tmp_path: Path) -> None:
    figures = focus.FocusFigures(1000, 0.6, 2.0, 2.5, 5.0, 120.0, 300.0, api_body=3.0)
    csv_rows = {"SQLite": {"dry_run": 3.0, "commit": 11.0, "dry_run_cpu": 1.0, "commit_cpu": 2.0}}
    first = imports.section(figures, csv_rows)
    assert "| 1.25 | <= 1.5x | yes |" in first  # CLI 2.5 s over DuckDB's 2.0 s
    assert "| 2.50 | <= 2.0x, server < 1 GB | NO |" in first  # multipart
    assert "| 1.50 | <= 2.0x, server < 1 GB | yes |" in first  # the file as the body
    assert "| SQLite | 3.00 | 11.00 | 3.00 | NO |" in first
    document = imports.splice("# Benchmarks\n\nthe main run\n", first)
    assert document.count(imports.START) == 1
    again = imports.splice(document, first.replace("2.50", "1.75"))
    assert again.count(imports.START) == 1
    assert "the main run" in again
    assert "1.75" in again
    # The main benchmark writes the whole file again and carries the section over.
    path = tmp_path / "BENCHMARKS.md"
    path.write_text(again)
    assert imports.kept_section(path) == again[again.index(imports.START) :].rstrip("\n")
    assert imports.kept_section(tmp_path / "missing.md") == ""
