"""API tokens (contract): hashed at rest, shown once, read/write scope, expiry, revocation."""

from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from costwatch import clock
from costwatch.models import ApiToken
from tests.factories import make_provider


async def make_token(client: httpx.AsyncClient, scope: str, **extra: Any) -> dict[str, Any]:
    response = await client.post(
        "/tokens", json={"name": f"{scope} script", "scope": scope, **extra}
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_token_is_shown_once_and_stored_hashed(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    made = await make_token(client, "read")
    assert made["token"].startswith("cw_")
    assert len(made["token"]) > 40
    assert made["prefix"] == made["token"][:10]
    assert made["last_used_at"] is None

    listed = (await client.get("/tokens")).json()
    assert [row["id"] for row in listed] == [made["id"]]
    assert "token" not in listed[0]
    assert made["token"] not in (await client.get("/tokens")).text
    async with engine.connect() as connection:
        stored = (await connection.execute(select(ApiToken.token_hash))).scalar_one()
    assert stored != made["token"]
    assert made["token"] not in stored
    assert len(stored) == 64


async def test_a_read_token_reads_and_gets_403_on_every_write(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    await make_provider(client, "Acme")
    token = (await make_token(client, "read"))["token"]

    listed = await anon.get("/providers", headers=bearer(token))
    assert listed.status_code == 200
    assert [row["name"] for row in listed.json()] == ["Acme"]
    assert (await anon.get("/auth/me", headers=bearer(token))).json() == {
        "email": "admin@example.com"
    }
    refused = await anon.post("/providers", json={"name": "Other"}, headers=bearer(token))
    assert refused.status_code == 403
    assert "only read" in refused.json()["detail"]
    password = await anon.post(
        "/auth/password",
        json={"current_password": "x", "new_password": "plum quartz lantern 47"},
        headers=bearer(token),
    )
    assert password.status_code == 403
    assert [row["name"] for row in (await client.get("/providers")).json()] == ["Acme"]


async def test_a_write_token_writes_and_is_named_in_the_audit(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    token = (await make_token(client, "write"))["token"]
    created = await anon.post("/providers", json={"name": "Scripted"}, headers=bearer(token))
    assert created.status_code == 201
    entries = (await client.get("/audit", params={"entity": "provider"})).json()
    assert entries[0]["actor"] == "token:write script"
    assert entries[0]["entity_id"] == created.json()["id"]


async def test_tokens_cannot_manage_tokens(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    token = (await make_token(client, "write"))["token"]
    assert (await anon.get("/tokens", headers=bearer(token))).status_code == 403
    made = await anon.post(
        "/tokens", json={"name": "more", "scope": "write"}, headers=bearer(token)
    )
    assert made.status_code == 403


async def test_a_deleted_token_is_401_at_once_even_for_a_cached_answer(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    made = await make_token(client, "read")
    first = await anon.get("/summary", headers=bearer(made["token"]))
    assert first.status_code == 200
    assert (await client.delete(f"/tokens/{made['id']}")).status_code == 204
    again = await anon.get("/summary", headers=bearer(made["token"]))
    assert again.status_code == 401
    assert again.headers["WWW-Authenticate"] == "Bearer"
    assert (await client.delete(f"/tokens/{made['id']}")).status_code == 404


async def test_an_expired_token_is_401(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = datetime(2025, 7, 15, 12, 0)
    monkeypatch.setattr(clock, "now", lambda: now)
    made = await make_token(client, "read", expires_at="2025-07-15T13:00:00Z")
    assert made["expires_at"] == "2025-07-15T13:00:00Z"
    assert (await anon.get("/summary", headers=bearer(made["token"]))).status_code == 200
    later = now + timedelta(hours=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert (await anon.get("/summary", headers=bearer(made["token"]))).status_code == 401
    past = await client.post(
        "/tokens", json={"name": "x", "scope": "read", "expires_at": "2025-07-01T00:00:00Z"}
    )
    assert past.status_code == 422


async def test_last_used_at_is_noted(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = datetime(2025, 7, 15, 12, 0)
    monkeypatch.setattr(clock, "now", lambda: now)
    made = await make_token(client, "read")
    assert (await anon.get("/categories", headers=bearer(made["token"]))).status_code == 200
    row = (await client.get("/tokens")).json()[0]
    assert row["last_used_at"] == "2025-07-15T12:00:00Z"


@pytest.mark.parametrize(
    "body",
    [
        {"name": "", "scope": "read"},
        {"name": "x", "scope": "admin"},
        {"name": "x"},
        {"name": "x", "scope": "read", "expires_at": "tomorrow"},
    ],
)
async def test_bad_token_requests_are_422(client: httpx.AsyncClient, body: dict[str, Any]) -> None:
    assert (await client.post("/tokens", json=body)).status_code == 422
    assert (await client.get("/tokens")).json() == []
