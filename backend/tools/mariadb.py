"""Administration of a MySQL/MariaDB server for the tools: databases of their own, quiet disks.

Every function takes the async URL of a database on the server (``server_url``); that
database is only connected to, never changed.
"""

import asyncio
import time

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection

from costwatch.db.engine import make_engine


def database_url(server_url: str, name: str) -> str:
    """The URL of database ``name`` on the server of ``server_url``."""
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def _check(name: str) -> None:
    # The name is quoted into DDL: allow only letters, digits and underscores.
    if not name.replace("_", "").isalnum() or not name.isascii():
        raise ValueError(f"not a plain database name: {name!r}")


async def _drop_if_present(connection: AsyncConnection, name: str) -> None:
    # Not DROP DATABASE IF EXISTS alone: on a missing database the server adds a note, which
    # the driver logs as a warning.
    present = await connection.execute(
        text("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = :name"),
        {"name": name},
    )
    if present.first() is not None:
        await connection.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))


async def recreate(server_url: str, name: str) -> str:
    """Drop database ``name`` if it exists and create it empty (utf8mb4); return its URL."""
    _check(name)
    engine = make_engine(server_url)
    try:
        async with engine.begin() as connection:
            await _drop_if_present(connection, name)
            await connection.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    finally:
        await engine.dispose()
    return database_url(server_url, name)


async def drop(server_url: str, name: str) -> None:
    """Drop database ``name`` if it exists."""
    _check(name)
    engine = make_engine(server_url)
    try:
        async with engine.begin() as connection:
            await _drop_if_present(connection, name)
    finally:
        await engine.dispose()


async def databases(server_url: str) -> set[str]:
    """The names of the server's databases."""
    engine = make_engine(server_url)
    try:
        async with engine.connect() as connection:
            return set((await connection.execute(text("SHOW DATABASES"))).scalars())
    finally:
        await engine.dispose()


async def server_version(server_url: str) -> str:
    """The server's product and version, e.g. ``MariaDB 10.11.19``."""
    engine = make_engine(server_url)
    try:
        async with engine.connect() as connection:
            version = str((await connection.execute(text("SELECT VERSION()"))).scalar_one())
    finally:
        await engine.dispose()
    if "mariadb" in version.lower():
        return f"MariaDB {version.split('-')[0]}"
    return f"MySQL {version}"


async def settle(
    server_url: str,
    seconds: float = 120,
    dirty_pages: int = 500,
    interval: float = 2,
    quiet_seconds: float = 10,
) -> bool:
    """Wait until InnoDB has flushed all but ``dirty_pages`` pages (background I/O skews figures).

    Also settled when no page at all was flushed for ``quiet_seconds``: dirty pages the server
    keeps without writing them out (MariaDB flushes lazily below its low-water mark, which is
    0 by default: a few thousand pages can stay dirty for good) cost a measurement nothing.
    Returns False when pages were still being written out after ``seconds``.
    """
    engine = make_engine(server_url)
    status = text(
        "SHOW GLOBAL STATUS WHERE Variable_name IN"
        " ('Innodb_buffer_pool_pages_dirty', 'Innodb_buffer_pool_pages_flushed')"
    )
    try:
        started = time.monotonic()
        deadline = started + seconds
        flushed: int | None = None
        unchanged_since = started
        while True:
            async with engine.connect() as connection:
                values = {
                    str(name).lower(): int(value)
                    for name, value in (await connection.execute(status)).all()
                }
            dirty = values.get("innodb_buffer_pool_pages_dirty")
            if dirty is None or dirty <= dirty_pages:
                return True
            now = time.monotonic()
            written = values.get("innodb_buffer_pool_pages_flushed")
            if written != flushed:
                flushed, unchanged_since = written, now
            elif now - unchanged_since >= quiet_seconds:
                return True
            if now >= deadline:
                return False
            await asyncio.sleep(interval)
    finally:
        await engine.dispose()
