"""Settings: fail fast on unsafe production settings and bad URLs; defaults in the data dir."""

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from costwatch.config import (
    DEMO_ADMIN_EMAIL,
    DEMO_ADMIN_PASSWORD,
    ConfigError,
    Settings,
    load_settings,
)

STRONG_SECRET = "kR3v9-Xq_T2mZp8LwY4bN6cF1hJ0sD5gA7eU"  # 36 characters, many distinct
SAFE_PRODUCTION = {
    "COSTWATCH_ENV": "production",
    "COSTWATCH_JWT_SECRET": STRONG_SECRET,
    "COSTWATCH_ADMIN_EMAIL": "ops@corp.example",
    "COSTWATCH_ADMIN_PASSWORD": "a-real-password-2025",
    "COSTWATCH_ENCRYPTION_KEYS": "ZmDfcTF7_60GrrY167zsiPd67pEvs0aGOv2oasOM1Pg=",
}


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[..., None]:
    """A clean COSTWATCH_* environment with the data dir in a temporary folder."""
    for name in list(os.environ):
        if name.upper().startswith("COSTWATCH_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("COSTWATCH_DATA_DIR", str(tmp_path))

    def set_vars(**values: str | None) -> None:
        for name, value in values.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)

    return set_vars


class TestProductionMode:
    def test_safe_settings_load(self, env: Callable[..., None]) -> None:
        env(**SAFE_PRODUCTION)

        settings = load_settings()

        assert settings.env == "production"
        assert settings.effective_jwt_secret == STRONG_SECRET
        assert settings.admin_email == "ops@corp.example"

    @pytest.mark.parametrize(
        "secret",
        [
            None,
            "",
            "short-secret",
            "x" * 31,
            "secret",
            "changeme",
            "a" * 40,
            "changeme" * 5,
            "password" * 4,
        ],
        ids=[
            "missing",
            "empty",
            "short",
            "31-chars",
            "secret",
            "changeme",
            "one-char-repeated",
            "changeme-repeated",
            "password-repeated",
        ],
    )
    def test_missing_short_or_weak_jwt_secret_is_refused(
        self, env: Callable[..., None], secret: str | None
    ) -> None:
        env(**{**SAFE_PRODUCTION, "COSTWATCH_JWT_SECRET": secret})

        with pytest.raises(ConfigError, match="COSTWATCH_JWT_SECRET"):
            load_settings()

    @pytest.mark.parametrize(
        "secret",
        [
            "0123456789abcdef" * 4,  # like `openssl rand -hex 32`
            "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdo",
        ],
        ids=["hex", "base64"],
    )
    def test_generated_looking_secrets_are_accepted(
        self, env: Callable[..., None], secret: str | None
    ) -> None:
        env(**{**SAFE_PRODUCTION, "COSTWATCH_JWT_SECRET": secret})

        assert load_settings().jwt_secret == secret

    @pytest.mark.parametrize(
        "password", [None, DEMO_ADMIN_PASSWORD, "short-pw"], ids=["default", "demo", "short"]
    )
    def test_demo_or_short_admin_password_is_refused(
        self, env: Callable[..., None], password: str | None
    ) -> None:
        env(**{**SAFE_PRODUCTION, "COSTWATCH_ADMIN_PASSWORD": password})

        with pytest.raises(ConfigError, match="COSTWATCH_ADMIN_PASSWORD"):
            load_settings()

    @pytest.mark.parametrize("email", [None, DEMO_ADMIN_EMAIL], ids=["default", "demo"])
    def test_demo_admin_email_is_refused(self, env: Callable[..., None], email: str | None) -> None:
        env(**{**SAFE_PRODUCTION, "COSTWATCH_ADMIN_EMAIL": email})

        with pytest.raises(ConfigError, match="COSTWATCH_ADMIN_EMAIL"):
            load_settings()

    def test_every_problem_is_named_at_once(self, env: Callable[..., None]) -> None:
        env(COSTWATCH_ENV="production")

        with pytest.raises(ConfigError) as caught:
            load_settings()

        message = str(caught.value)
        assert "COSTWATCH_JWT_SECRET" in message
        assert "COSTWATCH_ADMIN_PASSWORD" in message
        assert "COSTWATCH_ADMIN_EMAIL" in message
        assert "COSTWATCH_ENCRYPTION_KEYS" in message
        assert "production" in message

    @pytest.mark.parametrize("mode", ["development", "test"])
    def test_other_modes_accept_the_demo_defaults(
        self, env: Callable[..., None], mode: str
    ) -> None:
        env(COSTWATCH_ENV=mode)

        settings = load_settings()

        assert settings.admin_email == DEMO_ADMIN_EMAIL
        assert settings.admin_password == DEMO_ADMIN_PASSWORD
        assert len(settings.effective_jwt_secret) >= 32

    def test_default_mode_is_development(self, env: Callable[..., None]) -> None:
        assert load_settings().env == "development"

    def test_an_unknown_mode_is_a_config_error(self, env: Callable[..., None]) -> None:
        env(COSTWATCH_ENV="prod")

        with pytest.raises(ConfigError, match="env"):
            load_settings()


class TestDatabaseUrl:
    @pytest.mark.parametrize(
        "url",
        ["not a url", "://nothing", "sqlite:///plain-sync.db", "postgresql+asyncpg://u:p@h/db"],
        ids=["garbage", "no-scheme", "sync-driver", "unsupported-database"],
    )
    def test_bad_url_gives_a_clear_error(self, env: Callable[..., None], url: str) -> None:
        env(COSTWATCH_DATABASE_URL=url)

        with pytest.raises(ConfigError, match="COSTWATCH_DATABASE_URL") as caught:
            load_settings()

        assert str(caught.value).startswith("CostWatch cannot start")

    @pytest.mark.parametrize(
        "url",
        [
            "sqlite+aiosqlite:///costwatch.db",
            "mysql+asyncmy://user:pw@db.example:3306/costwatch",
            "mariadb+asyncmy://user:pw@db.example/costwatch",
        ],
    )
    def test_supported_urls_are_used_as_given(
        self, env: Callable[..., None], url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.chdir(tmp_path)  # the relative SQLite file is created here, not in the repo
        env(COSTWATCH_DATABASE_URL=url)

        assert load_settings().effective_database_url == url

    def test_default_is_a_sqlite_file_in_the_data_dir(
        self, env: Callable[..., None], tmp_path: Path
    ) -> None:
        data_dir = tmp_path / "nested" / "data"
        env(COSTWATCH_DATA_DIR=str(data_dir))

        url = make_url(load_settings().effective_database_url)

        assert url.drivername == "sqlite+aiosqlite"
        assert url.database == str(data_dir / "costwatch.db")
        assert data_dir.is_dir()


class TestGeneratedJwtSecret:
    def test_written_once_with_owner_only_permissions(
        self, env: Callable[..., None], tmp_path: Path
    ) -> None:
        settings = load_settings()

        secret = settings.effective_jwt_secret

        path = tmp_path / "jwt-secret"
        assert path.read_text().strip() == secret
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert len(secret) >= 32

    def test_reused_by_the_next_start(self, env: Callable[..., None], tmp_path: Path) -> None:
        first = load_settings().effective_jwt_secret
        written = (tmp_path / "jwt-secret").stat().st_mtime_ns

        second = load_settings().effective_jwt_secret

        assert second == first
        assert (tmp_path / "jwt-secret").stat().st_mtime_ns == written

    def test_each_data_dir_gets_its_own_secret(self, tmp_path: Path) -> None:
        one = Settings(data_dir=tmp_path / "one").effective_jwt_secret
        two = Settings(data_dir=tmp_path / "two").effective_jwt_secret

        assert one != two
        assert (tmp_path / "one" / "jwt-secret").exists()

    def test_a_configured_secret_writes_no_file(
        self, env: Callable[..., None], tmp_path: Path
    ) -> None:
        env(COSTWATCH_JWT_SECRET=STRONG_SECRET)

        assert load_settings().effective_jwt_secret == STRONG_SECRET
        assert not (tmp_path / "jwt-secret").exists()


class TestEncryptionKeys:
    def test_production_needs_them(self, env: Callable[..., None]) -> None:
        env(**{**SAFE_PRODUCTION, "COSTWATCH_ENCRYPTION_KEYS": None})

        with pytest.raises(ConfigError, match="COSTWATCH_ENCRYPTION_KEYS"):
            load_settings()

    def test_generated_once_into_the_data_folder_in_development(
        self, env: Callable[..., None], tmp_path: Path
    ) -> None:
        first = load_settings().effective_encryption_keys
        second = load_settings().effective_encryption_keys

        path = tmp_path / "encryption-key"
        assert first == second == [path.read_text().strip()]
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert len(first[0]) == 44  # 32 bytes, URL-safe base64

    def test_configured_keys_are_split_and_write_no_file(
        self, env: Callable[..., None], tmp_path: Path
    ) -> None:
        env(COSTWATCH_ENCRYPTION_KEYS=" new-key , old-key ,")

        assert load_settings().effective_encryption_keys == ["new-key", "old-key"]
        assert not (tmp_path / "encryption-key").exists()


def test_the_data_folder_and_sqlite_file_are_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    settings = Settings(env="test", data_dir=data)
    url = settings.effective_database_url
    assert url.endswith("/data/costwatch.db")
    assert settings.effective_jwt_secret
    assert (data.stat().st_mode & 0o777) == 0o700
    assert ((data / "costwatch.db").stat().st_mode & 0o777) == 0o600
    assert ((data / "jwt-secret").stat().st_mode & 0o777) == 0o600
    # A folder left world-readable by an older version is tightened too.
    data.chmod(0o755)
    (data / "costwatch.db").chmod(0o644)
    assert Settings(env="test", data_dir=data).effective_database_url == url
    assert (data.stat().st_mode & 0o777) == 0o700
    assert ((data / "costwatch.db").stat().st_mode & 0o777) == 0o600


class TestReportingCurrency:
    def test_default_is_usd(self, env: Callable[..., None]) -> None:
        assert load_settings().reporting_currency == "USD"

    def test_any_iso_code_in_any_case(self, env: Callable[..., None]) -> None:
        env(COSTWATCH_REPORTING_CURRENCY=" chf ")
        assert load_settings().reporting_currency == "CHF"

    @pytest.mark.parametrize("code", ["ABC", "EURO", "", "€"])
    def test_a_wrong_code_stops_the_start(self, env: Callable[..., None], code: str) -> None:
        env(COSTWATCH_REPORTING_CURRENCY=code)
        with pytest.raises(ConfigError, match="COSTWATCH_REPORTING_CURRENCY"):
            load_settings()


def test_a_shared_folder_is_never_narrowed(tmp_path: Path) -> None:
    # Like /tmp: world-writable with the sticky bit. Narrowing it would break the machine.
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    settings = Settings(env="test", data_dir=shared)
    assert settings.effective_jwt_secret
    assert (shared.stat().st_mode & 0o7777) == 0o1777
    # A SQLite file named in an existing folder: the file is private, the folder untouched.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o755)
    url = f"sqlite+aiosqlite:///{elsewhere / 'cw.db'}"
    assert Settings(env="test", data_dir=tmp_path / "d", database_url=url).effective_database_url
    assert (elsewhere.stat().st_mode & 0o777) == 0o755
    assert ((elsewhere / "cw.db").stat().st_mode & 0o777) == 0o600
