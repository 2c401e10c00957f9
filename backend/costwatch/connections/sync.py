"""A sync: a provider's daily costs become a Usage service's consumption, exactly and once.

- One row per service, day and source (``connection:<id>``, a unique key): syncing the same
  days again changes nothing, a day the provider revised is updated in place, and a day it no
  longer reports (revised to nothing) is removed. Rows entered by hand have no source and are
  never touched.
- Cents: a provider reports fractions of a cent per day. Rounding each day would let a month's
  rows drift from the provider's month total; instead the month's running total is rounded and
  each day gets the difference from the day before, so every month's rows add up to the
  provider's month total rounded to the cent. Months are therefore always fetched from their
  first day (or ``sync_from``).
- Progress: each month is written in one transaction together with the run's progress and the
  connection's ``synced_through``; a sync that fails half-way keeps the months it finished and
  the next one resumes there (re-reading the last ``REVISION_DAYS`` days, which providers revise).
- The provider is called between transactions, never inside one: no lock is held while waiting.
"""

import asyncio
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from costwatch import clock
from costwatch.calendar import add_months, month_start
from costwatch.catalog.repository import ServiceRepository
from costwatch.connections.providers import (
    CONNECTORS,
    Connector,
    DailyCost,
    ProviderError,
    RetryPolicy,
)
from costwatch.connections.repository import ConnectionRepository, SyncRunRepository
from costwatch.db.session import write_transaction
from costwatch.errors import Conflict, DomainError, NotFound
from costwatch.models import CategoryCode, ProviderConnection, SyncRun
from costwatch.money import quantize
from costwatch.usage.repository import ConsumptionRepository, TopupRepository
from costwatch.vault import Vault

REVISION_DAYS = 7
# A run still "running" after this long died with its process: another may start.
STALE_RUN = timedelta(minutes=15)
# OpenRouter's activity covers only the last 30 completed days.
HISTORY_DAYS = {"openrouter": 30}
ERROR_LENGTH = 500

log = logging.getLogger("costwatch.sync")


class SyncFailed(DomainError):
    """The provider failed or its data cannot be stored; the run records why."""

    status_code = 502


@dataclass
class Writer:
    """Where a sync writes: the session factory and SQLite's in-process write lock."""

    factory: async_sessionmaker[AsyncSession]
    write_lock: asyncio.Lock | None


@dataclass
class Counts:
    """What a sync changed so far."""

    days: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def source_of(connection_id: int) -> str:
    """The ``usage_consumption.source`` of a connection's rows."""
    return f"connection:{connection_id}"


def scrub(message: str, secrets: dict[str, str]) -> str:
    """The message without any credential in it, cut to what the column holds."""
    for value in secrets.values():
        if value:
            message = message.replace(value, "(secret)")
    return message[:ERROR_LENGTH]


def months(start: date, end: date) -> Iterator[tuple[date, date]]:
    """``[start, end)`` cut at month boundaries."""
    first = start
    while first < end:
        following = add_months(month_start(first), 1)
        yield first, min(following, end)
        first = following


def window(connection: ProviderConnection, today: date) -> tuple[date, date]:
    """The days to fetch: from the month of the resume point (minus the revision window)."""
    end = today + timedelta(days=1)
    resume = connection.sync_from
    if connection.synced_through is not None:
        resume = max(resume, connection.synced_through - timedelta(days=REVISION_DAYS))
    start = max(connection.sync_from, month_start(resume))
    history = HISTORY_DAYS.get(connection.kind)
    if history is not None:
        # Only completed days exist there, and only so many of them.
        end = today
        start = max(start, today - timedelta(days=history))
    return start, end


async def sync_connection(
    writer: Writer,
    vault: Vault,
    connection_id: int,
    *,
    trigger: str = "manual",
    policy: RetryPolicy | None = None,
    client: httpx.AsyncClient | None = None,
) -> tuple[SyncRun, Counts]:
    """Run one sync of a connection; raise :class:`SyncFailed` (after recording it) on failure."""
    actor = f"sync:{connection_id}"
    async with write_transaction(writer.factory, writer.write_lock, actor=actor) as session:
        connection = await ConnectionRepository(session).get(connection_id, for_update=True)
        if connection is None:
            raise NotFound(f"Connection {connection_id} does not exist.")
        runs = SyncRunRepository(session)
        running = await runs.running_since(connection_id, clock.now() - STALE_RUN)
        if running is not None:
            raise Conflict(f"A sync of this connection is already running (run {running.id}).")
        credentials = vault.decrypt(connection.credentials)
        start, end = window(connection, clock.today())
        run = await runs.add(
            connection_id=connection_id,
            started_at=clock.now(),
            status="running",
            trigger=trigger,
            first_day=start if start < end else None,
            days=0,
            created=0,
            updated=0,
            unchanged=0,
        )
        kind, base_url, service_id = connection.kind, connection.base_url, connection.service_id
    connector = CONNECTORS[kind](credentials, base_url, policy=policy, client=client)
    counts = Counts()
    try:
        for first, following in months(start, end):
            costs = await connector.daily_costs(first, following)
            if costs is None:  # the key may not read daily costs (OpenRouter): balance only
                break
            async with write_transaction(writer.factory, writer.write_lock, actor=actor) as session:
                await _store_month(
                    session, connector, service_id, connection_id, costs, first, following, counts
                )
                await _progress(
                    session, run.id, connection_id, following - timedelta(days=1), counts
                )
        balance = await connector.balance()
    except (ProviderError, SyncFailed) as exc:
        message = scrub(str(exc), credentials)
        await _finish(writer, actor, run.id, connection_id, counts, error=message)
        raise SyncFailed(f"The sync failed: {message}") from exc
    except Exception:
        await _finish(writer, actor, run.id, connection_id, counts, error="internal error")
        raise
    async with write_transaction(writer.factory, writer.write_lock, actor=actor) as session:
        connection = await ConnectionRepository(session).get(connection_id, for_update=True)
        if connection is not None and balance is not None:
            connection.provider_balance = quantize(balance.amount)
            connection.provider_balance_currency = balance.currency
    finished = await _finish(writer, actor, run.id, connection_id, counts, error=None)
    return finished, counts


async def _store_month(
    session: AsyncSession,
    connector: Connector,
    service_id: int,
    connection_id: int,
    costs: list[DailyCost],
    first: date,
    following: date,
    counts: Counts,
) -> None:
    """Write one month's days (the caller's transaction), under the service's lock."""
    services = ServiceRepository(session)
    await services.lock(service_id)
    service = await services.get_loaded(service_id)
    if service is None or service.category.code != CategoryCode.USAGE:
        raise SyncFailed(f"Service {service_id} is not a Usage service any more.")
    funds = await TopupRepository(session).currency_of(service_id)
    consumption = ConsumptionRepository(session)
    source = source_of(connection_id)
    stored = await consumption.of_source(service_id, source, first, following)
    running = Decimal(0)
    rounded_before = Decimal("0.00")
    for cost in sorted(costs, key=lambda cost: cost.day):
        if funds is not None and cost.currency != funds:
            raise SyncFailed(
                f"{connector.label} reports costs in {cost.currency}, but the service's funds"
                f" are in {funds}."
            )
        funds = cost.currency
        counts.days += 1
        running += cost.amount
        rounded = quantize(running)
        amount, rounded_before = rounded - rounded_before, rounded
        row = stored.pop(cost.day, None)
        if amount == 0:
            if row is None:
                counts.unchanged += 1
            else:
                await consumption.remove(row)
                counts.updated += 1
        elif row is None:
            await consumption.record(
                service_id=service_id,
                consumption_date=cost.day,
                amount_consumed=amount,
                currency=cost.currency,
                source=source,
            )
            counts.created += 1
        elif row.amount_consumed != amount:
            await consumption.change_amount(row, amount)
            counts.updated += 1
        else:
            counts.unchanged += 1
    # Days the provider no longer reports in this range cost nothing now.
    for row in stored.values():
        await consumption.remove(row)
        counts.updated += 1


async def _progress(
    session: AsyncSession, run_id: int, connection_id: int, through: date, counts: Counts
) -> None:
    run = await SyncRunRepository(session).get(run_id)
    connection = await ConnectionRepository(session).get(connection_id, for_update=True)
    if run is None or connection is None:
        raise SyncFailed("The connection was deleted during the sync.")
    run.through = through
    run.days, run.created, run.updated, run.unchanged = (
        counts.days,
        counts.created,
        counts.updated,
        counts.unchanged,
    )
    if connection.synced_through is None or through > connection.synced_through:
        connection.synced_through = through


async def _finish(
    writer: Writer,
    actor: str,
    run_id: int,
    connection_id: int,
    counts: Counts,
    *,
    error: str | None,
) -> SyncRun:
    """Record the outcome on the run and on the connection."""
    async with write_transaction(writer.factory, writer.write_lock, actor=actor) as session:
        run = await SyncRunRepository(session).get(run_id)
        connection = await ConnectionRepository(session).get(connection_id, for_update=True)
        if run is None:  # the connection (and its runs) was deleted meanwhile
            return SyncRun(id=run_id, status="error", error="deleted")
        run.status = "error" if error else "ok"
        run.error = error
        run.finished_at = clock.now()
        run.days, run.created, run.updated, run.unchanged = (
            counts.days,
            counts.created,
            counts.updated,
            counts.unchanged,
        )
        if connection is not None:
            connection.last_status = run.status
            connection.last_error = error
            connection.last_sync_at = run.started_at
        if error:
            log.warning("sync of connection %s failed: %s", connection_id, error)
        return run
