"""Sessions: the factory, and one transaction per request as a FastAPI dependency."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

import costwatch.db.audit_trail
import costwatch.db.data_version  # registers the data-version hooks on every Session
from costwatch.db.engine import WRITE_OPTION

# Set on an endpoint (``@own_transactions``) that opens and commits transactions of its own
# (a provider sync, which commits month by month and waits on a provider in between): the
# request's session then only reads, so it holds neither a write transaction nor SQLite's
# write lock while the endpoint works.
OWN_TRANSACTIONS = "costwatch_own_transactions"


def own_transactions[F](endpoint: F) -> F:
    """Mark an endpoint whose writes go through :func:`write_transaction`."""
    setattr(endpoint, OWN_TRANSACTIONS, True)
    return endpoint


@contextlib.asynccontextmanager
async def write_transaction(
    factory: async_sessionmaker[AsyncSession], write_lock: asyncio.Lock | None, *, actor: str
) -> AsyncIterator[AsyncSession]:
    """One writing transaction outside a request's own: committed at the end, else rolled back.

    Takes SQLite's in-process write lock (``write_lock``) like a request would, and names
    ``actor`` in the audit log.
    """
    async with write_lock or contextlib.nullcontext(), factory() as session:
        costwatch.db.audit_trail.set_actor(session.sync_session, actor, None)
        try:
            await session.connection(execution_options={WRITE_OPTION: True})
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


# Where the request's deadline (``costwatch.resilience``) is kept in the ASGI scope: lifted when
# the commit starts, so that a write is never answered 503 while its commit goes through.
DEADLINE_SCOPE_KEY = "costwatch.deadline"
# Whether the request's transaction may be replayed after its connection was lost: True from
# the moment ``request_session`` opens it until its COMMIT is sent. Before the COMMIT, a lost
# connection took the transaction with it (the server rolls it back), so running the request
# again applies it once; once the COMMIT is sent, it may have been stored, and only the client
# can decide (a 503). An endpoint with its own transactions commits as it goes: never replayed.
REPLAYABLE_SCOPE_KEY = "costwatch.replayable"
# Where a GET finds a session already open for it (``costwatch.http_cache`` leaves the session
# of its token check there when the answer is not cached): one pooled connection a request.
READ_SESSION = "costwatch.read_session"


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded values after commit (no lazy reload after the response)."""
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


@contextlib.asynccontextmanager
async def request_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The transaction of a request: committed at the end of the block, rolled back on error.

    ``get_session`` (below) gives it to routes; an upload opens it itself once the body is
    received, so that no transaction (nor SQLite's write queue) waits on a slow client.
    A GET changes nothing, so its transaction simply ends with the session (a rollback,
    which returning the connection to the pool does anyway): no COMMIT round trip.
    """
    factory: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    own = getattr(request.scope.get("endpoint"), OWN_TRANSACTIONS, False)
    writes = request.method not in ("GET", "HEAD") and not own
    shared = None if writes else request.scope.get("state", {}).get(READ_SESSION)
    if shared is not None:
        # The HTTP cache's token check left its session for the reads of this GET (it closes
        # it when the answer is sent): the same connection, no second checkout.
        request.scope[REPLAYABLE_SCOPE_KEY] = True
        try:
            yield shared
        except BaseException:
            await shared.rollback()
            raise
        return
    # SQLite has one writer at a time: queue this process's writers here, in order, rather
    # than on SQLite's busy handler, which polls and can starve one past its timeout.
    lock: asyncio.Lock | None = request.app.state.write_lock if writes else None
    request.scope[REPLAYABLE_SCOPE_KEY] = not own
    async with lock or contextlib.nullcontext(), factory() as session:
        try:
            if writes:
                await session.connection(execution_options={WRITE_OPTION: True})
            yield session
            # A read may have something to keep too (when an API token was last used).
            if writes or session.info.get("commit_reads"):
                # From here the answer depends on the commit: let it finish (the driver's own
                # timeouts bound it) rather than cancel it half-way and answer 503 for a write
                # that may be stored, which a client would then send again.
                deadline = request.scope.get(DEADLINE_SCOPE_KEY)
                if deadline is not None:
                    deadline.reschedule(None)
                request.scope[REPLAYABLE_SCOPE_KEY] = False
                await session.commit()
        except BaseException:
            await session.rollback()
            raise


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request: commit when the route returns, roll back on any error."""
    async with request_session(request) as session:
        yield session


# scope="function": the commit happens before the response is sent, so a client that gets a
# 201 knows the row is stored.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
