"""Schema migrations at start-up, run once even when several replicas start at the same moment."""

import asyncio
import contextlib
import fcntl
import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from costwatch.db.errors import is_retryable

log = logging.getLogger("costwatch.migrate")


class _NoPrimaryKeyNameNotes(logging.Filter):
    """Drop MySQL's note that it ignores primary key names (our naming convention sets them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "ignored for PRIMARY key" not in record.getMessage()


logging.getLogger("asyncmy").addFilter(_NoPrimaryKeyNameNotes())
BACKEND_DIR = Path(__file__).resolve().parent.parent
LOCK_NAME = "costwatch_migrations"
LOCK_TIMEOUT_SECONDS = 300


def alembic_config(url: str | None = None) -> Config:
    """Alembic's configuration for ``backend/migrations``, optionally for a given URL."""
    config = Config(str(BACKEND_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(BACKEND_DIR / "migrations"))
    config.attributes["configure_logger"] = False
    if url:
        # ConfigParser treats % as interpolation; a password may contain one.
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str:
    """The newest migration in ``backend/migrations``."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "backend/migrations holds no migration"
    return head


def current_revision(connection: Connection) -> str | None:
    """The migration the database is at (``None`` for an empty database)."""
    return MigrationContext.configure(connection).get_current_revision()


def _upgrade(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


@asynccontextmanager
async def migration_lock(engine: AsyncEngine) -> AsyncIterator[None]:
    """Hold a lock that only one process at a time can have, for as long as migrations run.

    MySQL/MariaDB: a lease row in ``costwatch_lock`` (see :func:`_lease`), not ``GET_LOCK``:
    a named lock lives on one server, so on a Galera cluster two replicas connected to two
    nodes would both get it; a row is replicated and certified like any write. SQLite file: an
    exclusive ``flock`` on a file next to the database. An in-memory SQLite database belongs
    to one process: no lock.
    """
    url = engine.url
    if url.get_backend_name() in ("mysql", "mariadb"):
        async with _lease(engine, LOCK_NAME):
            yield
    elif url.database and url.database != ":memory:":
        descriptor = os.open(f"{url.database}.migrate-lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            # flock blocks: wait for it in a thread, not on the event loop.
            await asyncio.to_thread(fcntl.flock, descriptor, fcntl.LOCK_EX)
            yield
        finally:
            os.close(descriptor)  # closing releases the lock
    else:
        yield


# The lease table lives outside the migrations (like alembic_version): it must exist before
# the first migration runs, and it is made the same way on every version of the schema.
LOCK_TABLE = "costwatch_lock"
LEASE_SECONDS = 60  # a holder that died is waited for this long at most
RENEW_SECONDS = 5  # a live holder renews its lease this often
POLL_SECONDS = 0.5
# (The statements name the table literally: LOCK_TABLE is for the tests and the check below.)
_CREATE_LOCK_TABLE = """CREATE TABLE IF NOT EXISTS costwatch_lock (
    name VARCHAR(64) NOT NULL PRIMARY KEY,
    holder VARCHAR(120) NOT NULL,
    expires_at DATETIME(6) NOT NULL
)"""
# The database's clock, not the process's: replicas on several machines agree on it.
_TAKE = text(
    "UPDATE costwatch_lock SET holder = :holder,"
    " expires_at = TIMESTAMPADD(SECOND, :seconds, UTC_TIMESTAMP(6))"
    " WHERE name = :name AND (holder = :holder OR expires_at < UTC_TIMESTAMP(6))"
)
_INSERT = text(
    "INSERT INTO costwatch_lock (name, holder, expires_at)"
    " VALUES (:name, :holder, TIMESTAMPADD(SECOND, :seconds, UTC_TIMESTAMP(6)))"
)
_HOLDER = text("SELECT holder FROM costwatch_lock WHERE name = :name")
_RELEASE = text("DELETE FROM costwatch_lock WHERE name = :name AND holder = :holder")


def not_the_lock_table(name: str | None, type_: str, _: object) -> bool:
    """Alembic's ``include_name``: autogenerate leaves the lease table alone (not a model)."""
    return not (type_ == "table" and name == LOCK_TABLE)


async def _create_lock_table(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        present = await connection.execute(
            text(
                "SELECT 1 FROM information_schema.TABLES"
                " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = :table"
            ),
            {"table": LOCK_TABLE},
        )
        if present.first() is None:  # checked first: IF NOT EXISTS alone logs a note each time
            await connection.execute(text(_CREATE_LOCK_TABLE))


async def take_lease(engine: AsyncEngine, name: str, holder: str) -> bool:
    """Take or renew the lease ``name`` for ``holder``; True when it holds it, committed.

    One transaction: renew or take over an expired lease (UPDATE), or create it (INSERT);
    then read who holds it. Two processes racing on one server are ordered by the row lock;
    on two Galera nodes both may succeed locally, and the second commit fails certification
    (a deadlock error): that one does not hold the lease.
    """
    params = {"name": name, "holder": holder, "seconds": LEASE_SECONDS}
    try:
        async with engine.begin() as connection:
            await connection.execute(_TAKE, params)
            current = (await connection.execute(_HOLDER, params)).scalar_one_or_none()
            if current is None:
                await connection.execute(_INSERT, params)
                current = holder
    except DBAPIError as error:
        if isinstance(error, IntegrityError) or is_retryable(error):
            return False  # another process inserted it, or won the race: not ours
        raise
    return current == holder


@asynccontextmanager
async def _lease(engine: AsyncEngine, name: str) -> AsyncIterator[None]:
    """Hold the lease ``name`` (waiting up to LOCK_TIMEOUT_SECONDS for it), renewed meanwhile."""
    holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    await _create_lock_table(engine)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + LOCK_TIMEOUT_SECONDS
    while not await take_lease(engine, name, holder):
        if loop.time() >= deadline:
            raise RuntimeError("another CostWatch process has held the migration lock too long")
        await asyncio.sleep(POLL_SECONDS)

    async def renew() -> None:
        while True:
            await asyncio.sleep(RENEW_SECONDS)
            if not await take_lease(engine, name, holder):
                log.error("the migration lease %s was lost while migrating", name)

    renewing = asyncio.create_task(renew())
    try:
        yield
    finally:
        renewing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await renewing
        async with engine.begin() as connection:
            await connection.execute(_RELEASE, {"name": name, "holder": holder})


async def upgrade_locked(engine: AsyncEngine) -> tuple[str | None, str]:
    """Bring the database to the newest migration; the caller holds ``migration_lock``.

    Returns (revision before, head). The revision is read once the lock is held: a replica
    that waited for another one finds the database already at head and runs nothing.
    """
    head = head_revision()
    async with engine.connect() as connection:
        before = await connection.run_sync(current_revision)
        if before == head:
            log.info("database already at migration %s", head)
        else:
            log.info("migrating the database from %s to %s", before or "empty", head)
            await connection.run_sync(_upgrade)
            await connection.commit()
    return before, head


async def upgrade_to_head(engine: AsyncEngine) -> tuple[str | None, str]:
    """Take the lock and bring the database to the newest migration."""
    async with migration_lock(engine):
        return await upgrade_locked(engine)


async def is_at_head(engine: AsyncEngine) -> bool:
    """Whether the database answers and is at the newest migration (readiness)."""
    async with engine.connect() as connection:
        return await connection.run_sync(current_revision) == head_revision()
