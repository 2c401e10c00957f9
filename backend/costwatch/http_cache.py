"""An HTTP cache of the API's GET answers, exact because it is keyed by the data version.

Every GET of the API computes its answer from the stored data, the query string and today's
date only. Every write bumps ``data_version`` (see ``db.data_version``). So a 200 answer computed at
data version N is still the right answer for the same URL, on the same day, while the version
is N; this middleware keeps such answers and serves them again, after checking the caller's
token exactly as the routes do. One primary-key query does both checks, which makes a cached
report cost about what ``/health`` costs, however many rows are behind it.

- Only GETs under the protected routes are cached, and only 200 answers the app produced for
  a valid token; anything else goes through the app untouched.
- A cached answer is shown only to a request whose token is valid now (signature, expiry and
  the token version, so a password change revokes at once).
- Concurrent misses for the same key wait for the first one instead of all computing it.
- Per process; bounded by what the entries weigh (bodies, keys, headers and overhead) and
  by their number, least recently used dropped first.
"""

import asyncio
import contextlib
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from costwatch import clock
from costwatch.auth.security import decode_token_cached
from costwatch.auth.service import CHECKED_IDENTITY, check_login_claims, check_token
from costwatch.auth.tokens import looks_like_api_token
from costwatch.db.session import READ_SESSION

# /backup: a download of the whole ledger, far past what an entry may weigh, and dated.
UNCACHED_PREFIXES = (
    "/auth",
    "/health",
    "/ready",
    "/docs",
    "/redoc",
    "/openapi.json",
    "/backup",
)
KEPT_HEADERS = (b"content-type", b"x-total-count", b"content-disposition")
MAX_BYTES = 64 * 1024 * 1024
MAX_ENTRIES = 20_000
MAX_ENTRY_BYTES = 4 * 1024 * 1024
# What an entry costs beyond its bytes: the key tuple, the entry object, the header list,
# the dict slot (tracemalloc on CPython 3.12: about 350 bytes an entry; counted high).
ENTRY_OVERHEAD = 1024

CacheKey = tuple[str, bytes, date]


class _Entry:
    __slots__ = ("body", "cost", "headers", "version")

    def __init__(
        self, key: CacheKey, version: int, headers: list[tuple[bytes, bytes]], body: bytes
    ) -> None:
        self.version = version
        self.headers = headers
        self.body = body
        # Everything the entry keeps alive, so that many small answers with long URLs are
        # counted as what they weigh, not only by their bodies.
        self.cost = (
            ENTRY_OVERHEAD
            + len(body)
            + len(key[0])
            + len(key[1])
            + sum(len(name) + len(value) + 64 for name, value in headers)
        )


class ResponseCache:
    """Answers by key, with the data version they were computed at; bounded by size and count."""

    def __init__(self, max_bytes: int = MAX_BYTES, max_entries: int = MAX_ENTRIES) -> None:
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self.size = 0
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable, version: int) -> _Entry | None:
        """The answer kept for ``key`` if it was computed at ``version``."""
        entry = self._entries.get(key)
        if entry is None or entry.version != version:
            return None
        self._entries.move_to_end(key)
        return entry

    def put(self, key: Hashable, entry: _Entry) -> None:
        """Keep an answer, replacing an older one; drop the least recently used past the bound."""
        old = self._entries.pop(key, None)
        if old is not None:
            self.size -= old.cost
        self._entries[key] = entry
        self.size += entry.cost
        while (self.size > self.max_bytes or len(self._entries) > self.max_entries) and (
            self._entries
        ):
            _, dropped = self._entries.popitem(last=False)
            self.size -= dropped.cost


class ResponseCacheMiddleware:
    """Serve repeated GETs from the cache while the data version has not moved."""

    def __init__(self, app: ASGIApp, jwt_secret: str) -> None:
        self.app = app
        self.jwt_secret = jwt_secret
        self.cache = ResponseCache()
        self._inflight: dict[Hashable, asyncio.Event] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer from the cache, or let the app answer and keep what it says."""
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or scope["path"].startswith(UNCACHED_PREFIXES)
        ):
            await self.app(scope, receive, send)
            return
        token = _bearer(scope)
        if token is None:  # no token: the app answers (401)
            await self.app(scope, receive, send)
            return
        # What the check opened (a connection, a session), closed once the answer is sent or
        # before the request waits; ``reads`` gives the session the route may read with.
        opened = contextlib.AsyncExitStack()
        reads: Callable[[], AsyncSession] | None = None
        try:
            version, reads = await self._current_version(scope, token, opened)
            key: CacheKey = (scope["path"], scope["query_string"], clock.today())
            entry = None if version is None else self.cache.get(key, version)
            if version is None or (entry is None and key in self._inflight):
                # Not needed while the app answers the 401, nor while the same answer is
                # being computed: the connection goes back to the pool before that. A kept
                # answer is sent first and the connection given back after (``finally``).
                reads = None
                await opened.aclose()
            if version is None:  # an invalid or revoked token: the app answers (401)
                await self.app(scope, receive, send)
                return
            if entry is None and key in self._inflight:
                await self._inflight[key].wait()
                entry = self.cache.get(key, version)
            if entry is not None:
                await _replay(entry, send)
                return
            done = self._inflight.setdefault(key, asyncio.Event())
            try:
                if reads is not None:
                    # The route reads with this session (``db.session.READ_SESSION``), on the
                    # connection of the check: one checkout, ping and rollback a request.
                    scope.setdefault("state", {})[READ_SESSION] = reads()
                await self._answer_and_keep(scope, receive, send, key)
            finally:
                if self._inflight.get(key) is done:
                    del self._inflight[key]
                done.set()
        finally:
            scope.get("state", {}).pop(READ_SESSION, None)
            await opened.aclose()

    async def _current_version(
        self, scope: Scope, token: str, opened: contextlib.AsyncExitStack
    ) -> tuple[int | None, Callable[[], AsyncSession] | None]:
        """The data version if ``token`` is valid and current, and the session to read with.

        A login token is checked on a bare connection (a session costs as much again in CPU
        as the read itself: on a kept answer that is all the work there is); a session on
        that connection is opened only when the answer has to be computed. An API token is
        checked in a session, which notes its last use. Both are left open in ``opened``.
        """
        state = scope["app"].state
        # The app's sessions (``app.state.sessionmaker``), as its routes use them.
        sessions: async_sessionmaker[AsyncSession] = state.sessionmaker
        if looks_like_api_token(token):
            session = await opened.enter_async_context(sessions())
            identity = await check_token(session, self.jwt_secret, token)
            if session.info.pop("commit_reads", False):  # the token's last use, noted
                await session.commit()

            def reads() -> AsyncSession:
                return session

        else:
            claims = decode_token_cached(token, self.jwt_secret)
            if claims is None:
                return None, None  # no database needed to refuse it (the app answers 401)
            connection = await opened.enter_async_context(state.engine.connect())
            identity = await check_login_claims(connection, claims)

            def reads() -> AsyncSession:
                # Joins the connection's transaction; closed before the connection is.
                on_connection = sessions(bind=connection)
                opened.push_async_callback(on_connection.close)
                return on_connection

        if identity is None:
            return None, None
        # The route's guard takes this check as its own (``auth.dependencies``) instead of
        # reading the same row again: one round trip less on every answer not yet cached.
        scope.setdefault("state", {})[CHECKED_IDENTITY] = (token, identity)
        return identity.data_version, reads

    async def _answer_and_keep(
        self, scope: Scope, receive: Receive, send: Send, key: CacheKey
    ) -> None:
        status = 0
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []
        size = 0

        async def capture(message: Message) -> None:
            nonlocal status, headers, size
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k in KEPT_HEADERS]
            elif message["type"] == "http.response.body":
                # A streamed export may be far larger than an entry: past the bound, keep
                # counting but stop holding its chunks.
                size += len(message.get("body", b""))
                if size <= MAX_ENTRY_BYTES:
                    chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, capture)
        # The version the route's token check read (this middleware's own check, which the
        # route takes): read before any of the route's data, so never newer than its answer.
        version = scope.get("state", {}).get("data_version")
        body = b"".join(chunks)
        if status == 200 and version is not None and size <= MAX_ENTRY_BYTES:
            self.cache.put(key, _Entry(key, version, headers, body))


def _bearer(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token.strip() if scheme.lower() == "bearer" and token.strip() else None
    return None


async def _replay(entry: _Entry, send: Send) -> None:
    headers = [*entry.headers, (b"content-length", str(len(entry.body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": entry.body})
