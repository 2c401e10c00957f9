"""The demo password is never served on the network unless asked, and always warned about."""

from pathlib import Path

import pytest

import main
from costwatch.config import DEMO_ADMIN_PASSWORD, Settings
from costwatch.startup import prepare_database


def settings_for(tmp_path: Path, password: str, **extra: object) -> Settings:
    return Settings(
        env="test",
        data_dir=tmp_path,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}",
        admin_password=password,
        jwt_secret="s" * 40,
        **extra,  # type: ignore[arg-type]
    )


async def test_prepare_database_says_whether_the_demo_password_is_in_use(tmp_path: Path) -> None:
    assert await prepare_database(settings_for(tmp_path / "a", DEMO_ADMIN_PASSWORD)) is True
    assert await prepare_database(settings_for(tmp_path / "b", "plum quartz lantern")) is False


@pytest.mark.parametrize(
    ("host", "allowed", "refused"),
    [
        ("127.0.0.1", False, False),
        ("::1", False, False),
        ("localhost", False, False),
        ("0.0.0.0", False, True),  # noqa: S104 - the address under test
        ("192.0.2.4", False, True),
        ("0.0.0.0", True, False),  # noqa: S104
    ],
)
def test_the_demo_password_stays_on_loopback_unless_allowed(
    tmp_path: Path, host: str, allowed: bool, refused: bool
) -> None:
    settings = settings_for(tmp_path, DEMO_ADMIN_PASSWORD, allow_demo_password_on_network=allowed)
    problem = main.demo_password_problem(host, settings)
    assert (problem is not None) == refused
    if problem:
        assert "COSTWATCH_ALLOW_DEMO_PASSWORD_ON_NETWORK" in problem


def test_main_refuses_to_serve_the_demo_password_on_all_addresses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COSTWATCH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COSTWATCH_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")
    monkeypatch.delenv("COSTWATCH_ADMIN_PASSWORD", raising=False)
    monkeypatch.delenv("COSTWATCH_ALLOW_DEMO_PASSWORD_ON_NETWORK", raising=False)
    assert main.main(["--host", "0.0.0.0"]) == 2  # noqa: S104
    assert "Refusing to serve the demo password" in capsys.readouterr().err
