"""Fixtures: one migrated database per test session, emptied after every test.

The suite runs on SQLite in memory by default and on MySQL/MariaDB when
``COSTWATCH_TEST_DATABASE_URL`` is set (``.ci/run`` does both).
"""

import os
from collections.abc import AsyncIterator, Callable
from datetime import date
from typing import Any

import httpx
import pytest
from alembic import command
from sqlalchemy import Connection, delete, text
from sqlalchemy.ext.asyncio import AsyncEngine

from costwatch import clock
from costwatch.app import create_app
from costwatch.auth.security import create_token, hash_password
from costwatch.config import Settings
from costwatch.db.engine import make_engine
from costwatch.migrate import alembic_config, upgrade_to_head
from costwatch.models import Base
from costwatch.models.admin_user import AdminUser

TEST_URL = os.environ.get("COSTWATCH_TEST_DATABASE_URL") or "sqlite+aiosqlite://"
IS_MYSQL = TEST_URL.startswith(("mysql", "mariadb"))
JWT_SECRET = "test-secret-" + "x" * 40
ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "correct horse battery"
# Hashing with Argon2 is slow on purpose: hash once for the whole run.
ADMIN_HASH = hash_password(ADMIN_PASSWORD)
TODAY = date(2025, 7, 15)


def drop_everything(connection: Connection) -> None:
    """Remove every table, including Alembic's version table, children first."""
    Base.metadata.drop_all(connection)
    connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def migrate(connection: Connection, revision: str = "head", *, down: bool = False) -> None:
    """Run Alembic through an open connection (an in-memory database lives only in it)."""
    config = alembic_config()
    config.attributes["connection"] = connection
    if down:
        command.downgrade(config, revision)
    else:
        command.upgrade(config, revision)


@pytest.fixture(scope="session")
async def engine() -> AsyncIterator[AsyncEngine]:
    """The test database, migrated to head once."""
    engine = make_engine(TEST_URL)
    async with engine.begin() as connection:
        await connection.run_sync(drop_everything)
        await connection.run_sync(migrate)
    yield engine
    await engine.dispose()


@pytest.fixture(autouse=True)
async def _empty_tables(engine: AsyncEngine) -> AsyncIterator[None]:
    """Each test starts with no rows but those the migrations insert (categories, data version)."""
    yield
    async with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in ("service_category", "data_version"):
                await connection.execute(delete(table))


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> date:
    """Freeze the server's date at 2025-07-15 so reports are predictable."""
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return TODAY


@pytest.fixture
def set_today(monkeypatch: pytest.MonkeyPatch) -> Callable[[date], None]:
    """Move the server's date inside a test."""

    def move(value: date) -> None:
        monkeypatch.setattr(clock, "today", lambda: value)

    return move


@pytest.fixture
def settings(tmp_path: Any) -> Settings:
    """Settings for a test app, independent of the environment."""
    return Settings(
        env="test",
        data_dir=tmp_path,
        database_url=TEST_URL,
        jwt_secret=JWT_SECRET,
        admin_email=ADMIN_EMAIL,
        admin_password=ADMIN_PASSWORD,
    )


@pytest.fixture
async def anon(settings: Settings, engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    """A client without a token."""
    app = create_app(settings, engine)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@pytest.fixture
async def admin(engine: AsyncEngine) -> AdminUser:
    """The admin user, stored."""
    async with engine.begin() as connection:
        await connection.execute(
            AdminUser.__table__.insert().values(
                id=1, email=ADMIN_EMAIL, password_hash=ADMIN_HASH, token_version=0
            )
        )
    return AdminUser(id=1, email=ADMIN_EMAIL, password_hash=ADMIN_HASH, token_version=0)


@pytest.fixture
def token(admin: AdminUser) -> str:
    """A valid token for the admin."""
    return create_token(user_id=admin.id, version=0, secret=JWT_SECRET, minutes=60)


@pytest.fixture
async def client(anon: httpx.AsyncClient, token: str) -> httpx.AsyncClient:
    """A client signed in as the admin."""
    anon.headers["Authorization"] = f"Bearer {token}"
    return anon


@pytest.fixture
async def concurrent_client(settings, engine, tmp_path):
    """A signed-in client whose app has a database that takes concurrent connections."""
    own = None
    if not IS_MYSQL:
        own = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'concurrent.db'}")
        await upgrade_to_head(own)
    used = own or engine
    async with used.begin() as connection:
        await connection.execute(
            AdminUser.__table__.insert().values(
                id=1, email=ADMIN_EMAIL, password_hash=ADMIN_HASH, token_version=0
            )
        )
    app = create_app(settings, used)
    token = create_token(user_id=1, version=0, secret=JWT_SECRET, minutes=60)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://test", headers={"Authorization": f"Bearer {token}"}
    ) as client:
        yield client, used
    if own is not None:
        await own.dispose()
