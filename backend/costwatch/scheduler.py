"""One scheduler for the whole deployment: periodic work runs in one process at a time.

Every API process (each worker of each replica) starts an APScheduler ``AsyncIOScheduler``
that ticks every ``tick_seconds``. A tick first takes or renews the lease in the
``scheduler_lease`` table (one conditional UPDATE: the database picks one holder) and does the
work only when it holds it. The holder renews at every tick and before each long job; when it
dies, its lease expires after ``3 x tick_seconds`` and the next process to tick takes over.

The periodic work today: sync every enabled provider connection whose last sync started more
than ``COSTWATCH_SYNC_INTERVAL_MINUTES`` ago (a new connection right away: its backfill).
"""

import logging
import os
import socket
import uuid
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import or_, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from costwatch import clock
from costwatch.connections.repository import ConnectionRepository
from costwatch.connections.sync import SyncFailed, Writer, sync_connection
from costwatch.db.errors import is_retryable
from costwatch.errors import DomainError
from costwatch.models import SchedulerLease
from costwatch.vault import Vault

LEASE = "scheduler"
DEFAULT_TICK_SECONDS = 30.0

log = logging.getLogger("costwatch.scheduler")


def holder_name() -> str:
    """The name of this process in the lease: host, pid and a random part (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


async def claim(
    factory: async_sessionmaker[AsyncSession], holder: str, ttl: timedelta, name: str = LEASE
) -> bool:
    """Take or renew the lease for ``ttl``; True when ``holder`` holds it afterwards.

    Losing a race is not an error: on a Galera cluster two processes on two nodes may both
    update the row, and the second commit fails certification (a deadlock error), which means
    the other one holds the lease.
    """
    try:
        return await _claim(factory, holder, ttl, name)
    except DBAPIError as error:
        if is_retryable(error):
            return False
        raise


async def _claim(
    factory: async_sessionmaker[AsyncSession], holder: str, ttl: timedelta, name: str
) -> bool:
    now = clock.now()
    async with factory() as session, session.begin():
        await session.execute(
            update(SchedulerLease)
            .where(
                SchedulerLease.name == name,
                or_(
                    SchedulerLease.holder == holder,
                    SchedulerLease.holder.is_(None),
                    SchedulerLease.expires_at < now,
                ),
            )
            .values(holder=holder, expires_at=now + ttl)
        )
        # Read back rather than trust the row count (MySQL counts only rows whose values
        # changed, unless the driver asks for found rows).
        current = await session.execute(
            select(SchedulerLease.holder).where(SchedulerLease.name == name)
        )
        return current.scalar_one_or_none() == holder


async def release(
    factory: async_sessionmaker[AsyncSession], holder: str, name: str = LEASE
) -> None:
    """Give the lease up (at shutdown), so that another process takes it at once."""
    async with factory() as session, session.begin():
        await session.execute(
            update(SchedulerLease)
            .where(SchedulerLease.name == name, SchedulerLease.holder == holder)
            .values(holder=None, expires_at=None)
        )


class Scheduler:
    """The periodic work of one process, done only while it holds the lease."""

    def __init__(
        self,
        writer: Writer,
        vault: Vault,
        *,
        sync_interval: timedelta,
        tick_seconds: float = DEFAULT_TICK_SECONDS,
        holder: str | None = None,
    ) -> None:
        self.writer = writer
        self.vault = vault
        self.sync_interval = sync_interval
        self.tick_seconds = tick_seconds
        self.ttl = timedelta(seconds=3 * tick_seconds)
        self.holder = holder or holder_name()
        self._scheduler: AsyncIOScheduler | None = None

    def start(self) -> None:
        """Tick now and every ``tick_seconds`` (never two ticks of this process at once)."""
        self._scheduler = AsyncIOScheduler()
        self._scheduler.add_job(
            self.tick,
            IntervalTrigger(seconds=self.tick_seconds),
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now().astimezone(),
        )
        self._scheduler.start()

    async def stop(self) -> None:
        """Stop ticking and give the lease up."""
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
        try:
            await release(self.writer.factory, self.holder)
        except Exception:  # the database may be gone at shutdown: the lease expires anyway
            log.warning("could not release the scheduler lease", exc_info=True)

    async def tick(self) -> int:
        """Do the periodic work if this process holds the lease; return the syncs run."""
        try:
            if not await claim(self.writer.factory, self.holder, self.ttl):
                return 0
            return await self.sync_due()
        except Exception:  # a tick must never kill the scheduler; the next one tries again
            log.exception("scheduler tick failed")
            return 0

    async def sync_due(self) -> int:
        """Sync every enabled connection that is due, one after the other."""
        before = clock.now() - self.sync_interval
        async with self.writer.factory() as session:
            due = await ConnectionRepository(session).due(before)
        done = 0
        for connection_id in due:
            # A backfill may take a while: keep the lease, and stop if another took it.
            if not await claim(self.writer.factory, self.holder, self.ttl):
                break
            try:
                await sync_connection(self.writer, self.vault, connection_id, trigger="schedule")
            except (SyncFailed, DomainError) as exc:
                log.warning("scheduled sync of connection %s: %s", connection_id, exc.detail)
            done += 1
        return done
