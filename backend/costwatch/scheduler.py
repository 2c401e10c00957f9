"""One scheduler for the whole deployment: periodic work runs in one process at a time.

Every API process (each worker of each replica) starts an APScheduler ``AsyncIOScheduler``
that ticks every ``tick_seconds``. A tick first takes or renews the lease in the
``scheduler_lease`` table (one conditional UPDATE: the database picks one holder) and does the
work only when it holds it. The holder renews at every tick and before each long job; when it
dies, its lease expires after ``3 x tick_seconds`` and the next process to tick takes over.

The periodic work: sync every enabled provider connection whose last sync started more than
``COSTWATCH_SYNC_INTERVAL_MINUTES`` ago (a new connection right away: its backfill), then run
the alert rules every ``COSTWATCH_ALERT_INTERVAL_SECONDS`` and after any sync. Each tick also
restamps the running balances' runway windows once the day has moved on (``restamp_due``).
"""

import logging
import os
import socket
import uuid
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from costwatch import clock
from costwatch.alerts.runner import AlertRunner
from costwatch.connections.repository import ConnectionRepository
from costwatch.connections.sync import SyncFailed, Writer, sync_connection
from costwatch.db.lease import claim, release
from costwatch.db.session import write_transaction
from costwatch.errors import DomainError
from costwatch.usage.repository import restamp_windows
from costwatch.vault import Vault

DEFAULT_TICK_SECONDS = 30.0

log = logging.getLogger("costwatch.scheduler")


def holder_name() -> str:
    """The name of this process in the lease: host, pid and a random part (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


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
        alerts: AlertRunner | None = None,
        alert_interval: timedelta = timedelta(minutes=5),
    ) -> None:
        self.writer = writer
        self.vault = vault
        self.sync_interval = sync_interval
        self.tick_seconds = tick_seconds
        self.ttl = timedelta(seconds=3 * tick_seconds)
        self.holder = holder or holder_name()
        self.alerts = alerts
        self.alert_interval = alert_interval
        self._last_evaluation: datetime | None = None
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
            await self.restamp_due()
            synced = await self.sync_due()
            await self.evaluate_due(force=synced > 0)
            return synced
        except Exception:  # a tick must never kill the scheduler; the next one tries again
            log.exception("scheduler tick failed")
            return 0

    async def restamp_due(self) -> int:
        """Stamp the running balances still stamped for another day with today's window.

        Balances are exact either way (a stale row is summed on reading), but fast only
        with today's stamp. On most ticks nothing is stale: one SELECT.
        """
        async with write_transaction(
            self.writer.factory, self.writer.write_lock, actor="scheduler"
        ) as session:
            return await restamp_windows(session, clock.today())

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

    async def evaluate_due(self, *, force: bool = False) -> bool:
        """Run the alert rules if the interval has passed (or ``force``); True when run."""
        if self.alerts is None:
            return False
        now = clock.now()
        due = self._last_evaluation is None or now - self._last_evaluation >= self.alert_interval
        if not (due or force):
            return False
        self._last_evaluation = now
        return await self.alerts.run() is not None
