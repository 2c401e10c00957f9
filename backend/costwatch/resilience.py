"""What a request does when the database fails under it.

- A transaction lost to another (deadlock, lock wait timeout, a Galera certification
  conflict, SQLite busy) is run again, whole, a few times with jittered backoff: the failed
  attempt was rolled back, so nothing applies twice. The body is kept to replay it.
- So is a request whose database connection was lost before its COMMIT was sent (a cluster
  node died under it; the pool then reconnects, through the load balancer, to a live node):
  the server rolled that transaction back. A connection lost during or after the COMMIT is
  not retried (the write may be stored): that is a 503.
- When the database does not answer (down, frozen, unreachable) or the retries run out, the
  answer is a JSON 503 with ``Retry-After``, never a 500.
- No request waits for its answer longer than a deadline (4.5 s): the driver's timeouts bound
  each step, but steps add up (a stale pooled connection's ping, then a new connection's
  handshake, each up to the read timeout). Past the deadline the work is cancelled (SQLAlchemy
  invalidates a connection cancelled mid-query) and the answer is the same 503. Once the
  answer has started (a streamed export), or the request's commit has (``get_session``), the
  deadline no longer applies: a 503 then always means nothing was stored.
- Any other unexpected error is a JSON 500 (with the request id, added outside), logged once
  with its traceback at most once a minute per kind of error, so an outage cannot flood the log.
"""

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from costwatch.db.errors import is_disconnect, is_retryable, is_unavailable
from costwatch.db.session import DEADLINE_SCOPE_KEY, REPLAYABLE_SCOPE_KEY

MAX_ATTEMPTS = 4
RETRY_BUDGET_SECONDS = 3.0  # no retry starts later than this after the request began
RETRY_AFTER_SECONDS = 2
DEADLINE_SECONDS = 4.5
TRACEBACK_EVERY_SECONDS = 60.0
READS = frozenset({"GET", "HEAD"})  # change nothing (at most when a token was last used)

log = logging.getLogger("costwatch.errors")

UNAVAILABLE = "The database is not answering right now; try again in a few seconds."
INTERNAL = "Something went wrong on the server; the request id identifies it in the log."


class ResilienceMiddleware:
    """Retry lost transactions; turn database outages into 503 and other failures into 500."""

    def __init__(
        self,
        app: ASGIApp,
        passthrough_prefixes: tuple[str, ...] = (),
        deadline_seconds: float = DEADLINE_SECONDS,
        unbounded: Callable[[str], object] | None = None,
    ) -> None:
        self.app = app
        self.deadline_seconds = deadline_seconds
        # Paths that may take longer than the deadline (a provider sync): the database's own
        # timeouts still bound each statement.
        self.unbounded = unbounded
        # Paths whose bodies are streamed (uploads): not buffered, so not retried either.
        self.passthrough_prefixes = passthrough_prefixes
        self._last_traceback: dict[str, float] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request, again if its transaction was lost; answer failures as JSON."""
        if scope["type"] != "http" or scope["path"].startswith(self.passthrough_prefixes):
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        try:
            body = await _read_body(receive)
        except HTTPException as error:  # the body limit, outside, refused it
            await _json(error.status_code, error.detail)(scope, receive, send)
            return
        # One deadline for the whole request, retries included; counted from the body's end.
        deadline_at: float | None = asyncio.get_running_loop().time() + self.deadline_seconds
        if self.unbounded is not None and self.unbounded(scope["path"]):
            deadline_at = None
        for attempt in range(1, MAX_ATTEMPTS + 1):
            answered = False
            deadline = asyncio.timeout_at(deadline_at)

            async def tracked(message: Message, deadline: asyncio.Timeout = deadline) -> None:
                nonlocal answered
                if message["type"] == "http.response.start":
                    answered = True
                    deadline.reschedule(None)  # a started answer streams as long as it needs
                await send(message)

            scope[DEADLINE_SCOPE_KEY] = deadline
            scope.pop(REPLAYABLE_SCOPE_KEY, None)  # set again by this attempt's session
            try:
                async with deadline:
                    await self.app(scope, _replay(body, receive), tracked)
                return
            except Exception as error:
                if isinstance(error, TimeoutError) and deadline.expired() and not answered:
                    self._log(scope, error, f"no answer within {self.deadline_seconds:g} s")
                    response = _json(503, UNAVAILABLE, {"Retry-After": str(RETRY_AFTER_SECONDS)})
                    await response(scope, receive, send)
                    return
                if answered:  # too late for another answer: the client sees a cut response
                    self._log(scope, error, "failed after the answer started")
                    return
                elapsed = time.monotonic() - started
                replay = is_retryable(error) or (
                    is_disconnect(error)
                    and (scope["method"] in READS or scope.get(REPLAYABLE_SCOPE_KEY) is True)
                )
                if replay and attempt < MAX_ATTEMPTS and (elapsed < RETRY_BUDGET_SECONDS):
                    # Jitter: requests that collided should not collide again in step.
                    await asyncio.sleep(random.uniform(0.01, 0.05) * 2**attempt)  # noqa: S311
                    continue
                if is_unavailable(error):
                    self._log(scope, error, "database unavailable")
                    response = _json(503, UNAVAILABLE, {"Retry-After": str(RETRY_AFTER_SECONDS)})
                else:
                    self._log(scope, error, "unexpected error")
                    response = _json(500, INTERNAL)
                await response(scope, receive, send)
                return

    def _log(self, scope: Scope, error: Exception, what: str) -> None:
        kind = type(error).__name__
        now = time.monotonic()
        with_traceback = now - self._last_traceback.get(kind, -TRACEBACK_EVERY_SECONDS) >= (
            TRACEBACK_EVERY_SECONDS
        )
        if with_traceback:
            self._last_traceback[kind] = now
        first_line = str(error).splitlines()[0][:300] if str(error) else ""
        log.error(
            "%s: %s %s: %s: %s",
            what,
            scope["method"],
            scope["path"],
            kind,
            first_line,
            exc_info=error if with_traceback else None,
        )


async def _read_body(receive: Receive) -> list[Message]:
    messages = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            return messages


def _replay(messages: list[Message], receive: Receive) -> Callable[[], Awaitable[Message]]:
    queue = list(messages)

    async def replayed() -> Message:
        if queue:
            return queue.pop(0)
        # The body was read whole; after it, the client's own channel says when it leaves.
        return await receive()

    return replayed


def _json(status: int, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)
