"""Budgets: CRUD, validation and the month's status (today is frozen at 2025-07-15)."""

from typing import Any

import httpx
import pytest

from tests.factories import (
    JSON,
    make_consumption,
    make_invoice,
    make_plan,
    make_service,
    make_topup,
    post,
)


async def status(client: httpx.AsyncClient, **params: Any) -> dict[str, JSON]:
    response = await client.get("/budgets/status", params=params)
    assert response.status_code == 200, response.text
    return {row["name"]: row for row in response.json()}


async def test_a_budget_is_created_read_listed_changed_and_deleted(
    client: httpx.AsyncClient, categories: dict[str, int]
) -> None:
    created = await post(
        client,
        "/budgets",
        {"name": " Cloud ", "scope": "category", "category_id": categories["infrastructure"],
         "amount": 1000, "thresholds": [100, 50, 80, 80]},
    )  # fmt: skip
    assert created["name"] == "Cloud"
    assert created["amount"] == "1000.00"
    assert created["thresholds"] == [50, 80, 100]
    assert created["subject"] == "Infrastructure"
    assert created["currency"] == "USD"
    total = await post(client, "/budgets", {"name": "All", "scope": "total", "amount": "5000"})
    assert total["thresholds"] == [80, 100]
    assert total["subject"] == "All spend"

    listed = await client.get("/budgets", params={"limit": 1})
    assert listed.headers["X-Total-Count"] == "2"
    assert [row["name"] for row in listed.json()] == ["All"]
    assert (await client.get(f"/budgets/{created['id']}")).json() == created

    changed = await client.put(
        f"/budgets/{created['id']}", json={"amount": "1200.50", "thresholds": [90]}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["amount"] == "1200.50"
    assert changed.json()["thresholds"] == [90]

    assert (await client.delete(f"/budgets/{created['id']}")).status_code == 204
    assert (await client.get(f"/budgets/{created['id']}")).status_code == 404
    assert (await client.delete(f"/budgets/{created['id']}")).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "scope": "total", "amount": "0"}, "amount"),
        ({"name": "x", "scope": "total", "amount": "-5"}, "amount"),
        ({"name": "x", "scope": "total", "amount": "1.234"}, "amount"),
        ({"name": "x", "scope": "total", "amount": "10", "thresholds": [0]}, "thresholds"),
        ({"name": "x", "scope": "total", "amount": "10", "thresholds": [1001]}, "thresholds"),
        ({"name": "x", "scope": "total", "amount": "10", "thresholds": []}, "thresholds"),
        ({"name": "x", "scope": "category", "amount": "10"}, None),
        ({"name": "x", "scope": "service", "amount": "10"}, None),
        ({"name": "x", "scope": "total", "service_id": 1, "amount": "10"}, None),
        ({"name": "x", "scope": "everything", "amount": "10"}, "scope"),
        ({"name": "", "scope": "total", "amount": "10"}, "name"),
        ({"name": "x", "scope": "total", "amount": "10", "extra": 1}, "extra"),
    ],
)
async def test_bad_budgets_are_422_and_store_nothing(
    client: httpx.AsyncClient, body: JSON, field: str | None
) -> None:
    response = await client.post("/budgets", json=body)
    assert response.status_code == 422, response.text
    if field is not None:
        assert field in response.text
    assert (await client.get("/budgets")).json() == []


async def test_a_budget_needs_an_existing_subject(
    client: httpx.AsyncClient, categories: dict[str, int]
) -> None:
    missing = await client.post(
        "/budgets", json={"name": "x", "scope": "service", "service_id": 999, "amount": "10"}
    )
    assert missing.status_code == 422
    assert "Service 999 does not exist" in missing.text
    no_category = await client.post(
        "/budgets", json={"name": "x", "scope": "category", "category_id": 999, "amount": "10"}
    )
    assert no_category.status_code == 422
    budget = await post(client, "/budgets", {"name": "x", "scope": "total", "amount": "10"})
    # A scope change needs the id it names, and drops the one it does not take.
    bad = await client.put(f"/budgets/{budget['id']}", json={"scope": "category"})
    assert bad.status_code == 422
    good = await client.put(
        f"/budgets/{budget['id']}",
        json={"scope": "category", "category_id": categories["usage"]},
    )
    assert good.status_code == 200, good.text
    assert good.json()["subject"] == "Usage"
    back = await client.put(f"/budgets/{budget['id']}", json={"scope": "total"})
    assert back.json()["category_id"] is None
    assert (await client.put(f"/budgets/{budget['id']}", json={"amount": None})).status_code == 422


async def test_status_counts_spend_and_forecast_per_scope(
    client: httpx.AsyncClient, categories: dict[str, int]
) -> None:
    # Infrastructure: a July invoice of 600.00 (its forecast is the invoice itself).
    aws = await make_service(client, "Infrastructure", name="AWS")
    await make_invoice(client, aws["id"], "2025-07", "600.00")
    # Licenses: 10 x 20.00 = 200.00, known for the month.
    seats = await make_service(client, "User License", name="Seats")
    await make_plan(client, seats["id"], "2025-01", "20.00", 10)
    # Usage: 3.00 a day from 2025-06-16 to 2025-07-15 (30 days): 45.00 in July so far, and
    # the run rate 90.00 / 30 = 3.00 x 16 days left = 48.00 to come.
    openai = await make_service(client, "Usage", name="OpenAI")
    await make_topup(client, openai["id"], "2025-06-01", "500.00")
    for day in range(16, 31):
        await make_consumption(client, openai["id"], f"2025-06-{day:02d}", "3.00")
    for day in range(1, 16):
        await make_consumption(client, openai["id"], f"2025-07-{day:02d}", "3.00")

    await post(client, "/budgets", {"name": "All", "scope": "total", "amount": "1000"})
    await post(
        client,
        "/budgets",
        {"name": "Cloud", "scope": "category", "category_id": categories["infrastructure"],
         "amount": "750", "thresholds": [50, 80, 100]},
    )  # fmt: skip
    await post(
        client,
        "/budgets",
        {"name": "AI", "scope": "service", "service_id": openai["id"], "amount": "60",
         "thresholds": [75, 100, 200]},
    )  # fmt: skip

    rows = await status(client)
    everything = rows["All"]
    assert everything["spent"] == "845.00"  # 600 + 200 + 45
    assert everything["forecast"] == "893.00"  # + 48
    assert everything["percent_spent"] == "84.5"
    assert everything["crossed"] == [80]
    assert everything["forecast_crosses"] == []
    assert (everything["year"], everything["month"]) == (2025, 7)
    cloud = rows["Cloud"]
    assert (cloud["spent"], cloud["forecast"]) == ("600.00", "600.00")
    assert cloud["crossed"] == [50, 80]  # 600 is exactly 80 % of 750: reached
    assert cloud["percent_spent"] == "80.0"
    ai = rows["AI"]
    assert (ai["spent"], ai["forecast"]) == ("45.00", "93.00")
    assert ai["crossed"] == [75]
    assert ai["forecast_crosses"] == [100]
    assert ai["percent_forecast"] == "155.0"

    # June is over: its forecast is its actual (45.00 of consumption, 200.00 of seats).
    june = await status(client, year=2025, month=6)
    assert (june["All"]["spent"], june["All"]["forecast"]) == ("245.00", "245.00")
    assert (await client.get("/budgets/status", params={"year": 2025})).status_code == 422


async def test_status_without_budgets_is_empty(client: httpx.AsyncClient) -> None:
    assert await status(client) == {}
