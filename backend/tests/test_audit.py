"""The audit log answers "who changed this plan, and from what" for any change."""

import httpx

from tests.factories import make_plan, make_service


async def test_every_change_of_a_plan_is_recorded_with_before_and_after(
    client: httpx.AsyncClient,
) -> None:
    service = await make_service(client, "User License", name="Office")
    plan = await make_plan(client, service["id"], "2025-01", "10.00", 3)
    changed = await client.put(
        f"/licenses/{plan['id']}", json={"qty": 5}, headers={"X-Request-ID": "change-seats-1"}
    )
    assert changed.status_code == 200
    assert (await client.delete(f"/licenses/{plan['id']}")).status_code == 204

    response = await client.get(
        "/audit", params={"entity": "license_plan", "entity_id": plan["id"]}
    )

    assert response.status_code == 200
    assert response.headers["X-Total-Count"] == "3"
    deleted, updated, created = response.json()
    assert [created["action"], updated["action"], deleted["action"]] == [
        "create",
        "update",
        "delete",
    ]
    assert {created["actor"], updated["actor"], deleted["actor"]} == {"admin"}
    assert created["before"] is None
    assert created["after"]["monthly_unit_cost"] == "10.00"
    assert created["after"]["qty"] == 3
    assert updated["before"] == {"qty": 3}
    assert updated["after"] == {"qty": 5}
    assert updated["request_id"] == "change-seats-1"
    assert deleted["before"]["qty"] == 5
    assert deleted["after"] is None


async def test_a_failed_change_leaves_no_entry(client: httpx.AsyncClient) -> None:
    service = await make_service(client, "User License", name="Office")
    await make_plan(client, service["id"], "2025-01", "10.00", 3)
    clash = await client.post(
        "/licenses",
        json={
            "service_id": service["id"],
            "start_month": "2025-01",
            "monthly_unit_cost": "1.00",
            "qty": 1,
        },
    )
    assert clash.status_code == 409
    entries = (await client.get("/audit", params={"entity": "license_plan"})).json()
    assert len(entries) == 1


async def test_secrets_are_never_in_the_audit(client: httpx.AsyncClient) -> None:
    made = await client.post("/tokens", json={"name": "ci", "scope": "read"})
    token = made.json()["token"]
    entries = (await client.get("/audit", params={"entity": "api_token"})).json()
    assert entries[0]["after"]["token_hash"] == "(secret)"
    assert token not in (await client.get("/audit")).text


async def test_the_audit_cannot_be_changed_through_the_api(client: httpx.AsyncClient) -> None:
    await make_service(client, "Usage", name="OpenAI")
    entry = (await client.get("/audit")).json()[0]
    assert (await client.put(f"/audit/{entry['id']}", json={"actor": "x"})).status_code == 404
    assert (await client.delete(f"/audit/{entry['id']}")).status_code == 404
    assert (await client.post("/audit", json={"actor": "x"})).status_code == 405
    assert (await client.get("/audit")).json()[0] == entry
    assert (await client.get("/audit", params={"actor": "admin"})).headers["X-Total-Count"] == "2"
