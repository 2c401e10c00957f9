"""Database failures under a request: retried when lost to another transaction, else a JSON
503 with Retry-After (never a 500), and a JSON 500 with the request id for anything else."""

import asyncio
import time
from typing import Any

import httpx
import pytest
from sqlalchemy import exc as sa
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import Receive, Scope, Send

from costwatch.app import create_app
from costwatch.config import Settings
from costwatch.db.engine import make_engine
from costwatch.db.errors import is_disconnect, is_retryable, is_unavailable
from costwatch.db.session import DEADLINE_SCOPE_KEY, REPLAYABLE_SCOPE_KEY
from costwatch.logs import RequestContextMiddleware
from costwatch.resilience import ResilienceMiddleware
from tests.conftest import IS_MYSQL
from tests.factories import make_service, make_topup


class Original(Exception):
    """Stands for the driver's exception inside SQLAlchemy's wrapper."""


def deadlock() -> sa.OperationalError:
    return sa.OperationalError("INSERT ...", {}, Original(1213, "Deadlock found"))


class Flaky:
    """An ASGI app that fails ``failures`` times, reading the body each time, then answers."""

    def __init__(self, failures: int, error: Exception) -> None:
        self.failures = failures
        self.error = error
        self.bodies: list[bytes] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = await receive()
        self.bodies.append(message.get("body", b""))
        if len(self.bodies) <= self.failures:
            raise self.error
        await send({"type": "http.response.start", "status": 201, "headers": []})
        await send({"type": "http.response.body", "body": b'{"ok": true}'})


def client_of(app: Any) -> httpx.AsyncClient:
    wrapped = RequestContextMiddleware(ResilienceMiddleware(app))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=wrapped), base_url="http://t")


async def test_a_lost_transaction_is_run_again_with_the_same_body() -> None:
    app = Flaky(failures=2, error=deadlock())
    async with client_of(app) as client:
        response = await client.post("/things", json={"n": 1})
    assert response.status_code == 201
    assert app.bodies == [b'{"n":1}'] * 3


async def test_retries_run_out_into_a_503() -> None:
    app = Flaky(failures=100, error=deadlock())
    async with client_of(app) as client:
        response = await client.post("/things", json={"n": 1})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    assert response.headers["X-Request-ID"]
    assert "try again" in response.json()["detail"]
    assert len(app.bodies) == 4


async def test_an_unexpected_error_is_a_json_500_with_the_request_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = Flaky(failures=100, error=RuntimeError("secret-password-123 leaked?"))
    async with client_of(app) as client:
        first = await client.get("/x", headers={"X-Request-ID": "req-1"})
        second = await client.get("/x")
    assert first.status_code == 500
    assert first.headers["X-Request-ID"] == "req-1"
    assert "request id" in first.json()["detail"]
    assert "secret-password" not in first.text
    assert len(app.bodies) == 2  # not retried
    records = [r for r in caplog.records if r.name == "costwatch.errors"]
    assert len(records) == 2
    # The traceback is logged once a minute per kind of error, not per request.
    assert records[0].exc_info is not None
    assert records[1].exc_info is None
    assert second.status_code == 500


def test_what_counts_as_retryable_or_unavailable() -> None:
    assert is_retryable(deadlock())
    lock_wait = sa.OperationalError("UPDATE", {}, Original(1205, "Lock wait timeout"))
    assert is_retryable(lock_wait)
    assert is_retryable(sa.OperationalError("BEGIN", {}, Exception("database is locked")))
    gone = sa.OperationalError("SELECT", {}, Original(2013, "Lost connection"))
    assert not is_retryable(gone)
    assert is_unavailable(gone)
    assert is_unavailable(sa.TimeoutError("QueuePool limit"))
    assert not is_unavailable(ValueError("no"))
    assert not is_unavailable(sa.IntegrityError("INSERT", {}, Original(1062, "Duplicate")))


async def test_an_unreachable_database_is_a_quick_503(settings: Settings) -> None:
    # Nothing listens on port 9 of loopback: every connection is refused at once.
    dead = make_engine("mysql+asyncmy://root@127.0.0.1:9/nothing?charset=utf8mb4")
    app = create_app(settings.model_copy(update={"database_url": ""}), dead)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            started = time.monotonic()
            health = await client.get("/health")
            data = await client.get("/service", headers={"Authorization": "Bearer x.y.z"})
            login = await client.post(
                "/auth/login", data={"username": "a@example.com", "password": "whatever"}
            )
            elapsed = time.monotonic() - started
    finally:
        await dead.dispose()
    assert health.status_code == 503
    assert health.json() == {"status": "unavailable"}
    # A token that does not verify is a 401 without asking the database; a login needs it.
    assert data.status_code == 401
    assert login.status_code == 503
    assert login.headers["Retry-After"] == "2"
    assert login.headers["X-Request-ID"]
    assert elapsed < 30  # a sanity bound only; refused connections fail at once


@pytest.mark.skipif(not IS_MYSQL, reason="row-lock waits are a MySQL/MariaDB matter")
async def test_a_lock_wait_timeout_is_retried_and_applies_once(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    service = await make_service(client, "Usage", name="OpenAI")
    await make_topup(client, service["id"], "2025-07-01", "10.00")
    async with engine.connect() as holder:
        await holder.execute(text("SET SESSION innodb_lock_wait_timeout = 50"))
        # Hold the service's row lock: the top-up below waits for it, times out (2 s),
        # and is retried; the lock is let go before the retries run out.
        await holder.execute(
            text("SELECT id FROM service WHERE id = :id FOR UPDATE"), {"id": service["id"]}
        )
        request = asyncio.create_task(
            client.post(
                "/usage/topups",
                json={
                    "service_id": service["id"],
                    "topup_date": "2025-07-02",
                    "amount_purchased": "5.00",
                },
            )
        )
        await asyncio.sleep(2.5)
        await holder.rollback()  # ends the transaction the SELECT began
    response = await request
    assert response.status_code == 201, response.text
    topups = (await client.get("/usage/topups", params={"service_id": service["id"]})).json()
    assert sorted(row["amount_purchased"] for row in topups) == ["10.00", "5.00"]


class Slow:
    """Waits ``before`` s, starts the answer, waits ``during`` s, then ends it."""

    def __init__(self, before: float, during: float = 0.0) -> None:
        self.before = before
        self.during = during
        self.cancelled = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        try:
            await asyncio.sleep(self.before)
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"part,", "more_body": True})
        await asyncio.sleep(self.during)
        await send({"type": "http.response.body", "body": b"end"})


def deadline_client(app: Any, seconds: float) -> httpx.AsyncClient:
    wrapped = RequestContextMiddleware(ResilienceMiddleware(app, deadline_seconds=seconds))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=wrapped), base_url="http://t")


async def test_no_answer_within_the_deadline_is_a_503_and_the_work_is_cancelled() -> None:
    """Driver timeouts add up (a stale connection's ping, then a handshake): one deadline."""
    app = Slow(before=5.0)
    started = time.monotonic()
    async with deadline_client(app, 0.2) as client:
        response = await client.get("/summary")
    assert time.monotonic() - started < 2.0
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    assert response.headers["X-Request-ID"]
    assert "try again" in response.json()["detail"]
    assert app.cancelled


async def test_an_answer_that_has_started_may_stream_past_the_deadline() -> None:
    app = Slow(before=0.0, during=0.4)
    async with deadline_client(app, 0.2) as client:
        response = await client.get("/export")
    assert response.status_code == 200
    assert response.text == "part,end"


async def test_a_timeout_of_the_application_s_own_is_not_the_deadline(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A driver's own timeout is an unavailable database (503), not a passed deadline."""
    app = Flaky(failures=100, error=TimeoutError("a timeout of its own"))
    async with deadline_client(app, 5.0) as client:
        response = await client.get("/x")
    assert response.status_code == 503
    assert "database unavailable" in caplog.text
    assert "no answer within" not in caplog.text


class CommitsLate:
    """Lifts the deadline as ``get_session`` does before its commit, then takes its time."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        scope[DEADLINE_SCOPE_KEY].reschedule(None)
        await asyncio.sleep(0.4)  # a commit longer than the whole deadline
        await send({"type": "http.response.start", "status": 201, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})


async def test_a_commit_under_way_is_not_cut_by_the_deadline() -> None:
    """A 503 must mean nothing was stored: once the commit starts, it is let finish."""
    async with deadline_client(CommitsLate(), 0.2) as client:
        response = await client.post("/things", json={})
    assert response.status_code == 201


def lost_connection() -> sa.OperationalError:
    return sa.OperationalError(
        "INSERT ...", {}, Original(2013, "Lost connection"), connection_invalidated=True
    )


class CutOff(Flaky):
    """Loses its connection ``failures`` times; ``committing`` says whether the COMMIT was sent."""

    def __init__(self, failures: int, *, committing: bool) -> None:
        super().__init__(failures, lost_connection())
        self.committing = committing

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # What request_session records: replayable until the COMMIT is sent.
        scope[REPLAYABLE_SCOPE_KEY] = not self.committing
        await super().__call__(scope, receive, send)


async def test_a_write_cut_off_before_its_commit_is_run_again() -> None:
    # A cluster node died under the request: its transaction died with the connection.
    app = CutOff(failures=1, committing=False)
    async with client_of(app) as client:
        response = await client.post("/things", json={"n": 1})
    assert response.status_code == 201
    assert app.bodies == [b'{"n":1}'] * 2


async def test_a_write_cut_off_during_its_commit_is_a_503_not_a_second_try() -> None:
    # The COMMIT may have been applied: running it again could store it twice.
    app = CutOff(failures=1, committing=True)
    async with client_of(app) as client:
        response = await client.post("/things", json={"n": 1})
    assert response.status_code == 503
    assert len(app.bodies) == 1


async def test_a_read_cut_off_is_run_again_and_an_unmarked_write_is_not() -> None:
    reading = Flaky(failures=1, error=lost_connection())
    writing = Flaky(failures=1, error=lost_connection())  # never reached request_session
    async with client_of(reading) as first, client_of(writing) as second:
        read = await first.get("/things")
        written = await second.post("/things", json={"n": 1})
    assert read.status_code == 201  # Flaky answers 201 to anything
    assert len(reading.bodies) == 2
    assert written.status_code == 503
    assert len(writing.bodies) == 1


def test_a_lost_connection_is_a_disconnect_and_a_deadlock_is_not() -> None:
    assert is_disconnect(lost_connection())
    assert not is_disconnect(deadlock())
    assert not is_disconnect(ValueError("no"))
