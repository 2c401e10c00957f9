"""The engine: pool settings and the session setup each database needs."""

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

# Execution option of a connection whose transaction will write (see _sqlite_begin).
WRITE_OPTION = "costwatch_writes"

# No request may wait more than about 5 s on the database: a frozen or unreachable server
# must turn into a quick 503, not a hung request. Connecting, waiting for a pooled
# connection, each read, and each row-lock wait are bounded so that even a stale pooled
# connection (a failed ping, then a new connection) stays under that.
CONNECT_TIMEOUT_SECONDS = 1.5
READ_TIMEOUT_SECONDS = 3.0
POOL_TIMEOUT_SECONDS = 3.0
LOCK_WAIT_SECONDS = 2
# wsrep_sync_wait bit 1: SELECT, SHOW and BEGIN wait for the node to catch up (see _mysql_session).
WSREP_SYNC_WAIT_READS = 1


def make_engine(url: str, *, echo: bool = False, bounded: bool = True) -> AsyncEngine:
    """Create the async engine with the pool settings each backend needs.

    ``bounded=False`` lifts the read timeout, for long maintenance statements (bulk loads,
    rebuilding the rollups) run outside a request.
    """
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
        options["pool_timeout"] = POOL_TIMEOUT_SECONDS
        options["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
        if bounded:
            options["connect_args"]["read_timeout"] = READ_TIMEOUT_SECONDS
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
    cursor.execute(
        "SET time_zone = '+00:00', sql_mode = CONCAT(@@sql_mode, ',STRICT_ALL_TABLES'),"
        f" innodb_lock_wait_timeout = {LOCK_WAIT_SECONDS}"
    )
    # A Galera node applies other nodes' write sets a moment after they commit there. Reads
    # wait until this node has applied everything committed before they started
    # (wsrep_sync_wait, READ bit): a client that got a 201 through one node, then reads through
    # another (another replica, or after a failover), sees its write; the data version the
    # exact HTTP cache checks is never older than a write already acknowledged. Asked of the
    # server, not configured: MySQL has no wsrep variables, a plain MariaDB has wsrep off.
    cursor.execute("SHOW VARIABLES LIKE 'wsrep_on'")
    row = cursor.fetchone()
    if row is not None and str(row[1]).upper() == "ON":
        cursor.execute(f"SET SESSION wsrep_sync_wait = {WSREP_SYNC_WAIT_READS}")
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
    # Another process holding the write lock is waited for 5 s at most (then a 503).
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
    # SQLite's lower() folds only ASCII letters; names are compared case-insensitively
    # ("Émile" = "émile"), as MySQL's collation does.
    dbapi_connection.create_function(
        "lower",
        1,
        lambda value: value.lower() if isinstance(value, str) else value,
        deterministic=True,
    )
