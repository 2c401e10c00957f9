"""One scheduler for the deployment: a lease in the database picks the process that works."""

import asyncio
import gc
from collections.abc import AsyncIterator, Callable
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pytest_httpserver import HTTPServer
from sqlalchemy import event, func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from costwatch import clock
from costwatch.app import create_app
from costwatch.config import Settings
from costwatch.connections.sync import Writer
from costwatch.db.engine import make_engine
from costwatch.db.lease import claim, release
from costwatch.db.session import make_sessionmaker
from costwatch.models import SchedulerLease, SyncRun, UsageConsumption
from costwatch.scheduler import Scheduler
from tests.connections.fakes import FakeOpenAI
from tests.factories import make_service

TTL = timedelta(seconds=90)
Concurrent = tuple[httpx.AsyncClient, AsyncEngine]


@pytest.fixture
async def factory(concurrent_client: Concurrent) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on the committed database, with the lease free."""
    _, engine = concurrent_client
    async with engine.begin() as connection:
        await connection.execute(update(SchedulerLease).values(holder=None, expires_at=None))
    yield make_sessionmaker(engine)


@pytest.fixture
def move_now(monkeypatch: pytest.MonkeyPatch) -> Callable[[timedelta], None]:
    """Move the server's clock forward."""
    start = clock.now()

    def move(by: timedelta) -> None:
        monkeypatch.setattr(clock, "now", lambda: start + by)

    return move


async def test_one_holder_at_a_time_until_its_lease_expires(
    factory: async_sessionmaker[AsyncSession], move_now: Callable[[timedelta], None]
) -> None:
    move_now(timedelta(0))
    assert await claim(factory, "a", TTL)
    assert not await claim(factory, "b", TTL)
    assert await claim(factory, "a", TTL)  # renewed
    move_now(timedelta(seconds=60))
    assert not await claim(factory, "b", TTL)  # a renewed at 0 s: still a's until 90 s
    move_now(timedelta(seconds=91))
    assert await claim(factory, "b", TTL)  # a died: b takes over
    assert not await claim(factory, "a", TTL)
    await release(factory, "a")  # not a's any more: nothing happens
    assert not await claim(factory, "a", TTL)
    await release(factory, "b")
    assert await claim(factory, "a", TTL)


async def test_simultaneous_claims_from_two_engines_give_one_holder(
    factory: async_sessionmaker[AsyncSession], concurrent_client: Concurrent
) -> None:
    _, engine = concurrent_client
    other = make_engine(engine.url.render_as_string(hide_password=False))
    try:
        second = make_sessionmaker(other)
        for round_number in range(10):
            async with engine.begin() as connection:
                await connection.execute(
                    update(SchedulerLease).values(holder=None, expires_at=None)
                )
            results = await asyncio.gather(
                claim(factory, f"a{round_number}", TTL), claim(second, f"b{round_number}", TTL)
            )
            assert sorted(results) == [False, True], round_number
    finally:
        await other.dispose()


class Original(Exception):
    """Stands for the driver's exception inside SQLAlchemy's wrapper."""


async def test_a_claim_lost_to_another_node_is_not_held_and_not_an_error(
    factory: async_sessionmaker[AsyncSession], concurrent_client: Concurrent
) -> None:
    # A Galera certification conflict: the other node's claim committed first.
    _, engine = concurrent_client

    def conflict(*_: Any) -> None:
        raise OperationalError("UPDATE scheduler_lease", {}, Original(1213, "Deadlock found"))

    event.listen(engine.sync_engine, "before_cursor_execute", conflict)
    try:
        assert await claim(factory, "a", TTL) is False
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", conflict)

    def broken(*_: Any) -> None:
        raise OperationalError("UPDATE scheduler_lease", {}, Original(1146, "No such table"))

    event.listen(engine.sync_engine, "before_cursor_execute", broken)
    try:
        with pytest.raises(OperationalError):
            await claim(factory, "a", TTL)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", broken)


async def connected(client: httpx.AsyncClient, fake: FakeOpenAI) -> dict[str, Any]:
    service = await make_service(client, "usage", name="OpenAI")
    body = {
        "kind": "openai",
        "name": "org",
        "service_id": service["id"],
        "credentials": {"api_key": fake.key},
        "base_url": fake.base_url,
        "sync_from": "2025-07-01",
    }
    response = await client.post("/connections", json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def count(engine: AsyncEngine, model: Any) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(select(func.count()).select_from(model))).scalar_one())


async def test_the_lease_holder_syncs_what_is_due_and_only_it(
    app: FastAPI,
    concurrent_client: Concurrent,
    factory: async_sessionmaker[AsyncSession],
    httpserver: HTTPServer,
    move_now: Callable[[timedelta], None],
) -> None:
    client, engine = concurrent_client
    fake = FakeOpenAI(httpserver)
    fake.costs[date(2025, 7, 3)] = ["4.20"]
    await connected(client, fake)
    writer = Writer(factory, None)
    hour = timedelta(minutes=60)
    first = Scheduler(writer, app.state.vault, sync_interval=hour, holder="first")
    second = Scheduler(writer, app.state.vault, sync_interval=hour, holder="second")
    move_now(timedelta(0))

    assert await first.tick() == 1  # a new connection is due at once
    assert await second.tick() == 0  # the lease is first's
    assert await first.tick() == 0  # synced a moment ago: not due
    assert await count(engine, UsageConsumption) == 1
    move_now(timedelta(minutes=61))
    assert await first.tick() == 1  # due again after the interval
    assert await count(engine, SyncRun) == 2
    assert await count(engine, UsageConsumption) == 1  # the same day, unchanged
    async with engine.connect() as connection:
        triggers = (await connection.execute(select(SyncRun.trigger))).scalars().all()
    assert set(triggers) == {"schedule"}


async def test_the_app_runs_the_scheduler_and_gives_the_lease_up_at_shutdown(
    settings: Settings,
    concurrent_client: Concurrent,
    factory: async_sessionmaker[AsyncSession],
    httpserver: HTTPServer,
) -> None:
    client, engine = concurrent_client
    fake = FakeOpenAI(httpserver)
    fake.costs[date(2025, 7, 4)] = ["1.00"]
    await connected(client, fake)
    running = settings.model_copy(update={"env": "development", "scheduler_tick_seconds": 0.5})
    app = create_app(running, make_engine(engine.url.render_as_string(hide_password=False)))
    app.state.vault = client_vault(client)

    async with app.router.lifespan_context(app):
        for _ in range(100):
            if await count(engine, UsageConsumption):
                break
            await asyncio.sleep(0.1)
        async with engine.connect() as connection:
            holder = (
                await connection.execute(
                    select(SchedulerLease.holder).where(SchedulerLease.name == "scheduler")
                )
            ).scalar_one()
    assert await count(engine, UsageConsumption) == 1
    assert holder is not None
    async with engine.connect() as connection:
        assert (
            await connection.execute(
                select(SchedulerLease.holder).where(SchedulerLease.name == "scheduler")
            )
        ).scalar_one() is None


def client_vault(client: httpx.AsyncClient) -> Any:
    """The vault of the app behind the test client (which encrypted the credentials)."""
    transport = client._transport
    return transport.app.state.vault  # type: ignore[attr-defined]


def test_holder_names_differ_between_schedulers() -> None:
    names = {
        Scheduler(Writer(None, None), None, sync_interval=TTL).holder  # type: ignore[arg-type]
        for _ in range(3)
    }
    assert len(names) == 3


async def test_a_running_app_leaves_what_start_up_built_out_of_the_collectors_passes(
    settings: Settings,
) -> None:
    quiet = settings.model_copy(
        update={"env": "development", "scheduler": False, "alert_after_writes": False}
    )
    app = create_app(quiet, make_engine("sqlite+aiosqlite://"))
    assert gc.get_freeze_count() == 0
    async with app.router.lifespan_context(app):
        # Everything alive once started (this test's objects among them) is frozen.
        assert gc.get_freeze_count() > 10_000
    assert gc.get_freeze_count() == 0  # given back at shutdown
