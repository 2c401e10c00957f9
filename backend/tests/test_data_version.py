"""The data version moves once per writing transaction, at its outermost commit.

A savepoint's release must not bump it: the UPDATE of the one version row locks that row
until the transaction ends, and every other writer then waited behind the rest of the
transaction (a login's password check; an alert evaluation's hundreds of savepoints, past
the lock wait timeout). A savepoint rolled back must not make the commit forget the changes
made before it either.
"""

from typing import Any

from sqlalchemy import event, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from costwatch.db.data_version import mark_changed
from costwatch.models import DataVersion, Provider


async def version(session: AsyncSession) -> int:
    return int((await session.execute(select(DataVersion.version))).scalar_one())


def version_updates(connection: AsyncConnection) -> list[str]:
    """The UPDATEs of ``data_version`` the connection sends from now on."""
    sent: list[str] = []

    def note(*args: Any) -> None:
        statement = str(args[2])
        if statement.lstrip().upper().startswith("UPDATE DATA_VERSION"):
            sent.append(statement)

    event.listen(connection.sync_connection, "before_cursor_execute", note)
    return sent


async def test_a_savepoint_does_not_bump_the_version_the_commit_does_once(
    connection: AsyncConnection, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session:
        before = await version(session)
        sent = version_updates(connection)
        for name in ("First", "Second"):
            async with session.begin_nested():
                session.add(Provider(name=name))
        assert sent == []  # the version's row is not locked before the commit
        await session.commit()
        assert len(sent) == 1
        assert await version(session) == before + 1


async def test_a_savepoint_rolled_back_keeps_the_changes_before_it(
    connection: AsyncConnection, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session:
        before = await version(session)
        # A Core write, which the ORM does not notice by itself.
        await session.execute(insert(Provider).values(name="Core"))
        mark_changed(session.sync_session)
        try:
            async with session.begin_nested():
                session.add(Provider(name="Core"))  # the same unique name: refused
                await session.flush()
        except IntegrityError:
            pass
        await session.commit()
        assert await version(session) == before + 1
    async with sessions() as session:
        # A transaction rolled back as a whole leaves nothing to bump for the next one.
        await session.execute(insert(Provider).values(name="Gone"))
        mark_changed(session.sync_session)
        await session.rollback()
        await session.execute(select(Provider.id).limit(1))
        await session.commit()
        assert await version(session) == before + 1
