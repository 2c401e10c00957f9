"""Fixtures: one migrated database and one app per test session; each test is rolled back.

The suite runs on SQLite in memory by default and on MySQL/MariaDB when
``COSTWATCH_TEST_DATABASE_URL`` is set (``.ci/run`` does both).

A test meets the database in one of two ways:

* Rolled back (the default). ``connection`` opens a transaction; the app's sessions and the
  test's own (``sessions``) each work in a savepoint of it, so a commit or a rollback of a
  request behaves as in production, and the whole transaction is rolled back after the test:
  nothing is ever committed, nothing needs deleting. Requests of such a test go one at a time
  (they share one connection).
* Committed. A test that asks for ``engine`` gets the real database, for what one transaction
  cannot show: several connections at once (``concurrent_client``), separate apps sharing a
  database (replicas), commits seen from elsewhere. Its ``anon``/``client``/``admin`` use the
  engine too, and every row it leaves is deleted after it.

Tests that open engines of their own (migrations, start-up) use files under ``tmp_path`` or a
scratch database that they drop.
"""

import os
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import cast

import httpx
import pytest
from alembic import command
from fastapi import FastAPI
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import Connection, delete, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from starlette.types import ASGIApp, Receive, Scope, Send

from costwatch import clock
from costwatch.app import create_app
from costwatch.auth import security
from costwatch.auth.security import create_token
from costwatch.config import Settings
from costwatch.db.engine import make_engine
from costwatch.db.session import make_sessionmaker
from costwatch.fx.ecb import bundled_rates
from costwatch.http_cache import ResponseCacheMiddleware
from costwatch.migrate import LOCK_TABLE, alembic_config, upgrade_to_head
from costwatch.models import Base
from costwatch.models.admin_user import AdminUser
from tests import factories

TEST_URL = os.environ.get("COSTWATCH_TEST_DATABASE_URL") or "sqlite+aiosqlite://"
IS_MYSQL = TEST_URL.startswith(("mysql", "mariadb"))
JWT_SECRET = "test-secret-" + "x" * 40
ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "correct horse battery"
TODAY = date(2025, 7, 15)
# Rows the migrations insert: kept when a committed test's rows are deleted.
MIGRATION_TABLES = ("service_category", "data_version", "scheduler_lease")

# Argon2 as configured costs a quarter of a second of CPU per hash or check, on purpose; the
# suite checks passwords a few hundred times. It runs Argon2 with the smallest parameters
# instead: the same code, the same hashes and checks, only cheaper. The production hasher is
# kept here, and tests/auth/test_security.py checks its parameters.
PRODUCTION_HASHER = security._hasher
PRODUCTION_DUMMY_HASH = security._DUMMY_HASH
FAST_HASHER = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=8, parallelism=1),))
ADMIN_HASH = FAST_HASHER.hash(ADMIN_PASSWORD)

Bind = AsyncConnection | AsyncEngine


def pytest_configure(config: pytest.Config) -> None:
    """Name the committed tests' marker (``-m committed`` runs just them)."""
    config.addinivalue_line(
        "markers", "committed: the test uses the real database (`engine`), emptied after it"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in committed mode: those that ask for ``engine``, directly or not."""
    for item in items:
        if "engine" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.committed)


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> Iterator[None]:
    """Every hash and check of the run uses ``FAST_HASHER`` (see above)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(security, "_hasher", FAST_HASHER)
        patch.setattr(security, "_DUMMY_HASH", FAST_HASHER.hash("not-a-password-anyone-uses"))
        yield


def drop_everything(connection: Connection) -> None:
    """Remove every table, including Alembic's version table, children first."""
    Base.metadata.drop_all(connection)
    connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    connection.execute(text(f"DROP TABLE IF EXISTS {LOCK_TABLE}"))


def migrate(connection: Connection, revision: str = "head", *, down: bool = False) -> None:
    """Run Alembic through an open connection (an in-memory database lives only in it)."""
    config = alembic_config()
    config.attributes["connection"] = connection
    if down:
        command.downgrade(config, revision)
    else:
        command.upgrade(config, revision)


async def empty_tables(engine: AsyncEngine) -> None:
    """Delete every row but those the migrations insert."""
    async with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in MIGRATION_TABLES:
                await connection.execute(delete(table))


async def tables_with_rows(engine: AsyncEngine) -> list[str]:
    """Tables holding rows that no migration inserted."""
    async with engine.connect() as connection:
        return [
            table.name
            for table in Base.metadata.sorted_tables
            if table.name not in MIGRATION_TABLES
            and (await connection.execute(select(func.count()).select_from(table))).scalar_one()
        ]


@pytest.fixture(scope="session")
async def database() -> AsyncIterator[AsyncEngine]:
    """The test database, migrated to head once per run; left as empty as it was found."""
    engine = make_engine(TEST_URL)
    async with engine.begin() as connection:
        await connection.run_sync(drop_everything)
        await connection.run_sync(migrate)
    yield engine
    # A test that committed without asking for ``engine`` would show here.
    leftovers = await tables_with_rows(engine)
    await engine.dispose()
    assert not leftovers, f"rows committed by a test and never deleted: {leftovers}"


@pytest.fixture
async def engine(database: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    """The database itself, for tests whose writes must really be committed (see above).

    Asking for it puts the whole test in committed mode; the rows it leaves are deleted after.
    """
    yield database
    await empty_tables(database)


@pytest.fixture
async def connection(
    request: pytest.FixtureRequest, database: AsyncEngine
) -> AsyncIterator[AsyncConnection]:
    """A connection inside a transaction that is rolled back after the test."""
    if "engine" in request.fixturenames:
        raise pytest.UsageError("a test uses either `engine` (committed) or `connection`")
    async with database.connect() as connection:
        transaction = await connection.begin()
        try:
            yield connection
        finally:
            if transaction.is_active:
                await transaction.rollback()


@pytest.fixture
def bind(request: pytest.FixtureRequest) -> Bind:
    """What the test's app and sessions use: ``engine`` if the test asked for it, else
    ``connection``."""
    name = "engine" if "engine" in request.fixturenames else "connection"
    return cast(Bind, request.getfixturevalue(name))


def sessionmaker_for(bind: Bind) -> async_sessionmaker[AsyncSession]:
    """The app's kind of sessions; on a connection, each one in a savepoint of its transaction.

    A session's commit then releases its savepoint and its rollback returns to it, while the
    connection's own transaction stays open for the next session (and the final rollback).
    """
    if isinstance(bind, AsyncEngine):
        return make_sessionmaker(bind)
    factory = make_sessionmaker(bind.engine)
    factory.configure(bind=bind, join_transaction_mode="create_savepoint")
    return factory


@pytest.fixture
def sessions(bind: Bind) -> async_sessionmaker[AsyncSession]:
    """Sessions for a test's own queries, seeing (and seen by) what its requests do."""
    return sessionmaker_for(bind)


class ConnectionAsEngine:
    """The test's connection, where ``/health`` and ``/ready`` ask the engine for one.

    A second connection would not do: SQLite in memory has only the one (``StaticPool``), and
    returning a checkout to the pool rolls back what it is in.
    """

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[AsyncConnection]:
        """The connection, left open."""
        yield self.connection


def use_database(app: FastAPI, bind: Bind) -> None:
    """Point the app at the test's database, with nothing kept from an earlier test.

    The app's sessions (its response cache's token check among them) and its health checks
    use ``bind``; the middleware stack is built again on the next request, so the response cache
    starts empty (answers of an earlier test at the same data version would be wrong here).
    """
    app.state.sessionmaker = sessionmaker_for(bind)
    app.state.engine = bind if isinstance(bind, AsyncEngine) else ConnectionAsEngine(bind)
    app.middleware_stack = None


def cache_middleware(app: FastAPI) -> ResponseCacheMiddleware:
    """The app's response cache, as built for the current test (building it if need be)."""
    if app.middleware_stack is None:
        app.middleware_stack = app.build_middleware_stack()
    layer: object = app.middleware_stack
    while layer is not None and not isinstance(layer, ResponseCacheMiddleware):
        layer = getattr(layer, "app", None)
    assert isinstance(layer, ResponseCacheMiddleware), "the app has no response cache"
    return layer


class PastTheCache:
    """The app behind the response cache, noting the path of every request that gets to it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.paths: list[str] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Note the path, then let the routes answer."""
        if scope["type"] == "http":
            self.paths.append(scope["path"])
        await self.app(scope, receive, send)


@pytest.fixture
def reached(app: FastAPI, client: httpx.AsyncClient) -> list[str]:
    """Paths of the requests that the response cache let through to the routes, in order.

    A request answered from the cache is not there: no route ran for it.
    """
    cache = cache_middleware(app)
    behind = PastTheCache(cache.app)
    cache.app = behind
    return behind.paths


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


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for a test app, independent of the environment."""
    return Settings(
        env="test",
        data_dir=tmp_path_factory.mktemp("data"),
        database_url=TEST_URL,
        jwt_secret=JWT_SECRET,
        admin_email=ADMIN_EMAIL,
        admin_password=ADMIN_PASSWORD,
        # The deadline is tested on its own (test_resilience, the fault test); here a loaded
        # machine must not turn a slow request into a 503.
        request_deadline_seconds=60,
    )


@pytest.fixture(scope="session")
def app(settings: Settings, database: AsyncEngine) -> FastAPI:
    """One app for the run: FastAPI resolves an app's routes on its first request, which costs
    more than most tests. Each test points it at its own database with ``use_database``."""
    # The app computes the bundled exchange rates at start (lifespan), which the test transport
    # does not run: computed here once, not inside the first report's 4.5 s deadline.
    bundled_rates(settings.reporting_currency)
    return create_app(settings, database)


@pytest.fixture
async def anon(app: FastAPI, bind: Bind) -> AsyncIterator[httpx.AsyncClient]:
    """A client without a token."""
    use_database(app, bind)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@pytest.fixture
async def admin(bind: Bind) -> AdminUser:
    """The admin user, stored."""
    admin = AdminUser(id=1, email=ADMIN_EMAIL, password_hash=ADMIN_HASH, token_version=0)
    statement = insert(AdminUser).values(
        id=admin.id, email=admin.email, password_hash=admin.password_hash, token_version=0
    )
    if isinstance(bind, AsyncEngine):
        async with bind.begin() as connection:
            await connection.execute(statement)
    else:
        await bind.execute(statement)
    return admin


@pytest.fixture
def token(admin: AdminUser) -> str:
    """A valid token for the admin."""
    return create_token(user_id=admin.id, version=0, secret=JWT_SECRET, minutes=60)


@pytest.fixture
async def client(
    app: FastAPI, bind: Bind, anon: httpx.AsyncClient, token: str
) -> httpx.AsyncClient:
    """A client signed in as the admin (the same object as ``anon``, with a token)."""
    anon.headers["Authorization"] = f"Bearer {token}"
    # The category ids are read once per run, before the test starts: the test's own requests
    # then begin with an empty response cache, whichever test happens to run first.
    await factories.category_ids(anon)
    use_database(app, bind)
    return anon


@pytest.fixture
async def categories(client: httpx.AsyncClient) -> dict[str, int]:
    """Category ids by code (and display name), as ``GET /categories`` gives them."""
    return await factories.category_ids(client)


@pytest.fixture
async def concurrent_client(
    settings: Settings, engine: AsyncEngine, tmp_path: Path
) -> AsyncIterator[tuple[httpx.AsyncClient, AsyncEngine]]:
    """A signed-in client whose app has a database that takes concurrent connections.

    On MySQL/MariaDB the suite's database (committed, emptied after); on SQLite a migrated
    file of its own, since the in-memory database lives in one shared connection.
    """
    own = None
    if not IS_MYSQL:
        own = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'concurrent.db'}")
        await upgrade_to_head(own)
    used = own or engine
    async with used.begin() as connection:
        await connection.execute(
            insert(AdminUser).values(
                id=1, email=ADMIN_EMAIL, password_hash=ADMIN_HASH, token_version=0
            )
        )
    app = create_app(settings, used)
    token = create_token(user_id=1, version=0, secret=JWT_SECRET, minutes=60)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://test", headers={"Authorization": f"Bearer {token}"}
    ) as client:
        await factories.load_category_ids(client)
        yield client, used
    if own is not None:
        await own.dispose()
