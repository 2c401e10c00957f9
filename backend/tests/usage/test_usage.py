"""Usage services: top-ups, consumption, balances and low-balance alerts."""

from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from costwatch.usage.service import get_usage_balance, low_balance_alerts
from tests.factories import JSON, make_consumption, make_service, make_topup


async def usage_service(client: httpx.AsyncClient, name: str = "OpenAI API") -> JSON:
    return await make_service(client, "Usage", name=name)


async def balance_of(client: httpx.AsyncClient, service_id: int) -> JSON:
    response = await client.get(f"/usage/balances/{service_id}")
    assert response.status_code == 200
    balance: JSON = response.json()
    return balance


async def test_ten_consumptions_of_ten_cents_make_exactly_one(client: httpx.AsyncClient) -> None:
    service = await usage_service(client)
    await make_topup(client, service["id"], "2025-07-01", "5.00")
    for day in range(1, 11):
        await make_consumption(client, service["id"], f"2025-07-{day:02d}", "0.10")
    balance = await balance_of(client, service["id"])
    assert balance["total_consumed"] == "1.00"
    assert balance["balance"] == "4.00"
    summary = (await client.get("/summary", params={"year": 2025, "month": 7})).json()
    usage = {item["category"]: item["amount"] for item in summary["by_category"]}["Usage"]
    assert usage == "1.00"


async def test_balance_is_topups_minus_consumption_and_may_go_negative(
    client: httpx.AsyncClient,
) -> None:
    service = await usage_service(client)
    await make_topup(client, service["id"], "2025-05-01", "100.00")
    await make_topup(client, service["id"], "2025-06-01", 50.5)
    await make_consumption(client, service["id"], "2025-06-10", "120.25")
    await make_consumption(client, service["id"], "2025-07-10", 40)
    balance = await balance_of(client, service["id"])
    assert balance == {
        **balance,
        "service_id": service["id"],
        "service_name": "OpenAI API",
        "currency": "USD",
        "total_topups": "150.50",
        "total_consumed": "160.25",
        "balance": "-9.75",
        "last_topup_date": "2025-06-01",
        "last_topup_amount": "50.50",
    }


async def test_balances_list_every_usage_service(client: httpx.AsyncClient) -> None:
    funded = await usage_service(client, "OpenAI API")
    unfunded = await usage_service(client, "Twilio")
    await make_service(client, "Infrastructure", name="AWS")  # not a usage service
    await make_topup(client, funded["id"], "2025-07-01", "10.00")
    balances = (await client.get("/usage/balances")).json()
    assert [row["service_name"] for row in balances] == ["OpenAI API", "Twilio"]
    empty = balances[1]
    assert empty["service_id"] == unfunded["id"]
    assert (empty["total_topups"], empty["balance"], empty["last_topup_date"]) == (
        "0.00",
        "0.00",
        None,
    )
    assert empty["last_topup_amount"] is None


async def test_last_topup_is_the_latest_date_then_the_latest_entry(
    client: httpx.AsyncClient,
) -> None:
    service = await usage_service(client)
    await make_topup(client, service["id"], "2025-07-02", "30.00")
    await make_topup(client, service["id"], "2025-07-01", "999.00")  # entered later, dated earlier
    await make_topup(client, service["id"], "2025-07-02", "20.00")  # same day, entered last
    balance = await balance_of(client, service["id"])
    assert (balance["last_topup_date"], balance["last_topup_amount"]) == ("2025-07-02", "20.00")


async def test_one_currency_per_service(client: httpx.AsyncClient) -> None:
    service = await usage_service(client)
    topup = await make_topup(client, service["id"], "2025-07-01", "100.00", currency="eur")
    assert topup["currency"] == "EUR"
    response = await client.post(
        "/usage/topups",
        json={
            "service_id": service["id"],
            "topup_date": "2025-07-02",
            "amount_purchased": "5",
            "currency": "USD",
        },
    )
    assert response.status_code == 422
    assert "EUR" in response.json()["detail"][0]["msg"]
    consumption = await make_consumption(client, service["id"], "2025-07-03", "1.00")
    assert consumption["currency"] == "EUR"
    assert (await client.get("/usage/topups")).headers["X-Total-Count"] == "1"
    assert (await balance_of(client, service["id"]))["currency"] == "EUR"


@pytest.mark.parametrize(
    ("path", "field", "value"),
    [
        ("/usage/topups", "amount_purchased", "0"),
        ("/usage/topups", "amount_purchased", "-5.00"),
        ("/usage/topups", "amount_purchased", "1e3"),
        ("/usage/topups", "topup_date", "2025-07-15T10:00:00"),
        ("/usage/topups", "topup_date", "1999-12-31"),
        ("/usage/topups", "currency", "ABC"),
        ("/usage/consumption", "amount_consumed", 0),
        ("/usage/consumption", "amount_consumed", "0.001"),
        ("/usage/consumption", "amount_consumed", "12345678901.00"),
        ("/usage/consumption", "consumption_date", "2025-02-29"),
        ("/usage/consumption", "consumption_date", 20250701),
    ],
)
async def test_bad_usage_input_is_rejected_and_nothing_is_stored(
    client: httpx.AsyncClient, path: str, field: str, value: object
) -> None:
    service = await usage_service(client)
    bodies = {
        "/usage/topups": {
            "service_id": service["id"],
            "topup_date": "2025-07-01",
            "amount_purchased": "5",
        },
        "/usage/consumption": {
            "service_id": service["id"],
            "consumption_date": "2025-07-01",
            "amount_consumed": "5",
        },
    }
    response = await client.post(path, json={**bodies[path], field: value})
    assert response.status_code == 422, response.text
    listing = await client.get(path)
    assert listing.json() == []
    assert listing.headers["X-Total-Count"] == "0"


async def test_records_need_a_usage_service(client: httpx.AsyncClient) -> None:
    infra = await make_service(client, "Infrastructure", name="AWS")
    topup = await client.post(
        "/usage/topups",
        json={"service_id": infra["id"], "topup_date": "2025-07-01", "amount_purchased": "5"},
    )
    assert topup.status_code == 422
    consumption = await client.post(
        "/usage/consumption",
        json={"service_id": 424242, "consumption_date": "2025-07-01", "amount_consumed": "5"},
    )
    assert consumption.status_code == 422
    assert (await client.get(f"/usage/balances/{infra['id']}")).status_code == 404


async def test_lists_filter_paginate_and_delete(client: httpx.AsyncClient) -> None:
    first = await usage_service(client, "OpenAI API")
    second = await usage_service(client, "Twilio")
    for day in range(1, 4):
        await make_topup(client, first["id"], f"2025-06-0{day}", "10.00")
        await make_consumption(client, first["id"], f"2025-06-0{day}", "1.00")
    other = await make_consumption(client, second["id"], "2025-06-09", "2.00")

    topups = await client.get("/usage/topups", params={"service_id": first["id"], "limit": 2})
    assert topups.headers["X-Total-Count"] == "3"
    assert [row["topup_date"] for row in topups.json()] == ["2025-06-03", "2025-06-02"]
    consumption = await client.get("/usage/consumption", params={"service_id": second["id"]})
    assert [row["id"] for row in consumption.json()] == [other["id"]]

    assert (await client.delete(f"/usage/consumption/{other['id']}")).status_code == 204
    assert (await client.delete(f"/usage/consumption/{other['id']}")).status_code == 404
    topup_id = topups.json()[0]["id"]
    assert (await client.delete(f"/usage/topups/{topup_id}")).status_code == 204
    assert (await client.delete(f"/usage/topups/{topup_id}")).status_code == 404
    balance = await balance_of(client, first["id"])
    assert (balance["total_topups"], balance["total_consumed"]) == ("20.00", "3.00")


async def low_balance(client: httpx.AsyncClient, **params: Any) -> list[JSON]:
    response = await client.get("/alerts/low-balance", params=params)
    assert response.status_code == 200, response.text
    alerts: list[JSON] = response.json()
    return alerts


async def test_low_balance_at_the_threshold_edge(client: httpx.AsyncClient) -> None:
    service = await usage_service(client)
    await make_topup(client, service["id"], "2025-07-01", "100.00")
    await make_consumption(client, service["id"], "2025-07-02", "80.00")
    # balance 20.00 is exactly 20 % of the last top-up: not below it
    assert await low_balance(client) == []
    await make_consumption(client, service["id"], "2025-07-03", "0.01")
    alerts = await low_balance(client)
    assert alerts == [
        {
            **alerts[0],
            "service_id": service["id"],
            "service_name": "OpenAI API",
            "balance": "19.99",
            "last_topup_amount": "100.00",
            "threshold_amount": "20.00",
        }
    ]
    assert await low_balance(client, threshold_percent=19.99) == []
    assert len(await low_balance(client, threshold_percent=20)) == 1


async def test_low_balance_compares_against_the_last_topup_only(client: httpx.AsyncClient) -> None:
    service = await usage_service(client)
    await make_topup(client, service["id"], "2025-06-01", "1000.00")
    await make_topup(client, service["id"], "2025-07-01", "10.00")
    await make_consumption(client, service["id"], "2025-07-02", "1005.00")
    # balance 5.00; 20 % of the last top-up (10.00) is 2.00
    assert await low_balance(client) == []
    alerts = await low_balance(client, threshold_percent=50.01)
    assert [alert["threshold_amount"] for alert in alerts] == ["5.00"]  # 5.001 shown rounded


async def test_low_balance_skips_services_never_topped_up(client: httpx.AsyncClient) -> None:
    service = await usage_service(client)
    await make_consumption(client, service["id"], "2025-07-02", "5.00")
    assert await low_balance(client, threshold_percent=100) == []


@pytest.mark.parametrize("value", ["-1", "100.01", "abc", "1.234"])
async def test_low_balance_threshold_must_be_a_percent(
    client: httpx.AsyncClient, value: str
) -> None:
    response = await client.get("/alerts/low-balance", params={"threshold_percent": value})
    assert response.status_code == 422


async def test_spec_helpers(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    service = await usage_service(client)
    await make_topup(client, service["id"], "2025-07-01", "50.00")
    await make_consumption(client, service["id"], "2025-07-02", "45.50")
    async with sessions() as session:
        assert await get_usage_balance(session, service["id"]) == Decimal("4.50")
        alerts = await low_balance_alerts(session, Decimal(10))
    assert [alert.service_id for alert in alerts] == [service["id"]]
    assert alerts[0].threshold_amount == Decimal("5.00")
