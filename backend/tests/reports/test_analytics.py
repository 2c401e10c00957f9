"""The Analytics page's reports: spend by service for a month, usage per day (today 2025-07-15)."""

import httpx

from tests.factories import (
    JSON,
    make_consumption,
    make_invoice,
    make_plan,
    make_service,
    make_topup,
)


async def get(client: httpx.AsyncClient, path: str, **params: int) -> JSON:
    response = await client.get(path, params=params)
    assert response.status_code == 200, response.text
    body: JSON = response.json()
    return body


async def test_spend_by_service_worked_out_by_hand(client: httpx.AsyncClient) -> None:
    aws = await make_service(client, "Infrastructure", name="AWS")
    await make_invoice(client, aws["id"], "2025-07", "1000.10")
    await make_invoice(client, aws["id"], "2025-06", "5.00")  # another month
    m365 = await make_service(client, "User License", name="Microsoft 365")
    await make_plan(client, m365["id"], "2025-01", "12.50", 40)  # 500.00
    openai = await make_service(client, "Usage", name="OpenAI")
    await make_consumption(client, openai["id"], "2025-07-01", "30.25")
    await make_consumption(client, openai["id"], "2025-07-20", "10.00")
    hetzner = await make_service(client, "Infrastructure", name="Hetzner")
    # ARS: the bundled ECB rates have none, so it is left out
    await make_invoice(client, hetzner["id"], "2025-07", "80.00", currency="ARS")
    await make_service(client, "Infrastructure", name="Idle")  # nothing this month
    free = await make_service(client, "Infrastructure", name="Free tier")
    await make_invoice(client, free["id"], "2025-07", "0.00")  # billed nothing: not a slice

    body = await get(client, "/summary/by-service", year=2025, month=7)
    assert (body["year"], body["month"], body["currency"]) == (2025, 7, "USD")
    assert [(row["service_name"], row["code"], row["amount"]) for row in body["services"]] == [
        ("AWS", "infrastructure", "1000.10"),
        ("Microsoft 365", "license", "500.00"),
        ("OpenAI", "usage", "40.25"),
    ]
    assert body["services"][0]["provider_name"] == "Provider of AWS"
    assert body["total"] == "1540.35"
    left_out = [(r["service_name"], r["currency"], r["amount"]) for r in body["unconverted"]]
    assert left_out == [("Hetzner", "ARS", "80.00")]
    # The same total as the summary.
    summary = await get(client, "/summary", year=2025, month=7)
    assert summary["total"] == body["total"]


async def test_spend_by_service_defaults_to_this_month(client: httpx.AsyncClient) -> None:
    body = await get(client, "/summary/by-service")
    assert (body["year"], body["month"]) == (2025, 7)
    assert body["services"] == []
    assert body["total"] == "0.00"
    assert (await client.get("/summary/by-service", params={"year": 2025})).status_code == 422


async def test_daily_usage_fills_every_day(client: httpx.AsyncClient) -> None:
    openai = await make_service(client, "Usage", name="OpenAI")
    anthropic = await make_service(client, "Usage", name="Anthropic")
    await make_consumption(client, openai["id"], "2025-07-15", "1.10")  # today
    await make_consumption(client, openai["id"], "2025-07-15", "2.20")
    await make_consumption(client, anthropic["id"], "2025-07-15", "0.70")
    await make_consumption(client, openai["id"], "2025-07-13", "5.00")
    await make_consumption(client, openai["id"], "2025-07-12", "9.00")  # before the 3 days
    await make_consumption(client, openai["id"], "2025-07-16", "9.00")  # after today
    mistral = await make_service(client, "Usage", name="Mistral")
    await make_topup(client, mistral["id"], "2025-07-01", "100.00", currency="ARS")
    await make_consumption(client, mistral["id"], "2025-07-14", "3.00")

    body = await get(client, "/usage/daily", days=3)
    assert body == {
        "currency": "USD",
        "start": "2025-07-13",
        "end": "2025-07-15",
        "total": "9.00",
        "days": [
            {"day": "2025-07-13", "amount": "5.00"},
            {"day": "2025-07-14", "amount": "0.00"},
            {"day": "2025-07-15", "amount": "4.00"},
        ],
        "unconverted": [{"currency": "ARS", "amount": "3.00"}],
    }


async def test_daily_usage_is_30_days_by_default_and_bounded(client: httpx.AsyncClient) -> None:
    body = await get(client, "/usage/daily")
    assert len(body["days"]) == 30
    assert (body["start"], body["end"]) == ("2025-06-16", "2025-07-15")
    assert (await client.get("/usage/daily", params={"days": 0})).status_code == 422
    assert (await client.get("/usage/daily", params={"days": 367})).status_code == 422


async def test_analytics_convert_with_the_month_rate(client: httpx.AsyncClient) -> None:
    """A EUR invoice at a rate entered by hand: 80.00 EUR / 0.8 = 100.00 USD, in the total."""
    hetzner = await make_service(client, "Infrastructure", name="Hetzner")
    await make_invoice(client, hetzner["id"], "2025-07", "80.00", currency="EUR")
    assert (await client.put("/fx-rates/EUR/2025-07", json={"rate": "0.8"})).status_code in (
        200,
        201,
    )
    body = (await client.get("/summary/by-service", params={"year": 2025, "month": 7})).json()
    assert [(row["service_name"], row["currency"], row["amount"]) for row in body["services"]] == [
        ("Hetzner", "USD", "100.00")
    ]
    assert body["total"] == "100.00"
    assert body["unconverted"] == []
