"""The dashboard's figures, computed on the server, and one commitment per service."""

import httpx

from tests.factories import make_consumption, make_invoice, make_plan, make_service, make_topup


async def test_overview_compares_with_the_same_month_last_year(client: httpx.AsyncClient) -> None:
    aws = await make_service(client, "Infrastructure", name="AWS")
    await make_invoice(client, aws["id"], "2024-07", "200.00")
    await make_invoice(client, aws["id"], "2025-07", "230.00")
    office = await make_service(client, "User License", name="Office")
    await make_plan(client, office["id"], "2025-01", "10.00", 3)
    ended = await make_service(client, "User License", name="Old tool")
    await make_plan(client, ended["id"], "2025-01", "5.00", 7, end_month="2025-06")
    openai = await make_service(client, "Usage", name="OpenAI")
    await make_topup(client, openai["id"], "2025-07-01", "100.00")
    await make_consumption(client, openai["id"], "2025-07-02", "90.00")

    response = await client.get("/summary/overview")

    assert response.status_code == 200
    body = response.json()
    assert body["this_month"]["total"] == "350.00"  # 230 + 3 x 10 + 90
    assert body["same_month_last_year"]["total"] == "200.00"
    assert body["change_percent"] == "75.0"
    assert body["seats_in_force"] == 3  # the ended plan's 7 seats no longer count
    assert body["low_balance_count"] == 1
    assert body["low_balance_percent"] == "20"
    assert body["commitments_due"] == 0


async def test_overview_without_last_year_has_no_change(client: httpx.AsyncClient) -> None:
    aws = await make_service(client, "Infrastructure", name="AWS")
    await make_invoice(client, aws["id"], "2025-07", "230.00")
    body = (await client.get("/summary/overview")).json()
    assert body["change_percent"] is None
    assert body["seats_in_force"] == 0


async def test_one_commitment_per_service_prefers_the_plan_in_force(
    client: httpx.AsyncClient,
) -> None:
    office = await make_service(client, "User License", name="Office")
    old = await make_plan(
        client, office["id"], "2024-09", "10.00", 3, annual_commitment_end="2025-08-31"
    )
    current = await make_plan(
        client, office["id"], "2025-03", "12.00", 3, annual_commitment_end="2025-08-31"
    )
    other = await make_service(client, "User License", name="Zoom")
    alone = await make_plan(
        client, other["id"], "2025-01", "15.00", 2, annual_commitment_end="2025-09-30"
    )

    every = (await client.get("/alerts/commitments")).json()
    assert [row["id"] for row in every] == [old["id"], current["id"], alone["id"]]
    one = (await client.get("/alerts/commitments", params={"one_per_service": True})).json()
    assert [row["id"] for row in one] == [current["id"], alone["id"]]
    assert one[0]["monthly_cost"] == "36.00"
    overview = (await client.get("/summary/overview")).json()
    assert overview["commitments_due"] == 2
