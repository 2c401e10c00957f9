"""When the rules run by themselves: on a schedule, and shortly after writes.

An :class:`AlertRunner` lives in each API process. ``poke()`` (called after every successful
write request, and after provider syncs) asks for an evaluation ``delay`` seconds later;
pokes meanwhile fold into that one run. ``run()`` takes the ``alerts`` lease first, so that one
process of the deployment evaluates at a time; a process that finds the lease taken tries again
a moment later (the writes it was poked for may have committed after the other run read).
The scheduler's holder calls ``run()`` every ``COSTWATCH_ALERT_INTERVAL_SECONDS``.
Correctness does not depend on the lease: events and notifications are unique by key
(``costwatch.alerts.engine``); the lease only saves duplicate work.
"""

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from costwatch.alerts.engine import evaluate
from costwatch.alerts.rules import Parameters
from costwatch.alerts.schemas import Evaluation
from costwatch.db.lease import ALERTS_LEASE, claim, release
from costwatch.notifications.delivery import Notifier

LEASE_TTL = timedelta(minutes=5)
BUSY_RETRY_SECONDS = 5.0
BUSY_RETRIES = 12

log = logging.getLogger("costwatch.alerts")


class AlertRunner:
    """Evaluations of one process: leased, debounced after writes."""

    def __init__(
        self,
        factory: async_sessionmaker[AsyncSession],
        write_lock: asyncio.Lock | None,
        notifier: Notifier,
        parameters: Callable[[], Parameters],
        *,
        holder: str,
        delay: float = 2.0,
    ) -> None:
        self.factory = factory
        self.write_lock = write_lock
        self.notifier = notifier
        self.parameters = parameters
        self.holder = holder
        self.delay = delay
        self._pending: asyncio.Task[None] | None = None
        self._running = asyncio.Lock()

    async def run(self) -> Evaluation | None:
        """Evaluate now if no other process is; None when the lease is taken."""
        async with self._running:
            if not await claim(self.factory, self.holder, LEASE_TTL, ALERTS_LEASE):
                return None
            try:
                return await evaluate(
                    self.factory, self.write_lock, self.notifier, self.parameters()
                )
            finally:
                await release(self.factory, self.holder, ALERTS_LEASE)

    def poke(self) -> None:
        """Ask for an evaluation soon (one for any number of pokes until it starts)."""
        if self._pending is None or self._pending.done():
            self._pending = asyncio.get_running_loop().create_task(self._after_delay())

    async def _after_delay(self) -> None:
        await asyncio.sleep(self.delay)
        self._pending = None  # a write from now on asks for a run of its own
        try:
            for _ in range(BUSY_RETRIES):
                if await self.run() is not None:
                    return
                await asyncio.sleep(BUSY_RETRY_SECONDS)
        except Exception:  # a failed run must not be lost silently; the schedule tries again
            log.exception("alert evaluation after a write failed")

    async def stop(self) -> None:
        """Cancel a run that has not started yet."""
        if self._pending is not None:
            self._pending.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._pending
            self._pending = None


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Writes that cannot change what a rule finds (the inbox itself, sign-in, settings).
QUIET_PREFIXES = ("/alerts", "/auth", "/tokens", "/notification-channels")


class AfterWriteMiddleware:
    """Pokes the app's :class:`AlertRunner` after each successful write request."""

    def __init__(self, app: ASGIApp, runner: Callable[[], AlertRunner | None]) -> None:
        self.app = app
        self.runner = runner

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; poke the runner once a write answered 2xx."""
        if scope["type"] != "http" or scope["method"] not in WRITE_METHODS:
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        status = 0

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.app(scope, receive, capture)
        runner = self.runner()
        if runner is not None and 200 <= status < 300 and not path.startswith(QUIET_PREFIXES):
            runner.poke()
