"""Prepaid runway on the balances: daily burn, days left and the run-out date.

Today is frozen at 2025-07-15; the burn window is 2025-06-16 to 2025-07-15, both included.
"""

from typing import Any

import httpx

from tests.factories import JSON, make_consumption, make_service, make_topup


async def funded(
    client: httpx.AsyncClient, name: str, topup: str, consumption: list[tuple[str, str]]
) -> JSON:
    service = await make_service(client, "Usage", name=name)
    await make_topup(client, service["id"], "2025-06-01", topup)
    for day, amount in consumption:
        await make_consumption(client, service["id"], day, amount)
    return service


async def balance(client: httpx.AsyncClient, service_id: int) -> JSON:
    response = await client.get(f"/usage/balances/{service_id}")
    assert response.status_code == 200, response.text
    body: JSON = response.json()
    return body


def runway(row: JSON) -> tuple[Any, Any, Any]:
    return row["daily_burn"], row["days_left"], row["runout_date"]


async def test_days_left_rounds_down(client: httpx.AsyncClient) -> None:
    # Window: 50.00 (06-20) + 100.00 (07-05) = 150.00 -> 5.00 a day; 40.00 on 06-10 is older
    # but still consumed: balance 300.00 - 190.00 = 110.00 -> 22 days (22.0), 2025-08-06.
    service = await funded(
        client,
        "OpenAI",
        "300.00",
        [("2025-06-10", "40.00"), ("2025-06-20", "50.00"), ("2025-07-05", "100.00")],
    )
    assert runway(await balance(client, service["id"])) == ("5.00", 22, "2025-08-06")


async def test_exact_division(client: httpx.AsyncClient) -> None:
    # 150.00 in the window (first and last day of it) -> 5.00 a day; 150.00 left -> 30 days.
    service = await funded(
        client, "OpenAI", "300.00", [("2025-06-16", "75.00"), ("2025-07-15", "75.00")]
    )
    assert runway(await balance(client, service["id"])) == ("5.00", 30, "2025-08-14")


async def test_days_left_uses_the_exact_burn(client: httpx.AsyncClient) -> None:
    # 100.00 in 30 days: 3.333... a day (shown 3.33). 99.99 / 3.333... = 29.997 -> 29;
    # dividing by the rounded 3.33 would say 30.
    service = await funded(client, "OpenAI", "199.99", [("2025-07-01", "100.00")])
    assert runway(await balance(client, service["id"])) == ("3.33", 29, "2025-08-13")


async def test_nothing_consumed_in_30_days_never_runs_out(client: httpx.AsyncClient) -> None:
    # 2025-06-15 is one day before the window; 2025-07-16 is after today.
    service = await funded(
        client, "OpenAI", "100.00", [("2025-06-15", "10.00"), ("2025-07-16", "10.00")]
    )
    row = await balance(client, service["id"])
    assert row["balance"] == "80.00"
    assert runway(row) == ("0.00", None, None)


async def test_a_balance_at_or_below_zero_has_run_out(client: httpx.AsyncClient) -> None:
    empty = await funded(client, "Empty", "10.00", [("2025-07-10", "10.00")])
    assert runway(await balance(client, empty["id"])) == ("0.33", 0, "2025-07-15")
    below = await funded(client, "Below", "10.00", [("2025-07-10", "40.00")])
    assert runway(await balance(client, below["id"])) == ("1.33", 0, "2025-07-15")
    # Below zero without recent consumption: still out of money, not "never".
    stale = await funded(client, "Stale", "10.00", [("2025-05-01", "11.00")])
    assert runway(await balance(client, stale["id"])) == ("0.00", 0, "2025-07-15")


async def test_a_runway_past_every_date_has_no_runout_date(client: httpx.AsyncClient) -> None:
    service = await funded(client, "Rich", "9999999999.99", [("2025-07-15", "0.01")])
    row = await balance(client, service["id"])
    assert row["days_left"] == 29999999999940  # 9999999999.98 x 30 / 0.01
    assert row["runout_date"] is None


async def test_the_list_sorts_by_days_left(client: httpx.AsyncClient) -> None:
    never = await funded(client, "Never", "100.00", [])
    four = await funded(client, "Four", "170.00", [("2025-07-01", "150.00")])  # 20.00, 5/day
    three = await funded(client, "Three", "200.00", [("2025-07-01", "180.00")])  # 20.00, 6/day
    out = await funded(client, "Out", "100.00", [("2025-07-01", "200.00")])
    response = await client.get("/usage/balances", params={"sort": "days_left"})
    assert response.status_code == 200, response.text
    rows = response.json()
    assert [row["service_id"] for row in rows] == [out["id"], three["id"], four["id"], never["id"]]
    assert [row["days_left"] for row in rows] == [0, 3, 4, None]
    assert rows[1]["runout_date"] == "2025-07-18"
    backwards = (await client.get("/usage/balances", params={"sort": "-days_left"})).json()
    assert [row["service_id"] for row in backwards] == [
        never["id"],
        four["id"],
        three["id"],
        out["id"],
    ]
    page = await client.get("/usage/balances", params={"sort": "days_left", "limit": 2})
    assert [row["service_id"] for row in page.json()] == [out["id"], three["id"]]
    assert page.headers["X-Total-Count"] == "4"
