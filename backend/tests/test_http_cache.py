"""The GET cache: served again only while the data version and the token stay valid.

``reached`` lists the requests that got past the cache to the routes: an answer "served from
the cache" is one whose request is not in it.
"""

import asyncio
import contextlib
import time
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from costwatch.auth import security
from costwatch.auth.security import create_token
from costwatch.http_cache import ENTRY_OVERHEAD, ResponseCache, _Entry
from costwatch.models.admin_user import AdminUser
from costwatch.reports import service as reports
from tests.conftest import ADMIN_PASSWORD, JWT_SECRET, TODAY, cache_middleware
from tests.factories import make_invoice, make_provider, make_service


async def test_repeated_get_is_served_from_the_cache(
    client: httpx.AsyncClient, reached: list[str]
) -> None:
    await make_provider(client, "Acme")
    first = await client.get("/providers")
    assert first.status_code == 200
    assert reached.count("/providers") == 2  # the POST, then the first GET

    again = await client.get("/providers")

    assert reached.count("/providers") == 2  # no route ran for the second GET
    assert again.status_code == 200
    assert again.content == first.content
    assert again.json()[0]["name"] == "Acme"
    assert again.headers["X-Total-Count"] == "1"
    assert again.headers["content-type"] == "application/json"
    assert again.headers["content-length"] == str(len(first.content))
    # The cache sits inside the request-id middleware: a hit still gets its own id.
    assert again.headers["X-Request-ID"] != first.headers["X-Request-ID"]


async def test_an_answer_computed_afresh_reads_the_token_once(
    client: httpx.AsyncClient, database: AsyncEngine, reached: list[str]
) -> None:
    await make_provider(client, "Acme")  # a write: the next GET is computed afresh
    statements: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(database.sync_engine, "before_cursor_execute", note)
    try:
        answer = await client.get("/providers")
    finally:
        event.remove(database.sync_engine, "before_cursor_execute", note)

    assert answer.status_code == 200
    assert reached.count("/providers") == 2  # the route ran (not a cached answer)
    # The cache's check (token and data version) stands for the route's: one read, not two.
    assert sum("token_version" in statement for statement in statements) == 1


async def test_an_answer_computed_afresh_reads_on_the_token_checks_connection(
    app: FastAPI, client: httpx.AsyncClient, reached: list[str]
) -> None:
    await make_provider(client, "Acme")  # a write: the next GET is computed afresh
    connections: list[Any] = []
    sessions_made: list[tuple[Any, Any]] = []
    factory, engine = app.state.sessionmaker, app.state.engine

    class CountedEngine:
        @contextlib.asynccontextmanager
        async def connect(self) -> Any:
            async with engine.connect() as connection:
                connections.append(connection)
                yield connection

    def counted(**options: Any) -> Any:
        session = factory(**options)
        sessions_made.append((options.get("bind"), session))
        return session

    app.state.sessionmaker, app.state.engine = counted, CountedEngine()
    try:
        computed = await client.get("/providers")
        served = await client.get("/providers")
        missing = await client.get("/service/424242")
    finally:
        app.state.sessionmaker, app.state.engine = factory, engine

    assert computed.status_code == 200
    assert computed.json()[0]["name"] == "Acme"
    assert served.content == computed.content
    assert missing.status_code == 404
    assert reached.count("/providers") == 2  # the POST, then the first GET only
    # One connection a request for the token check; the kept answer needs no session at all,
    # and the two routes that ran (the first GET, the 404) read with a session on the
    # connection of their check instead of checking out one of their own.
    assert len(connections) == 3
    assert [bind for bind, _ in sessions_made] == [connections[0], connections[2]]
    assert all(session.sync_session.get_transaction() is None for _, session in sessions_made)


async def test_other_query_strings_are_other_answers(
    client: httpx.AsyncClient, reached: list[str]
) -> None:
    await make_provider(client, "Acme")
    await make_provider(client, "Globex")
    everything = await client.get("/providers")
    some = await client.get("/providers", params={"q": "glo"})
    assert [row["name"] for row in everything.json()] == ["Acme", "Globex"]
    assert [row["name"] for row in some.json()] == ["Globex"]
    assert reached.count("/providers") == 4
    assert (await client.get("/providers", params={"q": "glo"})).json() == some.json()
    assert reached.count("/providers") == 4


async def test_any_write_invalidates(client: httpx.AsyncClient, reached: list[str]) -> None:
    service = await make_service(client, "infrastructure", name="AWS")
    path = f"/service/{service['id']}"
    await make_invoice(client, service["id"], "2025-07", "10.00")
    assert (await client.get("/summary")).json()["total"] == "10.00"
    assert (await client.get(path)).json()["name"] == "AWS"
    # Asked again with nothing written in between: both come from the cache.
    assert (await client.get("/summary")).json()["total"] == "10.00"
    assert (await client.get(path)).json()["name"] == "AWS"
    assert reached.count("/summary") == 1
    assert reached.count(path) == 1

    # A POST,
    await make_invoice(client, (await make_service(client, name="GCP"))["id"], "2025-07", "5.00")
    assert (await client.get("/summary")).json()["total"] == "15.00"
    assert reached.count("/summary") == 2
    # a PUT
    assert (await client.put(path, json={"name": "AWS (prod)"})).status_code == 200
    assert (await client.get(path)).json()["name"] == "AWS (prod)"
    # and a DELETE each make the next GET run its route again.
    assert (await client.delete(path)).status_code == 204
    assert (await client.get(path)).json()["active"] is False
    assert reached.count(path) == 1 + 2 + 2  # first GET, then a PUT and a GET, a DELETE and a GET


async def test_a_kept_answer_goes_only_to_a_token_valid_now(
    client: httpx.AsyncClient, admin: AdminUser, reached: list[str]
) -> None:
    assert (await client.get("/categories")).status_code == 200
    assert reached.count("/categories") == 1

    def token(**changes: Any) -> str:
        good: dict[str, Any] = {"user_id": admin.id, "version": 0, "secret": JWT_SECRET}
        return create_token(**{**good, "minutes": 60, **changes})

    # At the same data version, with the answer kept, none of these is answered from it.
    for authorization in [
        f"Bearer {token(version=1)}",  # issued under another token version
        f"Bearer {token(minutes=-1)}",  # expired
        f"Bearer {token(secret='y' * 48)}",  # signed with another key
        f"Bearer {token(user_id=999)}",  # an unknown user
        "Bearer nope",
    ]:
        response = await client.get("/categories", headers={"Authorization": authorization})
        assert response.status_code == 401, authorization
    assert reached.count("/categories") == 6  # each went to the app, which said 401
    # The kept answer is still there for the valid token.
    assert (await client.get("/categories")).status_code == 200
    assert reached.count("/categories") == 6


async def test_a_revoked_token_is_not_answered_from_the_cache(
    client: httpx.AsyncClient, reached: list[str]
) -> None:
    assert (await client.get("/categories")).status_code == 200
    assert (await client.get("/categories")).status_code == 200
    assert reached.count("/categories") == 1  # kept, and served
    old = client.headers["Authorization"]
    changed = await client.post(
        "/auth/password",
        json={"current_password": ADMIN_PASSWORD, "new_password": "a-brand-new-password"},
    )
    assert changed.status_code == 204
    response = await client.get("/categories", headers={"Authorization": old})
    assert response.status_code == 401


async def test_errors_and_anonymous_requests_are_not_cached(
    app: FastAPI, client: httpx.AsyncClient, reached: list[str]
) -> None:
    for _ in range(2):
        assert (await client.get("/service/424242")).status_code == 404
    assert cache_middleware(app).cache.size == 0
    bad = await client.get("/categories", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
    del client.headers["Authorization"]
    for _ in range(2):
        assert (await client.get("/categories")).status_code == 401
    assert cache_middleware(app).cache.size == 0
    assert reached == ["/service/424242"] * 2 + ["/categories"] * 3


async def test_concurrent_misses_compute_once(
    concurrent_client: tuple[httpx.AsyncClient, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _ = concurrent_client
    calls = 0
    original = reports.get_spend_series

    async def counted(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.05)
        return await original(*args, **kwargs)

    monkeypatch.setattr(reports, "get_spend_series", counted)
    params = {"start": "2025-01", "end": "2025-06"}
    answers = await asyncio.gather(
        *(client.get("/summary/series", params=params) for _ in range(8))
    )
    assert {answer.status_code for answer in answers} == {200}
    assert calls == 1


def test_cache_is_bounded_by_size() -> None:
    # Entries weigh their body plus a fixed overhead here (empty keys, no headers).
    cache = ResponseCache(max_bytes=2 * ENTRY_OVERHEAD + 10)

    def entry(version: int, body: bytes) -> _Entry:
        return _Entry(("", b"", TODAY), version, [], body)

    cache.put("a", entry(1, b"12345"))
    cache.put("b", entry(1, b"12345"))
    assert cache.get("a", 1) is not None  # a is now the most recently used
    cache.put("c", entry(1, b"123"))
    assert cache.get("b", 1) is None
    assert cache.get("a", 1) is not None
    assert cache.get("a", 2) is None  # another data version
    cache.put("a", entry(2, b"1"))
    assert cache.size == 2 * ENTRY_OVERHEAD + 4


def test_tokens_are_remembered_until_they_expire(monkeypatch: pytest.MonkeyPatch) -> None:
    decoded: list[str] = []
    original = security._decode

    def counting(token: str, secret: str) -> tuple[int, int, float] | None:
        decoded.append(token)
        return original(token, secret)

    monkeypatch.setattr(security, "_decode", counting)
    token = security.create_token(user_id=7, version=3, secret="s" * 40, minutes=1)
    assert security.decode_token_cached(token, "s" * 40) == (7, 3)
    assert security.decode_token_cached(token, "s" * 40) == (7, 3)
    assert len(decoded) == 1  # the second time from memory
    assert security.decode_token_cached(token, "t" * 40) is None  # another key: checked again
    later = time.time() + 120
    monkeypatch.setattr(time, "time", lambda: later)
    security.decode_token_cached(token, "s" * 40)
    assert len(decoded) == 3  # past its expiry the memory is not trusted
