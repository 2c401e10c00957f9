"""Settings, read once from ``COSTWATCH_*`` environment variables and checked at start."""

import base64
import os
import secrets
import stat
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Literal

import pycountry
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEMO_ADMIN_EMAIL = "admin@example.com"
DEMO_ADMIN_PASSWORD = "costwatch-demo"  # noqa: S105 - documented demo login, refused in production
DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
_WEAK_SECRETS = {"secret", "changeme", "change-me", "costwatch", "jwt-secret", "password"}
_MIN_DISTINCT_SECRET_CHARS = 10
_SUPPORTED_DRIVERS = {"sqlite+aiosqlite", "mysql+asyncmy", "mariadb+asyncmy"}


def _looks_weak(secret: str) -> bool:
    """A known weak word, or few distinct characters ("a" * 40, "changeme" * 4).

    Length alone lets a repeated word through; a generated key (hex, base64) uses 16 or more
    distinct characters, a repeated word rarely more than 9.
    """
    return secret.lower() in _WEAK_SECRETS or len(set(secret)) < _MIN_DISTINCT_SECRET_CHARS


class ConfigError(RuntimeError):
    """A setting is missing or unsafe; the message says which variable to set."""


class Settings(BaseSettings):
    """Every setting of the server. See the README's Configuration section."""

    model_config = SettingsConfigDict(env_prefix="COSTWATCH_", extra="ignore")

    env: Literal["development", "production", "test"] = "development"
    data_dir: Path = DEFAULT_DATA_DIR
    database_url: str = ""
    jwt_secret: str = ""
    admin_email: str = DEMO_ADMIN_EMAIL
    admin_password: str = Field(default=DEMO_ADMIN_PASSWORD, repr=False)
    token_minutes: int = Field(default=720, ge=1, le=60 * 24 * 30)
    cors_origins: list[str] = Field(default_factory=list)
    sql_echo: bool = False
    workers: int | None = Field(default=None, ge=1, le=64)
    log_format: Literal["json", "text"] | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # Addresses whose X-Forwarded-For/-Proto headers are trusted (the reverse proxy).
    forwarded_allow_ips: str = "127.0.0.1"
    # Serve the demo password on an address other than loopback anyway (Replit's preview).
    allow_demo_password_on_network: bool = False
    # The largest request body the API reads (uploads get their own, larger limit).
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024, le=1024**3)
    # The largest upload (a CSV import), streamed to a temporary file: 5 GB by default.
    max_upload_bytes: int = Field(default=5 * 1024**3, ge=1024, le=1024**5)
    # No request waits longer than this for its answer (503 with Retry-After past it).
    request_deadline_seconds: float = Field(default=4.5, ge=0.5, le=300)
    # Fernet keys (comma-separated) that encrypt provider credentials: the first encrypts,
    # every one decrypts, so a new key can be put first and the old ones retired later.
    encryption_keys: str = Field(default="", repr=False)
    # How often each enabled provider connection is synced.
    sync_interval_minutes: int = Field(default=60, ge=1, le=60 * 24 * 7)
    # The periodic work (syncs) runs in one process of the deployment at a time; off in tests.
    scheduler: bool = True
    scheduler_tick_seconds: float = Field(default=30.0, ge=0.5, le=3600)

    # Every report speaks this currency (ISO 4217); others are converted with monthly rates.
    reporting_currency: str = "USD"

    # The SMTP server that sends email notifications (none configured: email channels fail
    # with a message saying so). Port by default: 587 for starttls, 465 for tls, 25 for none.
    smtp_host: str = ""
    smtp_port: int | None = Field(default=None, ge=1, le=65535)
    smtp_user: str = ""
    smtp_password: str = Field(default="", repr=False)
    smtp_from: str = "costwatch@localhost"
    smtp_security: Literal["starttls", "tls", "none"] = "starttls"
    # A notification is tried this many times (on network errors, 5xx and 429), waiting
    # ``notify_backoff_seconds`` x 2^n between tries; each try waits at most the timeout.
    notify_attempts: int = Field(default=3, ge=1, le=10)
    notify_backoff_seconds: float = Field(default=1.0, ge=0, le=60)
    notify_timeout_seconds: float = Field(default=10.0, gt=0, le=120)

    # The alert rules run every ``alert_interval_seconds`` (in the scheduler's process), and a
    # few seconds after any write when ``alert_after_writes`` (one process at a time).
    alert_interval_seconds: int = Field(default=300, ge=10, le=24 * 3600)
    alert_after_writes: bool = True
    alert_after_write_delay_seconds: float = Field(default=2.0, ge=0, le=600)
    # ``runway``: a prepaid balance that runs out within this many days.
    runway_alert_days: int = Field(default=14, ge=1, le=365)
    # ``low_balance``: a balance under this percent of its last top-up.
    low_balance_alert_percent: int = Field(default=20, ge=1, le=100)
    # ``commitment``: days before an annual commitment ends when a reminder goes out (each
    # window once), comma-separated.
    commitment_notice_days: str = "90,30,7"
    # ``anomaly``: a day or month above median + k x the robust spread of the service's own
    # history (see costwatch/alerts/rules.py).
    anomaly_k: Decimal = Field(default=Decimal(4), ge=1, le=100)

    @field_validator("commitment_notice_days")
    @classmethod
    def _check_notice_days(cls, value: str) -> str:
        try:
            days = sorted({int(part) for part in value.split(",") if part.strip()}, reverse=True)
        except ValueError:
            days = []
        if not days or any(day < 1 or day > 3650 for day in days):
            raise ValueError(
                "COSTWATCH_COMMITMENT_NOTICE_DAYS must be whole days (1-3650) separated by"
                f" commas, such as 90,30,7 (got {value!r})"
            )
        return ",".join(str(day) for day in days)

    @property
    def notice_windows(self) -> list[int]:
        """The commitment notice windows in days, widest first."""
        return [int(day) for day in self.commitment_notice_days.split(",")]

    @field_validator("reporting_currency")
    @classmethod
    def _check_currency(cls, value: str) -> str:
        code = value.strip().upper()
        if len(code) != 3 or not code.isascii() or pycountry.currencies.get(alpha_3=code) is None:
            raise ValueError(
                f"COSTWATCH_REPORTING_CURRENCY must be an ISO 4217 code such as USD (got {value!r})"
            )
        return code

    @field_validator("database_url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        if not value:
            return value
        try:
            url = make_url(value)
        except ArgumentError as exc:
            raise ValueError(f"COSTWATCH_DATABASE_URL is not a database URL: {exc}") from exc
        if url.drivername not in _SUPPORTED_DRIVERS:
            raise ValueError(
                "COSTWATCH_DATABASE_URL must start with sqlite+aiosqlite:// or mysql+asyncmy://"
                f" (got {url.drivername}://)"
            )
        return value

    @model_validator(mode="after")
    def _check_production(self) -> "Settings":
        if self.env != "production":
            return self
        problems = []
        if len(self.jwt_secret) < 32 or _looks_weak(self.jwt_secret):
            problems.append(
                "COSTWATCH_JWT_SECRET must be set to a random string of 32 characters or more"
                " (for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        if self.admin_password == DEMO_ADMIN_PASSWORD or len(self.admin_password) < 12:
            problems.append(
                "COSTWATCH_ADMIN_PASSWORD must be set to a password of 12 characters or more"
                " (the demo password is refused in production)"
            )
        if not self.encryption_keys.strip():
            problems.append(
                "COSTWATCH_ENCRYPTION_KEYS must be set to one or more Fernet keys, comma-separated"
                " (for example: python -c 'from cryptography.fernet import Fernet;"
                " print(Fernet.generate_key().decode())')"
            )
        if self.admin_email == DEMO_ADMIN_EMAIL:
            problems.append("COSTWATCH_ADMIN_EMAIL must be set to the admin's real address")
        if problems:
            raise ValueError("production mode: " + "; ".join(problems))
        return self

    @property
    def effective_workers(self) -> int:
        """Server processes: as configured, else one per core in production and one otherwise."""
        if self.workers:
            return self.workers
        return max(os.cpu_count() or 1, 1) if self.env == "production" else 1

    @property
    def effective_log_format(self) -> Literal["json", "text"]:
        """JSON lines in production (for a log collector), readable text otherwise."""
        return self.log_format or ("json" if self.env == "production" else "text")

    @cached_property
    def effective_database_url(self) -> str:
        """The URL to connect to: the configured one, or a SQLite file in the data folder."""
        if self.database_url:
            url = make_url(self.database_url)
            if url.drivername.startswith("sqlite") and url.database not in (None, "", ":memory:"):
                _private_file(Path(url.database))
            return self.database_url
        path = self.data_dir / "costwatch.db"
        _private_dir(self.data_dir)
        _private_file(path)
        return f"sqlite+aiosqlite:///{path}"

    @cached_property
    def effective_jwt_secret(self) -> str:
        """The token key: the configured one, or one generated once and kept in the data folder."""
        if self.jwt_secret:
            return self.jwt_secret
        path = self.data_dir / "jwt-secret"
        if path.exists():
            return path.read_text().strip()
        _private_dir(self.data_dir)
        secret = secrets.token_urlsafe(48)
        # Created with owner-only permissions: the key signs every admin token.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secret)
        return secret

    @cached_property
    def effective_encryption_keys(self) -> list[str]:
        """The credential keys: the configured ones, or one generated once in the data folder."""
        if self.encryption_keys.strip():
            return [key.strip() for key in self.encryption_keys.split(",") if key.strip()]
        path = self.data_dir / "encryption-key"
        if path.exists():
            return [path.read_text().strip()]
        _private_dir(self.data_dir)
        # A Fernet key is 32 random bytes, URL-safe base64 (what Fernet.generate_key() makes).
        key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        return [key]


def _private_dir(path: Path) -> None:
    """Create the data folder readable by its owner only (it holds the data and the key).

    An existing folder with the sticky bit (``/tmp``) is shared by every user of the machine:
    it is used as it is, never narrowed (0700 on ``/tmp`` breaks every other program).
    """
    created = not path.exists()
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if created or not path.stat().st_mode & stat.S_ISVTX:
        path.chmod(0o700)


def _private_file(path: Path) -> None:
    """Create the SQLite file (and its folder) readable by its owner only.

    SQLite gives its -wal and -shm files the permissions of the database file. A folder that
    already exists is the user's choice and keeps its permissions; a new one is private.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    path.chmod(0o600)


def load_settings() -> Settings:
    """Read the settings, turning validation errors into one clear ``ConfigError``."""
    try:
        return Settings()
    except ValueError as exc:
        raise ConfigError(f"CostWatch cannot start: {exc}") from exc
