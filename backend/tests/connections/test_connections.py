"""Provider connections through the API: sealed credentials, exact and idempotent syncs.

The server is frozen at 2025-07-15 (conftest); syncs talk to local fakes of the providers.
"""

import asyncio
import logging
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pytest_httpserver import HTTPServer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from costwatch.models import ProviderConnection, UsageConsumption
from costwatch.vault import Vault
from tests.connections.fakes import FakeAnthropic, FakeOpenAI, FakeOpenRouter, FakeTwilio
from tests.factories import make_consumption, make_service, make_topup
from tests.usage.exact import assert_totals_exact

JSON = dict[str, Any]


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Back off in milliseconds: the tests' fakes fail on purpose."""
    from costwatch.connections import providers

    monkeypatch.setattr(providers.RetryPolicy, "__init__", _quick_init)


def _quick_init(
    self: Any,
    attempts: int = 3,
    base_delay: float = 0.01,
    max_delay: float = 2.0,
    timeout: float = 5.0,
) -> None:
    object.__setattr__(self, "attempts", attempts)
    object.__setattr__(self, "base_delay", base_delay)
    object.__setattr__(self, "max_delay", max_delay)
    object.__setattr__(self, "timeout", timeout)


async def connect(client: httpx.AsyncClient, fake: Any, service_id: int, **extra: Any) -> JSON:
    kinds = {
        FakeOpenAI: ("openai", {"api_key": getattr(fake, "key", "")}),
        FakeAnthropic: ("anthropic", {"api_key": getattr(fake, "key", "")}),
        FakeOpenRouter: ("openrouter", {"api_key": getattr(fake, "key", "")}),
        FakeTwilio: (
            "twilio",
            {"account_sid": getattr(fake, "sid", ""), "auth_token": getattr(fake, "token", "")},
        ),
    }
    kind, credentials = kinds[type(fake)]
    body = {
        "kind": kind,
        "name": f"{kind} billing",
        "service_id": service_id,
        "credentials": credentials,
        "base_url": fake.base_url,
        "sync_from": "2025-06-01",
        **extra,
    }
    response = await client.post("/connections", json=body)
    assert response.status_code == 201, response.text
    result: JSON = response.json()
    return result


async def rows(connection: AsyncConnection, service_id: int) -> dict[str, tuple[str, str | None]]:
    """The service's consumption rows: day -> (amount, source)."""
    result = await connection.execute(
        select(
            UsageConsumption.consumption_date,
            UsageConsumption.amount_consumed,
            UsageConsumption.source,
        )
        .where(UsageConsumption.service_id == service_id)
        .order_by(UsageConsumption.consumption_date, UsageConsumption.id)
    )
    return {f"{day}": (f"{amount:.2f}", source) for day, amount, source in result.all()}


async def usage_of(client: httpx.AsyncClient, year: int, month: int) -> str:
    summary = (await client.get("/summary", params={"year": year, "month": month})).json()
    return str({row["code"]: row["amount"] for row in summary["by_category"]}["usage"])


async def test_a_sync_writes_one_row_a_day_that_add_up_to_the_month_total(
    client: httpx.AsyncClient, connection: AsyncConnection, httpserver: HTTPServer
) -> None:
    fake = FakeOpenAI(httpserver)
    # Thirds of a cent: rounding each day would lose a cent a day; the month keeps them.
    for day in (1, 2, 3):
        fake.costs[date(2025, 6, day)] = ["0.003333"]
    fake.costs[date(2025, 6, 30)] = ["10.00"]
    fake.costs[date(2025, 7, 14)] = ["0.1", "0.2"]  # results of two line items
    service = await make_service(client, "usage", name="OpenAI")
    made = await connect(client, fake, service["id"])

    assert made["has_credentials"] is True
    assert "credentials" not in made
    assert made["last_status"] == "never"

    result = await client.post(f"/connections/{made['id']}/sync")

    assert result.status_code == 200, result.text
    assert result.json() == {
        "run_id": result.json()["run_id"],
        "days": 5,
        "created": 3,  # June 2 (the running total reaches 0.01), June 30, July 14
        "updated": 0,
        "unchanged": 2,  # June 1 rounds to nothing yet, June 3 adds nothing to 0.01
        "through": "2025-07-15",
    }
    source = f"connection:{made['id']}"
    assert await rows(connection, service["id"]) == {
        "2025-06-02": ("0.01", source),
        "2025-06-30": ("10.00", source),
        "2025-07-14": ("0.30", source),
    }
    assert await usage_of(client, 2025, 6) == "10.01"  # 10.009999 rounded once
    listed = (await client.get("/usage/consumption", params={"service_id": service["id"]})).json()
    assert {row["source"] for row in listed} == {source}
    events = (await client.get("/usage/events", params={"service_id": service["id"]})).json()
    assert {event["source"] for event in events} == {source}
    shown = (await client.get(f"/connections/{made['id']}")).json()
    assert shown["last_status"] == "ok"
    assert shown["synced_through"] == "2025-07-15"


async def test_syncing_again_changes_nothing_and_revisions_update_in_place(
    client: httpx.AsyncClient, connection: AsyncConnection, httpserver: HTTPServer
) -> None:
    fake = FakeAnthropic(httpserver)
    fake.costs[date(2025, 7, 10)] = ["500"]  # cents
    fake.costs[date(2025, 7, 11)] = ["250"]
    service = await make_service(client, "usage", name="Claude")
    await make_topup(client, service["id"], "2025-07-01", "100.00")
    manual = await make_consumption(client, service["id"], "2025-07-10", "1.23")
    made = await connect(client, fake, service["id"], sync_from="2025-07-01")
    path = f"/connections/{made['id']}/sync"

    first = (await client.post(path)).json()
    again = (await client.post(path)).json()
    ids_before = dict(
        (
            await connection.execute(
                select(UsageConsumption.consumption_date, UsageConsumption.id).where(
                    UsageConsumption.source.is_not(None)
                )
            )
        ).all()
    )
    fake.costs[date(2025, 7, 11)] = ["275"]  # the provider revised a day
    del fake.costs[date(2025, 7, 10)]  # ... and withdrew another
    revised = (await client.post(path)).json()

    assert (first["created"], first["updated"]) == (2, 0)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    assert (revised["created"], revised["updated"]) == (0, 2)
    stored = await rows(connection, service["id"])
    assert stored == {
        "2025-07-10": ("1.23", None),
        "2025-07-11": ("2.75", made and f"connection:{made['id']}"),
    }
    updated_id = (
        await connection.execute(
            select(UsageConsumption.id).where(
                UsageConsumption.consumption_date == date(2025, 7, 11)
            )
        )
    ).scalar_one()
    assert updated_id == ids_before[date(2025, 7, 11)]  # in place, not replaced
    assert manual["amount_consumed"] == "1.23"
    assert await usage_of(client, 2025, 7) == "3.98"
    balance = (await client.get(f"/usage/balances/{service['id']}")).json()
    assert balance["balance"] == "96.02"  # the rollup followed every change
    await assert_totals_exact(connection)


async def test_a_provider_balance_is_shown_beside_ours(
    client: httpx.AsyncClient, httpserver: HTTPServer
) -> None:
    fake = FakeTwilio(httpserver)
    fake.costs[date(2025, 7, 2)] = ["0.66"]
    service = await make_service(client, "usage", name="Twilio SMS")
    await make_topup(client, service["id"], "2025-07-01", "20.00")
    made = await connect(client, fake, service["id"], sync_from="2025-07-01")

    assert (await client.post(f"/connections/{made['id']}/sync")).status_code == 200
    shown = (await client.get(f"/connections/{made['id']}")).json()

    assert shown["provider_balance"] == "12.34"
    assert shown["provider_balance_currency"] == "USD"
    assert shown["balance"] == "19.34"
    assert shown["balance_difference"] == "-7.00"


async def test_openrouter_without_activity_access_still_syncs_its_balance(
    client: httpx.AsyncClient, connection: AsyncConnection, httpserver: HTTPServer
) -> None:
    fake = FakeOpenRouter(httpserver)
    fake.activity_allowed = False
    fake.costs[date(2025, 7, 10)] = ["1.00"]
    service = await make_service(client, "usage", name="OpenRouter")
    made = await connect(client, fake, service["id"])

    result = (await client.post(f"/connections/{made['id']}/sync")).json()

    assert result["days"] == 0
    assert await rows(connection, service["id"]) == {}
    assert (await client.get(f"/connections/{made['id']}")).json()["provider_balance"] == "74.75"


async def test_a_failure_half_way_keeps_finished_months_and_resumes(
    client: httpx.AsyncClient, connection: AsyncConnection, httpserver: HTTPServer
) -> None:
    fake = FakeOpenAI(httpserver)
    fake.costs[date(2025, 6, 5)] = ["4.00"]
    fake.costs[date(2025, 7, 5)] = ["7.00"]
    service = await make_service(client, "usage", name="OpenAI")
    made = await connect(client, fake, service["id"])
    fake.seen.clear()
    original = fake.handle
    calls = 0

    def june_then_refuse(request: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls > 1:  # June's one page, then July's request is refused
            fake.fail(401)
        return original(request)

    httpserver.clear()
    httpserver.expect_request("/v1/organization/costs").respond_with_handler(june_then_refuse)
    failed = await client.post(f"/connections/{made['id']}/sync")

    assert failed.status_code == 502
    assert "refused the credentials" in failed.json()["detail"]
    assert FakeOpenAI.key not in failed.text
    assert await rows(connection, service["id"]) == {
        "2025-06-05": ("4.00", f"connection:{made['id']}")
    }
    shown = (await client.get(f"/connections/{made['id']}")).json()
    assert (shown["last_status"], shown["synced_through"]) == ("error", "2025-06-30")
    runs = (await client.get(f"/connections/{made['id']}/runs")).json()
    assert runs[0]["status"] == "error"
    assert runs[0]["through"] == "2025-06-30"
    assert "HTTP 401" in runs[0]["error"]

    httpserver.clear()  # answers normally again
    httpserver.expect_request("/v1/organization/costs").respond_with_handler(fake.handle)
    resumed = (await client.post(f"/connections/{made['id']}/sync")).json()
    assert resumed["created"] == 1  # July; June re-read (revision window) and unchanged
    assert (await client.get(f"/connections/{made['id']}")).json()["last_status"] == "ok"


async def test_costs_in_another_currency_than_the_funds_are_refused(
    client: httpx.AsyncClient, connection: AsyncConnection, httpserver: HTTPServer
) -> None:
    fake = FakeOpenAI(httpserver)
    fake.costs[date(2025, 7, 1)] = ["1.00"]
    service = await make_service(client, "usage", name="OpenAI EU")
    await make_topup(client, service["id"], "2025-07-01", "50.00", currency="EUR")
    made = await connect(client, fake, service["id"])

    failed = await client.post(f"/connections/{made['id']}/sync")

    assert failed.status_code == 502
    assert "funds are in EUR" in failed.json()["detail"]
    assert await rows(connection, service["id"]) == {}


async def test_credentials_are_write_only_and_never_logged(
    client: httpx.AsyncClient,
    app: FastAPI,
    connection: AsyncConnection,
    httpserver: HTTPServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    fake = FakeOpenAI(httpserver)
    service = await make_service(client, "usage", name="OpenAI")
    made = await connect(client, fake, service["id"])
    answers = [
        await client.get("/connections"),
        await client.get(f"/connections/{made['id']}"),
        await client.put(f"/connections/{made['id']}", json={"credentials": {"api_key": " x"}}),
        await client.post(
            "/connections",
            json={"kind": "twilio", "name": "t", "service_id": service["id"],
                  "credentials": {"api_key": FakeOpenAI.key}},
        ),
        await client.post(f"/connections/{made['id']}/sync"),
        await client.get(f"/connections/{made['id']}/runs"),
        await client.get("/audit"),
    ]  # fmt: skip

    assert [answer.status_code for answer in answers][2:4] == [422, 422]
    for answer in answers:
        assert FakeOpenAI.key not in answer.text
    assert FakeOpenAI.key not in caplog.text
    stored = (await connection.execute(select(ProviderConnection.credentials))).scalar_one()
    assert FakeOpenAI.key not in stored
    vault: Vault = app.state.vault
    assert vault.decrypt(stored) == {"api_key": FakeOpenAI.key}
    audit = (await client.get("/audit", params={"entity": "provider_connection"})).json()
    sealed = [
        entry["after"]["credentials"] for entry in audit if "credentials" in (entry["after"] or {})
    ]
    assert sealed and set(sealed) == {"(secret)"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "openai", "credentials": {}}, "credentials"),
        ({"kind": "twilio", "credentials": {"account_sid": "AC1"}}, "credentials"),
        ({"kind": "groq", "credentials": {"api_key": "k"}}, "kind"),
        ({"kind": "openai", "credentials": {"api_key": "k"}, "base_url": "ftp://x"}, "base_url"),
        (
            {"kind": "openai", "credentials": {"api_key": "k"}, "sync_from": "2030-01-01"},
            "sync_from",
        ),
    ],
)
async def test_bad_connections_are_422(client: httpx.AsyncClient, body: JSON, field: str) -> None:
    service = await make_service(client, "usage", name="Some API")
    response = await client.post(
        "/connections", json={"name": "x", "service_id": service["id"], **body}
    )
    assert response.status_code == 422, response.text
    assert any(field in str(error["loc"]) for error in response.json()["detail"])
    assert (await client.get("/connections")).json() == []


async def test_a_connection_feeds_only_a_usage_service(client: httpx.AsyncClient) -> None:
    infra = await make_service(client, "infrastructure", name="AWS")
    body = {
        "kind": "openai",
        "name": "x",
        "service_id": infra["id"],
        "credentials": {"api_key": "k"},
    }
    response = await client.post("/connections", json=body)
    assert response.status_code == 422


async def test_update_delete_and_unknown_ids(
    client: httpx.AsyncClient, connection: AsyncConnection, httpserver: HTTPServer
) -> None:
    fake = FakeOpenAI(httpserver)
    fake.costs[date(2025, 7, 1)] = ["3.00"]
    service = await make_service(client, "usage", name="OpenAI")
    made = await connect(client, fake, service["id"], sync_from="2025-07-01")
    await client.post(f"/connections/{made['id']}/sync")

    renamed = await client.put(
        f"/connections/{made['id']}",
        json={"name": "Renamed", "enabled": False, "sync_from": "2025-06-15"},
    )
    assert renamed.status_code == 200
    assert (renamed.json()["name"], renamed.json()["enabled"]) == ("Renamed", False)
    assert renamed.json()["synced_through"] is None  # an earlier start: backfill again
    assert (await client.put(f"/connections/{made['id']}", json={"name": None})).status_code == 422
    assert (await client.delete(f"/connections/{made['id']}")).status_code == 204
    assert (await client.get(f"/connections/{made['id']}")).status_code == 404
    assert (await client.post(f"/connections/{made['id']}/sync")).status_code == 404
    assert (await client.get(f"/connections/{made['id']}/runs")).status_code == 404
    # The synced history stays with the service.
    assert await rows(connection, service["id"]) == {
        "2025-07-01": ("3.00", f"connection:{made['id']}")
    }


async def test_simultaneous_syncs_of_one_connection_write_each_day_once(
    concurrent_client: tuple[httpx.AsyncClient, Any], httpserver: HTTPServer
) -> None:
    """Two "Sync now" at once (a double click, a scheduled tick): each day is stored once.

    The second waits for the first's lock on the connection, then either finds its run still
    going (409) or runs after it and finds nothing to change.
    """
    client, engine = concurrent_client
    fake = FakeOpenAI(httpserver)
    for day in range(1, 11):
        fake.costs[date(2025, 7, day)] = ["1.50"]
    service = await make_service(client, "usage", name="OpenAI")
    made = await connect(client, fake, service["id"], sync_from="2025-07-01")
    path = f"/connections/{made['id']}/sync"
    for _ in range(3):
        first, second = await asyncio.gather(client.post(path), client.post(path))
        assert {first.status_code, second.status_code} <= {200, 409}, (first.text, second.text)
        assert 200 in (first.status_code, second.status_code)
    async with engine.connect() as connection:
        stored = await rows(connection, service["id"])
        await assert_totals_exact(connection)
    assert len(stored) == 10
    assert {amount for amount, _ in stored.values()} == {"1.50"}
    assert await usage_of(client, 2025, 7) == "15.00"
