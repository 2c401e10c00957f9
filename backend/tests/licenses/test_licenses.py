"""License plans: the plan-in-force rule, monthly cost, uniqueness and commitments."""

from datetime import date

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from costwatch.licenses.service import get_license_commitments
from tests.factories import JSON, make_plan, make_service


async def license_service(client: httpx.AsyncClient, name: str = "Microsoft 365") -> JSON:
    return await make_service(client, "User License", name=name)


async def license_amount(client: httpx.AsyncClient, year: int, month: int) -> str:
    body = (await client.get("/summary", params={"year": year, "month": month})).json()
    amount: str = {item["code"]: item["amount"] for item in body["by_category"]}["license"]
    return amount


async def test_monthly_cost_is_unit_cost_times_qty(client: httpx.AsyncClient) -> None:
    service = await license_service(client)
    plan = await make_plan(client, service["id"], "2025-01", "12.50", 40)
    assert plan["monthly_cost"] == "500.00"
    assert plan["monthly_unit_cost"] == "12.50"
    assert plan["start_month"] == "2025-01-01"
    assert plan["service_name"] == "Microsoft 365"
    assert plan["provider_name"] == "Provider of Microsoft 365"
    assert plan["currency"] == "USD"


async def test_plan_in_force_across_a_price_change_and_an_end_month(
    client: httpx.AsyncClient,
) -> None:
    service = await license_service(client)
    await make_plan(client, service["id"], "2025-01", "10.00", 5)
    await make_plan(client, service["id"], "2025-04-01", "12.00", 5, end_month="2025-06")
    expected = {
        (2024, 12): "0.00",  # before the first plan
        (2025, 1): "50.00",
        (2025, 3): "50.00",
        (2025, 4): "60.00",  # the price change
        (2025, 6): "60.00",  # the end month itself still counts
        (2025, 7): "0.00",  # the latest plan has ended; the older one does not come back
        (2026, 1): "0.00",
    }
    for (year, month), amount in expected.items():
        assert await license_amount(client, year, month) == amount, (year, month)


async def test_plans_of_several_services_add_up(client: httpx.AsyncClient) -> None:
    first = await license_service(client, "Microsoft 365")
    second = await license_service(client, "Adobe CC")
    await make_plan(client, first["id"], "2025-01", "12.50", 40)
    await make_plan(client, second["id"], "2025-03", "54.99", 3)
    await make_plan(client, second["id"], "2025-06", "59.99", 3)
    assert await license_amount(client, 2025, 2) == "500.00"
    assert await license_amount(client, 2025, 5) == "664.97"  # 500.00 + 3 x 54.99
    assert await license_amount(client, 2025, 7) == "679.97"  # 500.00 + 3 x 59.99


async def test_active_filter_splits_on_the_plan_in_force_this_month(
    client: httpx.AsyncClient,
) -> None:
    # today is 2025-07-15
    service = await license_service(client)
    old = await make_plan(client, service["id"], "2025-01", "10.00", 5)
    current = await make_plan(client, service["id"], "2025-05", "11.00", 6)
    future = await make_plan(client, service["id"], "2025-09", "12.00", 7)
    ended = await license_service(client, "Ended")
    gone = await make_plan(client, ended["id"], "2025-01", "1.00", 1, end_month="2025-06")

    active = await client.get("/licenses", params={"active": "true"})
    assert [plan["id"] for plan in active.json()] == [current["id"]]
    assert active.headers["X-Total-Count"] == "1"
    inactive = await client.get("/licenses", params={"active": "false"})
    assert {plan["id"] for plan in inactive.json()} == {old["id"], future["id"], gone["id"]}
    everything = await client.get("/licenses")
    assert everything.headers["X-Total-Count"] == "4"
    by_service = await client.get("/licenses", params={"service_id": ended["id"]})
    assert [plan["id"] for plan in by_service.json()] == [gone["id"]]


async def test_pagination(client: httpx.AsyncClient) -> None:
    service = await license_service(client)
    for month in range(1, 6):
        await make_plan(client, service["id"], f"2025-0{month}", "1.00", month)
    page = await client.get("/licenses", params={"limit": 2, "offset": 1})
    assert page.headers["X-Total-Count"] == "5"
    # newest plan first
    assert [plan["start_month"] for plan in page.json()] == ["2025-04-01", "2025-03-01"]


async def test_same_service_and_start_month_is_a_conflict(client: httpx.AsyncClient) -> None:
    service = await license_service(client)
    await make_plan(client, service["id"], "2025-01", "10.00", 5)
    response = await client.post(
        "/licenses",
        json={
            "service_id": service["id"],
            "start_month": "2025-01-01",
            "monthly_unit_cost": 1,
            "qty": 1,
        },
    )
    assert response.status_code == 409
    assert "already has a plan" in response.json()["detail"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("qty", -1),
        ("qty", 1.5),
        ("monthly_unit_cost", "-0.01"),
        ("monthly_unit_cost", "1.001"),
        ("start_month", "2025-07-02"),
        ("start_month", "2025-13"),
        ("end_month", "2024-12"),  # before start_month
        ("annual_commitment_end", "2025-02-30"),
        ("currency", "XYZ"),
        ("service_id", 0),
    ],
)
async def test_bad_plan_is_rejected_and_nothing_is_stored(
    client: httpx.AsyncClient, field: str, value: object
) -> None:
    service = await license_service(client)
    body = {
        "service_id": service["id"],
        "start_month": "2025-01",
        "monthly_unit_cost": "9.99",
        "qty": 2,
    }
    response = await client.post("/licenses", json={**body, field: value})
    assert response.status_code == 422, response.text
    assert (await client.get("/licenses")).json() == []


async def test_plan_on_a_service_of_another_category_is_rejected(client: httpx.AsyncClient) -> None:
    infra = await make_service(client, "Infrastructure", name="AWS")
    body = {"service_id": infra["id"], "start_month": "2025-01", "monthly_unit_cost": "1", "qty": 1}
    response = await client.post("/licenses", json=body)
    assert response.status_code == 422
    assert "not a User License service" in response.json()["detail"][0]["msg"]
    missing = await client.post("/licenses", json={**body, "service_id": 999999})
    assert missing.status_code == 422


async def test_update_and_delete_a_plan(client: httpx.AsyncClient) -> None:
    service = await license_service(client)
    plan = await make_plan(client, service["id"], "2025-01", "10.00", 5)
    later = await make_plan(client, service["id"], "2025-03", "10.00", 6)

    response = await client.put(f"/licenses/{plan['id']}", json={"end_month": "2025-02", "qty": 7})
    assert response.status_code == 200
    assert response.json()["end_month"] == "2025-02-01"
    assert response.json()["monthly_cost"] == "70.00"

    # its end month (2025-02) would fall before the new start
    backwards_start = await client.put(f"/licenses/{plan['id']}", json={"start_month": "2025-03"})
    assert backwards_start.status_code == 422
    clash = await client.put(
        f"/licenses/{plan['id']}", json={"start_month": "2025-03", "end_month": None}
    )
    assert clash.status_code == 409
    backwards = await client.put(f"/licenses/{later['id']}", json={"end_month": "2025-01"})
    assert backwards.status_code == 422
    null_qty = await client.put(f"/licenses/{plan['id']}", json={"qty": None})
    assert null_qty.status_code == 422
    reopened = await client.put(f"/licenses/{plan['id']}", json={"end_month": None})
    assert reopened.json()["end_month"] is None

    assert (await client.delete(f"/licenses/{plan['id']}")).status_code == 204
    assert (await client.get(f"/licenses/{plan['id']}")).status_code == 404
    assert (await client.delete(f"/licenses/{plan['id']}")).status_code == 404
    assert (await client.put(f"/licenses/{plan['id']}", json={"qty": 1})).status_code == 404


async def test_commitment_window_bounds(client: httpx.AsyncClient, today: date) -> None:
    # today is 2025-07-15, so the default window ends on 2025-10-13 (today + 90 days).
    service = await license_service(client)
    ends = {
        "2025-01": "2025-07-14",  # yesterday: over, not listed
        "2025-02": "2025-07-15",  # today: listed, 0 days left
        "2025-03": "2025-10-13",  # the last day of the default window: listed
        "2025-04": "2025-10-14",  # one day past it
    }
    plans = {}
    for start, end in ends.items():
        plans[end] = await make_plan(
            client, service["id"], start, "10.00", 3, annual_commitment_end=end
        )

    default = (await client.get("/alerts/commitments")).json()
    assert [alert["annual_commitment_end"] for alert in default] == ["2025-07-15", "2025-10-13"]
    assert [alert["days_remaining"] for alert in default] == [0, 90]
    first = default[0]
    assert first["id"] == plans["2025-07-15"]["id"]
    assert first["service_id"] == service["id"]
    assert first["service_name"] == "Microsoft 365"
    assert first["monthly_cost"] == "30.00"

    narrow = await client.get("/alerts/commitments", params={"expiring_before": "2025-08-01"})
    assert [alert["annual_commitment_end"] for alert in narrow.json()] == ["2025-07-15"]
    wide = await client.get("/alerts/commitments", params={"expiring_before": "2025-10-14"})
    assert len(wide.json()) == 3
    past = await client.get("/alerts/commitments", params={"expiring_before": "2025-07-01"})
    assert past.json() == []
    bad = await client.get("/alerts/commitments", params={"expiring_before": "soon"})
    assert bad.status_code == 422


async def test_spec_helper_get_license_commitments(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    service = await license_service(client)
    await make_plan(
        client, service["id"], "2025-01", "10.00", 3, annual_commitment_end="2025-08-31"
    )
    async with sessions() as session:
        alerts = await get_license_commitments(session, date(2025, 9, 1))
        none = await get_license_commitments(session, date(2025, 8, 30))
    assert [alert.annual_commitment_end for alert in alerts] == [date(2025, 8, 31)]
    assert alerts[0].days_remaining == 47
    assert none == []


async def test_a_monthly_cost_past_ten_billion_is_422(client: httpx.AsyncClient) -> None:
    """Unit cost x seats is an amount too: it must fit, on create and on a partial update."""
    office = await make_service(client, "license", name="Huge suite")
    body = {
        "service_id": office["id"],
        "start_month": "2025-01",
        "monthly_unit_cost": "9999999999.99",
        "qty": 2,
    }
    refused = await client.post("/licenses", json=body)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "qty"]
    plan = await make_plan(client, office["id"], "2025-01", "9999999999.99", 1)
    assert (await client.put(f"/licenses/{plan['id']}", json={"qty": 2})).status_code == 422
    cheaper = await client.put(
        f"/licenses/{plan['id']}", json={"monthly_unit_cost": "1000.00", "qty": 9_999_999}
    )
    assert cheaper.status_code == 200
    assert cheaper.json()["monthly_cost"] == "9999999000.00"
    assert (await client.get("/licenses")).json()[0]["qty"] == 9_999_999
