"""When the rules run by themselves: after writes (debounced, leased) and on the schedule."""

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from costwatch import clock
from costwatch.alerts.rules import Parameters
from costwatch.alerts.runner import AlertRunner
from costwatch.config import Settings
from costwatch.connections.sync import Writer
from costwatch.db.lease import ALERTS_LEASE, claim
from costwatch.db.session import make_sessionmaker
from costwatch.models import AlertEvent, SchedulerLease
from costwatch.notifications.delivery import DeliveryPolicy, Notifier, SmtpConfig
from costwatch.scheduler import Scheduler
from tests.factories import make_invoice, make_service, post

Concurrent = tuple[httpx.AsyncClient, AsyncEngine]


@pytest.fixture
async def runner(concurrent_client: Concurrent) -> AsyncIterator[AlertRunner]:
    """A runner on the committed database, with a short delay after writes."""
    client, engine = concurrent_client
    async with engine.begin() as connection:
        await connection.execute(update(SchedulerLease).values(holder=None, expires_at=None))
    factory = make_sessionmaker(engine)
    app_state: Any = client._transport.app.state  # type: ignore[attr-defined]
    lock = app_state.write_lock
    notifier = Notifier(factory, lock, app_state.vault, SmtpConfig(), DeliveryPolicy())
    runner = AlertRunner(
        factory,
        lock,
        notifier,
        lambda: Parameters(today=clock.today(), currency="USD"),
        holder="this-process",
        delay=0.05,
    )
    yield runner
    await runner.stop()


async def events(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        count = await connection.execute(select(func.count()).select_from(AlertEvent))
        return int(count.scalar_one())


async def over_budget(client: httpx.AsyncClient) -> None:
    await post(client, "/budgets", {"name": "All", "scope": "total", "amount": "100"})
    aws = await make_service(client, "Infrastructure", name="AWS")
    await make_invoice(client, aws["id"], "2025-07", "90.00")


async def test_a_run_needs_the_alerts_lease(
    runner: AlertRunner, concurrent_client: Concurrent
) -> None:
    client, engine = concurrent_client
    await over_budget(client)
    assert await claim(runner.factory, "another-process", timedelta(minutes=1), ALERTS_LEASE)
    assert await runner.run() is None  # the other process evaluates
    assert await events(engine) == 0
    async with engine.begin() as connection:
        await connection.execute(update(SchedulerLease).values(holder=None, expires_at=None))
    outcome = await runner.run()
    assert outcome is not None
    assert outcome.opened == 1
    # The lease is given back after the run.
    async with engine.connect() as connection:
        holder = await connection.execute(
            select(SchedulerLease.holder).where(SchedulerLease.name == ALERTS_LEASE)
        )
        assert holder.scalar_one() is None


async def test_a_write_request_pokes_the_runner_and_pokes_fold_into_one_run(
    runner: AlertRunner, concurrent_client: Concurrent
) -> None:
    client, engine = concurrent_client
    app_state: Any = client._transport.app.state  # type: ignore[attr-defined]
    app_state.alert_runner = runner
    try:
        runs = 0
        real_run = runner.run

        async def counted() -> Any:
            nonlocal runs
            runs += 1
            return await real_run()

        runner.run = counted  # type: ignore[method-assign]
        await over_budget(client)  # three writes: each pokes
        for _ in range(100):
            if await events(engine):
                break
            await asyncio.sleep(0.05)
        assert await events(engine) == 1
        assert runs >= 1
        # Pokes until the run starts fold into that one run.
        await asyncio.sleep(0.2)
        runs = 0
        for _ in range(5):
            runner.poke()
        await asyncio.sleep(0.3)
        assert runs == 1
        # Reads and the inbox's own writes do not poke.
        runs = 0
        await client.get("/budgets")
        await client.post("/alerts/evaluate")
        await asyncio.sleep(0.2)
        assert runs == 0
    finally:
        app_state.alert_runner = None


async def test_the_scheduler_evaluates_on_its_interval_and_after_syncs(
    runner: AlertRunner, concurrent_client: Concurrent
) -> None:
    client, engine = concurrent_client
    await over_budget(client)
    app_state: Any = client._transport.app.state  # type: ignore[attr-defined]
    scheduler = Scheduler(
        Writer(runner.factory, runner.write_lock),
        app_state.vault,
        sync_interval=timedelta(hours=1),
        holder="this-process",
        alerts=runner,
        alert_interval=timedelta(hours=1),
    )
    assert await scheduler.evaluate_due() is True  # never evaluated: due
    assert await events(engine) == 1
    assert await scheduler.evaluate_due() is False  # within the hour
    assert await scheduler.evaluate_due(force=True) is True  # after a sync
    no_alerts = Scheduler(
        Writer(runner.factory, runner.write_lock),
        app_state.vault,
        sync_interval=timedelta(hours=1),
    )
    assert await no_alerts.evaluate_due(force=True) is False
    assert await scheduler.tick() == 0  # no connection to sync; the lease is this process's


def test_commitment_notice_days_are_checked(tmp_path: Any) -> None:
    settings = Settings(env="test", data_dir=tmp_path, commitment_notice_days="7, 90,30,30")
    assert settings.notice_windows == [90, 30, 7]
    for bad in ["", "soon", "0,30", "30,9999"]:
        with pytest.raises(ValidationError, match="COSTWATCH_COMMITMENT_NOTICE_DAYS"):
            Settings(env="test", data_dir=tmp_path, commitment_notice_days=bad)
