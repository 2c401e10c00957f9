"""The month-end forecast, worked out by hand (today is frozen at 2025-07-15)."""

from collections.abc import Callable
from datetime import date
from typing import Any

import httpx

from costwatch.forecast.service import days_left
from tests.factories import JSON, make_consumption, make_invoice, make_plan, make_service

# July 2025 has 31 days: 16 are left after the 15th. The run rate's 30 days run from
# 2025-06-16 to 2025-07-15, both included.


async def forecast(client: httpx.AsyncClient, **params: Any) -> JSON:
    response = await client.get("/forecast", params=params)
    assert response.status_code == 200, response.text
    body: JSON = response.json()
    return body


def by_code(body: JSON) -> dict[str, JSON]:
    return {item["code"]: item for item in body["by_category"]}


async def a_month_of_data(client: httpx.AsyncClient) -> None:
    """Data for July 2025 in progress; the expected figures are in the test below."""
    # AWS: no July invoice; its last 3 invoiced months are Jun, Apr, Mar (May is a gap; Feb is
    # a 4th, too old): (200.00 + 300.00 + 100.00) / 3 = 200.00.
    aws = await make_service(client, "Infrastructure", name="AWS")
    for month, amount in [
        ("2025-02", "999.99"),
        ("2025-03", "100.00"),
        ("2025-04", "300.00"),
        ("2025-06", "200.00"),
    ]:
        await make_invoice(client, aws["id"], month, amount)
    # GCP has its July invoice: that is its forecast (June's is not looked at).
    gcp = await make_service(client, "Infrastructure", name="GCP")
    await make_invoice(client, gcp["id"], "2025-07", "150.00")
    await make_invoice(client, gcp["id"], "2025-06", "9999.00")
    # Two invoices: (100.00 + 100.01) / 2 = 100.005, not rounded on its own.
    azure = await make_service(client, "Infrastructure", name="Azure")
    await make_invoice(client, azure["id"], "2025-05", "100.00")
    await make_invoice(client, azure["id"], "2025-06", "100.01")
    # (0.01 + 0.01 + 0.00) / 3 = 0.00666...; rounded alone it would add a cent.
    tiny = await make_service(client, "Infrastructure", name="Tiny")
    for month, amount in [("2025-04", "0.01"), ("2025-05", "0.01"), ("2025-06", "0.00")]:
        await make_invoice(client, tiny["id"], month, amount)
    # Last invoiced 13 months before July: outside the 12-month look-back, forecasts 0.
    old = await make_service(client, "Infrastructure", name="Old")
    await make_invoice(client, old["id"], "2024-06", "5000.00")
    # Deactivated: no forecast from its history.
    gone = await make_service(client, "Infrastructure", name="Gone")
    await make_invoice(client, gone["id"], "2025-06", "7000.00")
    assert (await client.delete(f"/service/{gone['id']}")).status_code == 204

    # Licenses: 12.50 x 40 = 500.00, known for the whole month.
    m365 = await make_service(client, "User License", name="Microsoft 365")
    await make_plan(client, m365["id"], "2025-01", "12.50", 40)

    # Usage: consumed in the window 30.00 + 60.00 + 30.00 + 10.00 = 130.00 -> 130/30 a day;
    # x 16 days = 69.333...; consumption dated in July: 60 + 30 + 5 + 10 = 105.00.
    openai = await make_service(client, "Usage", name="OpenAI")
    await make_consumption(client, openai["id"], "2025-06-15", "1000.00")  # before the window
    await make_consumption(client, openai["id"], "2025-06-16", "30.00")  # first day of it
    await make_consumption(client, openai["id"], "2025-07-01", "60.00")
    await make_consumption(client, openai["id"], "2025-07-15", "30.00")  # today: in it
    await make_consumption(client, openai["id"], "2025-07-20", "5.00")  # after today
    anthropic = await make_service(client, "Usage", name="Anthropic")
    await make_consumption(client, anthropic["id"], "2025-07-10", "10.00")


async def test_a_month_in_progress_worked_out_by_hand(
    client: httpx.AsyncClient, categories: dict[str, int]
) -> None:
    await a_month_of_data(client)
    body = await forecast(client, year=2025, month=7)
    assert body["year"] == 2025
    assert body["month"] == 7
    assert body["currency"] == "USD"
    assert body["as_of"] == "2025-07-15"
    assert body["by_category"] == [
        {
            "category_id": categories["infrastructure"],
            "category": "Infrastructure",
            "code": "infrastructure",
            "actual": "150.00",
            # 150.00 + 200.00 + 100.005 + 0.00666 = 450.01166 (450.02 if each were rounded)
            "forecast": "450.01",
            "to_come": "300.01",
            "method": "invoice + trailing 3-month average",
        },
        {
            "category_id": categories["license"],
            "category": "User License",
            "code": "license",
            "actual": "500.00",
            "forecast": "500.00",
            "to_come": "0.00",
            "method": "plans in force",
        },
        {
            "category_id": categories["usage"],
            "category": "Usage",
            "code": "usage",
            "actual": "105.00",
            "forecast": "174.33",  # 105.00 + 69.333...
            "to_come": "69.33",
            "method": "run rate 30 days",
        },
    ]
    assert body["actual"] == "755.00"
    assert body["forecast"] == "1124.34"
    assert body["to_come"] == "369.34"
    assert body["unconverted"] == []


async def test_actual_is_the_summary(client: httpx.AsyncClient) -> None:
    await a_month_of_data(client)
    summary = (await client.get("/summary", params={"year": 2025, "month": 7})).json()
    body = await forecast(client)  # this month by default
    assert (body["year"], body["month"]) == (2025, 7)
    assert body["actual"] == summary["total"]
    assert [item["actual"] for item in body["by_category"]] == [
        item["amount"] for item in summary["by_category"]
    ]


async def test_a_past_month_forecast_is_its_actual(client: httpx.AsyncClient) -> None:
    await a_month_of_data(client)
    body = await forecast(client, year=2025, month=6)
    # June: invoices 200.00 + 9999.00 + 100.01 + 0.00 + 7000.00; plan 500.00;
    # consumption 1000.00 + 30.00 (no run rate added to a month that is over).
    assert by_code(body)["infrastructure"]["actual"] == "17299.01"
    assert by_code(body)["usage"]["actual"] == "1030.00"
    for item in body["by_category"]:
        assert item["forecast"] == item["actual"]
        assert item["method"] == "actual"
    assert body["forecast"] == body["actual"] == "18829.01"
    assert body["to_come"] == "0.00"


async def test_a_future_month_uses_every_day_and_the_trailing_months(
    client: httpx.AsyncClient,
) -> None:
    aws = await make_service(client, "Infrastructure", name="AWS")
    await make_invoice(client, aws["id"], "2025-06", "90.00")
    await make_invoice(client, aws["id"], "2025-07", "30.00")
    seats = await make_service(client, "User License", name="Seats")
    await make_plan(client, seats["id"], "2025-01", "10.00", 3)
    await make_plan(client, seats["id"], "2025-09", "10.00", 5)  # a change already planned
    openai = await make_service(client, "Usage", name="OpenAI")
    await make_consumption(client, openai["id"], "2025-07-01", "90.00")
    await make_consumption(client, openai["id"], "2025-09-02", "1.00")  # dated ahead
    body = by_code(await forecast(client, year=2025, month=9))
    # September: AWS's last invoiced months before it are Jul and Jun: (30 + 90) / 2 = 60.00.
    assert body["infrastructure"] == body["infrastructure"] | {
        "actual": "0.00",
        "forecast": "60.00",
        "method": "trailing 3-month average",
    }
    assert body["license"]["forecast"] == body["license"]["actual"] == "50.00"
    # 90.00 / 30 a day x 30 days of September + the 1.00 already dated in it.
    assert body["usage"] == body["usage"] | {"actual": "1.00", "forecast": "91.00"}


async def test_the_last_day_of_the_month_adds_no_run_rate(
    client: httpx.AsyncClient, set_today: Callable[[date], None]
) -> None:
    set_today(date(2025, 7, 31))
    openai = await make_service(client, "Usage", name="OpenAI")
    await make_consumption(client, openai["id"], "2025-07-31", "300.00")
    usage = by_code(await forecast(client))["usage"]
    assert usage["actual"] == usage["forecast"] == "300.00"
    assert usage["method"] == "run rate 30 days"


async def test_the_first_day_of_the_month(
    client: httpx.AsyncClient, set_today: Callable[[date], None]
) -> None:
    set_today(date(2025, 8, 1))  # 30 days left after today
    openai = await make_service(client, "Usage", name="OpenAI")
    await make_consumption(client, openai["id"], "2025-07-03", "60.00")  # 2025-07-03 is in
    await make_consumption(client, openai["id"], "2025-07-02", "99.00")  # one day too old
    aws = await make_service(client, "Infrastructure", name="AWS")
    await make_invoice(client, aws["id"], "2025-08", "10.00")
    body = by_code(await forecast(client))
    assert body["usage"]["forecast"] == "60.00"  # 60 / 30 x 30
    assert body["infrastructure"] == body["infrastructure"] | {
        "forecast": "10.00",
        "method": "invoice",
    }


async def test_other_currencies_are_converted_with_the_month_rate_or_kept_apart(
    client: httpx.AsyncClient,
) -> None:
    hetzner = await make_service(client, "Infrastructure", name="Hetzner")
    for month, amount in [("2025-04", "10.00"), ("2025-05", "20.00"), ("2025-06", "30.00")]:
        await make_invoice(client, hetzner["id"], month, amount, currency="EUR")
    # A rate entered by hand wins over the bundled ECB one: 0.80 EUR per USD.
    put = await client.put("/fx-rates/EUR/2025-07", json={"rate": "0.8"})
    assert put.status_code in (200, 201), put.text
    local = await make_service(client, "Infrastructure", name="Buenos Aires DC")
    await make_invoice(client, local["id"], "2025-06", "900.00", currency="ARS")  # no rate
    aws = await make_service(client, "Infrastructure", name="AWS")
    await make_invoice(client, aws["id"], "2025-06", "40.00")
    body = await forecast(client, year=2025, month=7)
    # 40.00 USD + the EUR mean 20.00 / 0.8 = 25.00 USD; the ARS mean has no rate.
    assert by_code(body)["infrastructure"]["forecast"] == "65.00"
    assert body["unconverted"] == [{"currency": "ARS", "actual": "0.00", "forecast": "900.00"}]


async def test_an_empty_month(client: httpx.AsyncClient) -> None:
    body = await forecast(client, year=2025, month=7)
    assert body["actual"] == body["forecast"] == "0.00"
    assert [item["method"] for item in body["by_category"]] == [
        "invoice",
        "plans in force",
        "run rate 30 days",
    ]


async def test_year_and_month_come_together(client: httpx.AsyncClient) -> None:
    assert (await client.get("/forecast", params={"year": 2025})).status_code == 422
    assert (await client.get("/forecast", params={"year": 2025, "month": 13})).status_code == 422
    assert (await client.get("/forecast", params={"year": 1999, "month": 1})).status_code == 422


async def test_needs_a_token(anon: httpx.AsyncClient) -> None:
    assert (await anon.get("/forecast")).status_code == 401


def test_days_left_counts_the_days_after_today() -> None:
    today = date(2024, 2, 15)  # a leap year: February has 29 days
    assert days_left(date(2024, 2, 1), today) == 14
    assert days_left(date(2024, 3, 1), today) == 31  # a future month: all of it
    assert days_left(date(2024, 1, 1), today) == 0  # a past month: none
