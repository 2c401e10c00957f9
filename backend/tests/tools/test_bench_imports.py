"""The import and backup benchmarks run end to end (on a small SQLite file here)."""

from pathlib import Path

import pytest

from tools.bench import backup, csv_import


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
