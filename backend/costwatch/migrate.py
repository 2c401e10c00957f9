"""Schema migrations at start-up, run once even when several replicas start at the same moment."""

import asyncio
import fcntl
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

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

    MySQL/MariaDB: a named lock (``GET_LOCK``) on a connection of its own, released when that
    connection ends even if the process dies. SQLite file: an exclusive ``flock`` on a file
    next to the database. An in-memory SQLite database belongs to one process: no lock.
    """
    url = engine.url
    if url.get_backend_name() in ("mysql", "mariadb"):
        async with engine.connect() as connection:
            query = text("SELECT GET_LOCK(:name, :timeout)")
            params = {"name": LOCK_NAME, "timeout": LOCK_TIMEOUT_SECONDS}
            if (await connection.execute(query, params)).scalar() != 1:
                raise RuntimeError("another CostWatch process has held the migration lock too long")
            try:
                yield
            finally:
                await connection.execute(text("SELECT RELEASE_LOCK(:name)"), {"name": LOCK_NAME})
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
