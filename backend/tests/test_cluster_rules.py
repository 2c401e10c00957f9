"""What a Galera cluster changes for the app, checked without one where it can be.

- Reads wait for the node to catch up (``wsrep_sync_wait``) when, and only when, the server
  runs Galera (``_mysql_session`` asks it on every new connection).
- A request's transaction is replayable until its COMMIT is sent (``request_session``).
- The migration lock is a lease row, so it holds across nodes (MySQL/MariaDB only).
"""

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from costwatch import migrate
from costwatch.db.engine import WSREP_SYNC_WAIT_READS, _mysql_session
from costwatch.db.session import REPLAYABLE_SCOPE_KEY, make_sessionmaker, request_session
from tests.conftest import IS_MYSQL


class FakeCursor:
    def __init__(self, wsrep: tuple[str, str] | None) -> None:
        self.wsrep = wsrep
        self.executed: list[str] = []

    def execute(self, statement: str) -> None:
        self.executed.append(statement)

    def fetchone(self) -> tuple[str, str] | None:
        return self.wsrep

    def close(self) -> None:
        pass


class FakeConnection:
    def __init__(self, wsrep: tuple[str, str] | None) -> None:
        self.cursor_ = FakeCursor(wsrep)

    def cursor(self) -> FakeCursor:
        return self.cursor_


@pytest.mark.parametrize(
    ("wsrep", "waits"),
    [
        (("wsrep_on", "ON"), True),  # a Galera node
        (("wsrep_on", "OFF"), False),  # MariaDB without a cluster
        (None, False),  # MySQL: no such variable
    ],
)
def test_reads_wait_for_the_cluster_only_on_galera(
    wsrep: tuple[str, str] | None, waits: bool
) -> None:
    connection = FakeConnection(wsrep)
    _mysql_session(connection, None)
    executed = connection.cursor_.executed
    assert executed[0].startswith("SET time_zone = '+00:00'")
    expected = f"SET SESSION wsrep_sync_wait = {WSREP_SYNC_WAIT_READS}"
    assert (expected in executed) is waits


async def test_a_transaction_is_replayable_until_its_commit_is_sent(engine: AsyncEngine) -> None:
    seen: list[Any] = []
    scope: dict[str, Any] = {}
    app = SimpleNamespace(
        state=SimpleNamespace(sessionmaker=make_sessionmaker(engine), write_lock=None)
    )
    request: Any = SimpleNamespace(scope=scope, method="POST", app=app)
    async with request_session(request) as session:
        await session.execute(text("SELECT 1"))
        seen.append(scope[REPLAYABLE_SCOPE_KEY])
    seen.append(scope[REPLAYABLE_SCOPE_KEY])
    assert seen == [True, False]


needs_mysql = pytest.mark.skipif(not IS_MYSQL, reason="the lease lock is MySQL/MariaDB's")


@needs_mysql
async def test_the_migration_lease_has_one_holder_until_it_expires(engine: AsyncEngine) -> None:
    await migrate._create_lock_table(engine)
    await migrate._create_lock_table(engine)  # again: already there, nothing to do
    try:
        assert await migrate.take_lease(engine, "test_lease", "a") is True
        assert await migrate.take_lease(engine, "test_lease", "b") is False
        assert await migrate.take_lease(engine, "test_lease", "a") is True  # renewed
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "UPDATE costwatch_lock SET expires_at = '2001-01-01' WHERE name = 'test_lease'"
                )
            )
        assert await migrate.take_lease(engine, "test_lease", "b") is True  # a died: taken over
        assert await migrate.take_lease(engine, "test_lease", "a") is False
    finally:
        async with engine.begin() as connection:
            await connection.execute(text("DELETE FROM costwatch_lock"))


@needs_mysql
async def test_the_migration_lock_is_renewed_while_held_and_released_after(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(migrate, "RENEW_SECONDS", 0.05)
    query = text("SELECT holder, expires_at FROM costwatch_lock WHERE name = :name")
    async with migrate.migration_lock(engine):
        async with engine.connect() as connection:
            first = (await connection.execute(query, {"name": migrate.LOCK_NAME})).one()
        await asyncio.sleep(0.3)
        async with engine.connect() as connection:
            later = (await connection.execute(query, {"name": migrate.LOCK_NAME})).one()
        # Another process cannot take it meanwhile.
        assert await migrate.take_lease(engine, migrate.LOCK_NAME, "someone else") is False
    async with engine.connect() as connection:
        after = (await connection.execute(query, {"name": migrate.LOCK_NAME})).first()
    assert later.holder == first.holder
    assert later.expires_at > first.expires_at
    assert after is None


def test_every_table_has_a_primary_key() -> None:
    # Galera replicates rows by key: a table without one is replicated slowly or not at all.
    from costwatch.models import Base

    without = [name for name, table in Base.metadata.tables.items() if not table.primary_key]
    assert Base.metadata.tables
    assert without == []
