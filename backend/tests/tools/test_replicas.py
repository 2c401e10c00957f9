"""The replica check's preconditions (tools.replicas; scripts/test-replicas.sh runs it)."""

from pathlib import Path

import pytest

from tools import replicas


def test_it_needs_a_mysql_database(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COSTWATCH_TEST_DATABASE_URL", "sqlite+aiosqlite://")
    assert replicas.main([]) == 2
    assert "needs COSTWATCH_TEST_DATABASE_URL=mysql" in capsys.readouterr().err


def test_it_needs_the_built_dashboard(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COSTWATCH_TEST_DATABASE_URL", "mysql+asyncmy://root@127.0.0.1:1/x")
    assert replicas.main(["--dist", str(tmp_path)]) == 2
    assert f"needs the built dashboard in {tmp_path.resolve()}" in capsys.readouterr().err
