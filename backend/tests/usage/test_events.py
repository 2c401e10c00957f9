"""One usage service's history: top-ups and consumption in one paged list; balance fields."""

import httpx

from tests.factories import make_consumption, make_service, make_topup


async def test_events_merge_topups_and_consumption_newest_first(
    client: httpx.AsyncClient,
) -> None:
    service = await make_service(client, "Usage", name="OpenAI")
    other = await make_service(client, "Usage", name="Twilio")
    await make_topup(client, service["id"], "2025-07-01", "50.00")
    await make_consumption(client, service["id"], "2025-07-03", "12.34")
    await make_topup(client, service["id"], "2025-07-05", "20.00")
    await make_topup(client, other["id"], "2025-07-06", "99.00")  # another service's

    response = await client.get("/usage/events", params={"service_id": service["id"]})

    assert response.status_code == 200
    assert response.headers["X-Total-Count"] == "3"
    rows = response.json()
    assert [(row["kind"], row["day"], row["amount"]) for row in rows] == [
        ("topup", "2025-07-05", "20.00"),
        ("consumption", "2025-07-03", "12.34"),
        ("topup", "2025-07-01", "50.00"),
    ]
    assert {row["currency"] for row in rows} == {"USD"}


async def test_events_page_and_sort(client: httpx.AsyncClient) -> None:
    service = await make_service(client, "Usage", name="OpenAI")
    await make_topup(client, service["id"], "2025-07-01", "50.00")
    for day in range(2, 7):
        await make_consumption(client, service["id"], f"2025-07-{day:02d}", f"{day}.00")
    params = {"service_id": service["id"], "sort": "amount", "limit": 2, "offset": 1}
    response = await client.get("/usage/events", params=params)
    assert response.headers["X-Total-Count"] == "6"
    assert [row["amount"] for row in response.json()] == ["3.00", "4.00"]


async def test_events_of_a_service_that_is_not_a_usage_service_are_422(
    client: httpx.AsyncClient,
) -> None:
    service = await make_service(client, "Infrastructure", name="AWS")
    response = await client.get("/usage/events", params={"service_id": service["id"]})
    assert response.status_code == 422
    missing = await client.get("/usage/events", params={"service_id": 10**9})
    assert missing.status_code == 422
    assert (await client.get("/usage/events")).status_code == 422  # service_id is required


async def test_balances_say_the_threshold_and_whether_they_are_low(
    client: httpx.AsyncClient,
) -> None:
    low = await make_service(client, "Usage", name="Low")
    fine = await make_service(client, "Usage", name="Fine")
    never = await make_service(client, "Usage", name="Never topped up")
    await make_topup(client, low["id"], "2025-07-01", "100.00")
    await make_consumption(client, low["id"], "2025-07-02", "80.01")  # 19.99 left, under 20.00
    await make_topup(client, fine["id"], "2025-07-01", "100.00")
    await make_consumption(client, fine["id"], "2025-07-02", "80.00")  # 20.00 left: not under

    rows = {row["service_id"]: row for row in (await client.get("/usage/balances")).json()}

    assert rows[low["id"]]["low_balance"] is True
    assert rows[fine["id"]]["low_balance"] is False
    assert rows[never["id"]]["low_balance"] is False
    assert rows[never["id"]]["threshold_amount"] is None
    assert {row["threshold_percent"] for row in rows.values()} == {"20"}
    assert rows[fine["id"]]["threshold_amount"] == "20.00"
    # The same rule as /alerts/low-balance, at any threshold.
    alerts = (await client.get("/alerts/low-balance")).json()
    assert [row["service_id"] for row in alerts] == [low["id"]]
    custom = (await client.get("/usage/balances", params={"threshold_percent": "20.01"})).json()
    assert {row["service_id"] for row in custom if row["low_balance"]} == {low["id"], fine["id"]}
    one = await client.get(f"/usage/balances/{fine['id']}", params={"threshold_percent": 50})
    assert one.json()["threshold_amount"] == "50.00"
    assert one.json()["low_balance"] is True


async def test_balances_page_filter_and_sort_on_request(client: httpx.AsyncClient) -> None:
    names = ["Anthropic", "OpenAI", "OpenRouter", "Twilio"]
    services = [await make_service(client, "Usage", name=name) for name in names]
    for amount, service in zip(("40.00", "10.00", "30.00", "20.00"), services, strict=True):
        await make_topup(client, service["id"], "2025-07-01", amount)

    everything = await client.get("/usage/balances")
    assert len(everything.json()) == 4
    assert everything.headers["X-Total-Count"] == "4"

    page = await client.get("/usage/balances", params={"sort": "-balance", "limit": 2, "offset": 1})
    assert page.headers["X-Total-Count"] == "4"
    assert [row["service_name"] for row in page.json()] == ["OpenRouter", "Twilio"]

    found = await client.get("/usage/balances", params={"q": "open", "sort": "service_name"})
    assert [row["service_name"] for row in found.json()] == ["OpenAI", "OpenRouter"]
    assert found.headers["X-Total-Count"] == "2"

    # One statement serves every search (the text is bound): each finds its own rows, and a
    # LIKE wildcard in the text is a plain character.
    for q, expected in [("twi", ["Twilio"]), ("router", ["OpenRouter"]), ("open_", [])]:
        searched = await client.get("/usage/balances", params={"q": q, "limit": 10})
        assert [row["service_name"] for row in searched.json()] == expected
        assert searched.headers["X-Total-Count"] == str(len(expected))
    for service, amount in zip(services, ("40.00", "10.00", "30.00", "20.00"), strict=True):
        one = await client.get(f"/usage/balances/{service['id']}")
        assert one.json()["balance"] == amount
