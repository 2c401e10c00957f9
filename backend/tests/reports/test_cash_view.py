"""``view=cash``: an annual plan's twelve months are counted in the month they are paid."""

from typing import Any

import httpx

from tests.factories import make_plan, make_service


async def series(client: httpx.AsyncClient, view: str, start: str, end: str) -> list[str]:
    params = {"start": start, "end": end, "view": view}
    response = await client.get("/summary/series", params=params)
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    assert {entry["view"] for entry in body} == {view}
    return [entry["by_category"][1]["amount"] for entry in body]  # User License


async def test_an_annual_plan_is_paid_in_its_start_month_and_on_each_anniversary(
    client: httpx.AsyncClient,
) -> None:
    # 3 seats x 10.00 = 30.00 a month, paid yearly from November 2025: 360.00 in 2025-11
    # and in 2026-11. A monthly plan beside it (5.00 from 2026-01) counts the same either way.
    figma = await make_service(client, "User License", name="Figma")
    slack = await make_service(client, "User License", name="Slack")
    plan = await make_plan(client, figma["id"], "2025-11", "10.00", 3, billing_cycle="annual")
    assert plan["billing_cycle"] == "annual"
    await make_plan(client, slack["id"], "2026-01", "5.00", 1)

    accrual = await series(client, "accrual", "2025-10", "2026-12")
    assert accrual == ["0.00", "30.00", "30.00"] + ["35.00"] * 12
    cash = await series(client, "cash", "2025-10", "2026-12")
    assert cash == ["0.00", "360.00", "0.00"] + ["5.00"] * 10 + ["365.00", "5.00"]
    # A year's cash equals a year's accrual from start month to the month before the anniversary.
    assert sum(float(v) for v in cash[1:13]) == sum(float(v) for v in accrual[1:13])


async def test_an_annual_plan_that_ended_is_not_paid_again(client: httpx.AsyncClient) -> None:
    figma = await make_service(client, "User License", name="Figma")
    await make_plan(
        client, figma["id"], "2025-12", "1.00", 12, end_month="2026-11", billing_cycle="annual"
    )
    # 12.00 a month: 144.00 in December 2025; it ends in November 2026: no second payment.
    cash = await series(client, "cash", "2025-11", "2027-01")
    assert cash == ["0.00", "144.00"] + ["0.00"] * 13


async def test_a_new_plan_replaces_the_annual_one_from_its_start(
    client: httpx.AsyncClient,
) -> None:
    figma = await make_service(client, "User License", name="Figma")
    await make_plan(client, figma["id"], "2025-06", "2.00", 1, billing_cycle="annual")
    await make_plan(client, figma["id"], "2026-03", "3.00", 2, billing_cycle="annual")
    # 24.00 in 2025-06; from 2026-03 the new plan: 72.00 then, 72.00 again in 2027-03.
    cash = await series(client, "cash", "2025-06", "2027-06")
    expected = ["24.00"] + ["0.00"] * 8 + ["72.00"] + ["0.00"] * 11 + ["72.00"] + ["0.00"] * 3
    assert cash == expected
    summary = await client.get("/summary", params={"year": 2026, "month": 3, "view": "cash"})
    assert summary.json()["total"] == "72.00"


async def test_an_unknown_view_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.get("/summary", params={"view": "amortised"})
    assert response.status_code == 422


async def test_a_bad_billing_cycle_is_refused(client: httpx.AsyncClient) -> None:
    figma = await make_service(client, "User License", name="Figma")
    body = {
        "service_id": figma["id"],
        "monthly_unit_cost": "1.00",
        "start_month": "2025-01",
        "billing_cycle": "weekly",
    }
    assert (await client.post("/licenses", json=body)).status_code == 422
    body["billing_cycle"] = "annual"
    created = await client.post("/licenses", json=body)
    assert created.status_code == 201
    update = await client.put(f"/licenses/{created.json()['id']}", json={"billing_cycle": None})
    assert update.status_code == 422
    update = await client.put(
        f"/licenses/{created.json()['id']}", json={"billing_cycle": "monthly"}
    )
    assert update.json()["billing_cycle"] == "monthly"
