"""The GET cache: served again only while the data version and the token stay valid."""

import asyncio
import time

from costwatch.auth import security
from costwatch.http_cache import ENTRY_OVERHEAD, ResponseCache, _Entry
from tests.conftest import ADMIN_PASSWORD, TODAY
from tests.factories import make_invoice, make_provider, make_service


def middleware(client):
    """The app's cache middleware (its built middleware stack, outermost first)."""
    app = client._transport.app
    layer = app.middleware_stack
    while layer is not None and type(layer).__name__ != "ResponseCacheMiddleware":
        layer = getattr(layer, "app", None)
    assert layer is not None
    return layer


async def test_repeated_get_is_served_from_the_cache(client):
    await make_provider(client, "Acme")
    first = await client.get("/providers")
    cache = middleware(client).cache
    assert cache.size > 0
    again = await client.get("/providers")
    assert again.json() == first.json()
    assert again.headers["X-Total-Count"] == "1"
    assert again.headers["content-type"] == "application/json"


async def test_any_write_invalidates(client):
    service = await make_service(client, "Infrastructure", name="AWS")
    await make_invoice(client, service["id"], "2025-07", "10.00")
    assert (await client.get("/summary")).json()["total"] == "10.00"
    await make_invoice(client, (await make_service(client, name="GCP"))["id"], "2025-07", "5.00")
    assert (await client.get("/summary")).json()["total"] == "15.00"
    # a PUT and a DELETE too
    await client.put(f"/service/{service['id']}", json={"name": "AWS (prod)"})
    assert (await client.get(f"/service/{service['id']}")).json()["name"] == "AWS (prod)"


async def test_a_revoked_token_is_not_answered_from_the_cache(client):
    await client.get("/categories")
    old = client.headers["Authorization"]
    changed = await client.post(
        "/auth/password",
        json={"current_password": ADMIN_PASSWORD, "new_password": "a-brand-new-password"},
    )
    assert changed.status_code == 204
    response = await client.get("/categories", headers={"Authorization": old})
    assert response.status_code == 401


async def test_errors_and_anonymous_requests_are_not_cached(client):
    assert (await client.get("/service/424242")).status_code == 404
    assert middleware(client).cache.size == 0
    bad = await client.get("/categories", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
    del client.headers["Authorization"]
    assert (await client.get("/categories")).status_code == 401
    assert middleware(client).cache.size == 0


async def test_concurrent_misses_compute_once(concurrent_client, monkeypatch):
    client, _ = concurrent_client
    from costwatch.reports import service as reports

    calls = 0
    original = reports.get_spend_series

    async def counted(*args, **kwargs):
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


def test_cache_is_bounded_by_size():
    # Entries weigh their body plus a fixed overhead here (empty keys, no headers).
    cache = ResponseCache(max_bytes=2 * ENTRY_OVERHEAD + 10)

    def entry(version, body):
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


def test_tokens_are_remembered_until_they_expire(monkeypatch):
    decoded = []
    original = security._decode

    def counting(token, secret):
        decoded.append(token)
        return original(token, secret)

    monkeypatch.setattr(security, "_decode", counting)
    token = security.create_token(user_id=7, version=3, secret="s" * 40, minutes=1)
    assert security.decode_token_cached(token, "s" * 40) == (7, 3)
    assert security.decode_token_cached(token, "s" * 40) == (7, 3)
    assert len(decoded) == 1  # the second time from memory
    assert security.decode_token_cached(token, "t" * 40) is None  # another key: checked again
    later = time.time() + 120
    monkeypatch.setattr(security.time, "time", lambda: later)
    security.decode_token_cached(token, "s" * 40)
    assert len(decoded) == 3  # past its expiry the memory is not trusted
