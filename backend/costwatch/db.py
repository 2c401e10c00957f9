"""Database plumbing: the declarative base, shared column types, engine and sessions."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import TIMESTAMP, BigInteger, FetchedValue, Integer, MetaData, event, func
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.pool import StaticPool
from sqlalchemy.sql.expression import FunctionElement

# Constraint names must be stable for Alembic to drop them again on MySQL.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uk_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Execution option of a connection whose transaction will write (see _sqlite_begin).
WRITE_OPTION = "costwatch_writes"

# BIGINT AUTO_INCREMENT on MySQL; SQLite only autoincrements an INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class now_on_update(FunctionElement[datetime]):  # noqa: N801 - reads like the SQL it renders
    """``CURRENT_TIMESTAMP``, with ``ON UPDATE CURRENT_TIMESTAMP`` on MySQL/MariaDB.

    SQLAlchemy's ``server_onupdate`` does not emit the MySQL clause, so it is rendered here.
    """

    type = TIMESTAMP()
    inherit_cache = True


@compiles(now_on_update)
def _now_default(element: now_on_update, compiler: Any, **kw: Any) -> str:
    return "CURRENT_TIMESTAMP"


@compiles(now_on_update, "mysql")
@compiles(now_on_update, "mariadb")
def _now_on_update_mysql(element: now_on_update, compiler: Any, **kw: Any) -> str:
    return "CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP"


class Base(DeclarativeBase):
    """Base of every table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class IdMixin:
    """``id BIGINT PRIMARY KEY AUTO_INCREMENT``."""

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)


class TimestampMixin:
    """``created_at`` / ``updated_at`` kept by the database (and by the ORM on SQLite)."""

    created_at: Mapped[datetime] = mapped_column(
        TIMESTAMP(), nullable=False, server_default=func.current_timestamp()
    )
    # The ORM sets updated_at itself too: SQLite has no ON UPDATE clause.
    updated_at: Mapped[datetime] = mapped_column(
        TIMESTAMP(),
        nullable=False,
        server_default=now_on_update(),
        onupdate=func.current_timestamp(),
        server_onupdate=FetchedValue(),
    )


def make_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """Create the async engine with the pool settings each backend needs."""
    options: dict[str, Any] = {"echo": echo}
    if url.startswith("sqlite"):
        if url in ("sqlite+aiosqlite://", "sqlite+aiosqlite:///:memory:"):
            # One shared connection, or every checkout would see a new empty database.
            options["poolclass"] = StaticPool
        options["connect_args"] = {"check_same_thread": False}
    else:
        # Stay below MariaDB's default wait_timeout (8 h) and survive server restarts.
        options.update(pool_pre_ping=True, pool_recycle=3600, pool_size=10, max_overflow=20)
        # READ COMMITTED: no gap locks on searches. Under REPEATABLE READ two writers adding
        # the first consumption of a month for two services lock the same gap of
        # usage_consumption_month with their UPDATE, then each waits for the other to INSERT:
        # a deadlock. Writers of one service are serialized by its row lock instead.
        options["isolation_level"] = "READ COMMITTED"
    engine = create_async_engine(url, **options)
    if url.startswith("sqlite"):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
    else:
        event.listen(engine.sync_engine, "connect", _mysql_session)
    return engine


def _mysql_session(dbapi_connection: Any, _: Any) -> None:
    # TIMESTAMP columns are converted to the session's zone: keep every session on UTC, and
    # make MySQL refuse bad values instead of truncating them (strict mode).
    cursor = dbapi_connection.cursor()
    cursor.execute("SET time_zone = '+00:00', sql_mode = CONCAT(@@sql_mode, ',STRICT_ALL_TABLES')")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # A transaction of a writing request takes the write lock when it starts. With a deferred
    # BEGIN, a request that reads, then writes fails at once with "database is locked" when
    # another connection wrote in between (SQLite cannot upgrade a stale read snapshot, and
    # does not wait for it); IMMEDIATE makes writers queue on busy_timeout instead. Readers
    # keep a deferred BEGIN and, in WAL mode, never wait.
    immediate = connection.get_execution_options().get(WRITE_OPTION)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _sqlite_pragmas(dbapi_connection: Any, _: Any) -> None:
    # SQLite ignores foreign keys unless asked; WAL lets readers work during a write, and the
    # busy timeout makes a second writer wait instead of failing at once.
    # The driver must not open transactions by itself: _sqlite_begin does.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
    # SQLite's lower() folds only ASCII letters; names are compared case-insensitively
    # ("Émile" = "émile"), as MySQL's collation does.
    dbapi_connection.create_function(
        "lower",
        1,
        lambda value: value.lower() if isinstance(value, str) else value,
        deterministic=True,
    )


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded values after commit (no lazy reload after the response)."""
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request: commit when the route returns, roll back on any error.

    A GET changes nothing, so its transaction simply ends with the session (a rollback,
    which returning the connection to the pool does anyway): no COMMIT round trip.
    """
    factory: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    writes = request.method not in ("GET", "HEAD")
    # SQLite has one writer at a time: queue this process's writers here, in order, rather
    # than on SQLite's busy handler, which polls and can starve one past its timeout.
    lock: asyncio.Lock | None = request.app.state.write_lock if writes else None
    async with lock or contextlib.nullcontext(), factory() as session:
        try:
            if writes:
                await session.connection(execution_options={WRITE_OPTION: True})
            yield session
            if writes:
                await session.commit()
        except BaseException:
            await session.rollback()
            raise


# scope="function": the commit happens before the response is sent, so a client that gets a
# 201 knows the row is stored.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
