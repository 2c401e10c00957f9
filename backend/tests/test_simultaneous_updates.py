"""Simultaneous writes that check something stored and then change it (MariaDB: real connections).

Every writer whose decision depends on another row locks that row before it reads it. Without
the lock, a category change and a new cost record could each see the other not yet there: an
invoice would end up on a license service, and every summary would count it in the wrong place.
"""

import asyncio
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from costwatch.models import InfraInvoice, LicensePlan, Service, UsageConsumption
from tests.factories import category_ids, make_invoice, make_plan, make_provider, make_service

ROUNDS = 8
Concurrent = tuple[httpx.AsyncClient, AsyncEngine]


async def _count(engine: AsyncEngine, model: Any, service_id: int) -> int:
    async with engine.connect() as connection:
        stmt = select(func.count()).select_from(model).where(model.service_id == service_id)
        return int((await connection.execute(stmt)).scalar_one())


async def _category(engine: AsyncEngine, service_id: int) -> int:
    async with engine.connect() as connection:
        stmt = select(Service.category_id).where(Service.id == service_id)
        return int((await connection.execute(stmt)).scalar_one())


async def test_a_category_change_and_a_new_record_never_both_land(
    concurrent_client: Concurrent,
) -> None:
    """One of the two wins: the record (and the change is 409) or the change (and a 422)."""
    client, engine = concurrent_client
    ids = await category_ids(client)
    cases: list[tuple[str, str, str, Any, dict[str, Any]]] = [
        # (from, to, path, model, body without service_id)
        ("infrastructure", "license", "/invoices", InfraInvoice,
         {"invoice_month": "2025-03", "amount": "10.00"}),
        ("license", "usage", "/licenses", LicensePlan,
         {"start_month": "2025-03", "monthly_unit_cost": "5.00", "quantity": 2}),
        ("usage", "infrastructure", "/usage/consumption", UsageConsumption,
         {"consumption_date": "2025-03-04", "amount_consumed": "1.00"}),
    ]  # fmt: skip
    for source, target, path, model, body in cases:
        for round_number in range(ROUNDS):
            service = await make_service(client, source, name=f"{source} {round_number}")
            change, record = await asyncio.gather(
                client.put(f"/service/{service['id']}", json={"category_id": ids[target]}),
                client.post(path, json={"service_id": service["id"], **body}),
            )
            outcome = (change.status_code, record.status_code)
            assert outcome in {(200, 422), (409, 201)}, (path, outcome, record.text)
            stored = await _count(engine, model, service["id"])
            category = await _category(engine, service["id"])
            if category == ids[target]:
                assert stored == 0, (path, "a record on a service of another category")
            else:
                assert stored == 1


async def test_two_writers_of_one_month_get_one_201_and_one_409(
    concurrent_client: Concurrent,
) -> None:
    """The unique month of an invoice and of a plan's start, raced by POST and by PUT."""
    client, engine = concurrent_client
    infra = await make_service(client, "infrastructure", name="AWS")
    office = await make_service(client, "license", name="Office")
    for round_number in range(ROUNDS):
        month = f"2023-{round_number + 1:02d}"
        invoice = {"service_id": infra["id"], "invoice_month": month, "amount": "1.00"}
        plan = {
            "service_id": office["id"],
            "start_month": month,
            "monthly_unit_cost": "1.00",
            "quantity": 1,
        }
        for path, body in (("/invoices", invoice), ("/licenses", plan)):
            first, second = await asyncio.gather(
                client.post(path, json=body), client.post(path, json=body)
            )
            assert sorted([first.status_code, second.status_code]) == [201, 409], path

        # Two existing records moved into the same free month at once.
        month = f"2022-{round_number + 1:02d}"
        a = await make_invoice(client, infra["id"], f"2021-{round_number + 1:02d}", "2.00")
        b = await make_invoice(client, infra["id"], f"2020-{round_number + 1:02d}", "3.00")
        first, second = await asyncio.gather(
            client.put(f"/invoices/{a['id']}", json={"invoice_month": month}),
            client.put(f"/invoices/{b['id']}", json={"invoice_month": month}),
        )
        assert sorted([first.status_code, second.status_code]) == [200, 409]
        p = await make_plan(client, office["id"], f"2021-{round_number + 1:02d}", "2.00", 1)
        q = await make_plan(client, office["id"], f"2020-{round_number + 1:02d}", "3.00", 1)
        first, second = await asyncio.gather(
            client.put(f"/licenses/{p['id']}", json={"start_month": month}),
            client.put(f"/licenses/{q['id']}", json={"start_month": month}),
        )
        assert sorted([first.status_code, second.status_code]) == [200, 409]
    assert await _count(engine, InfraInvoice, infra["id"]) == 3 * ROUNDS
    assert await _count(engine, LicensePlan, office["id"]) == 3 * ROUNDS


async def test_a_new_service_and_the_deletion_of_its_provider(
    concurrent_client: Concurrent,
) -> None:
    """Either the service is created (and the provider stays, 409) or the provider goes (422)."""
    client, _ = concurrent_client
    ids = await category_ids(client)
    for round_number in range(ROUNDS):
        provider = await make_provider(client, f"Short-lived {round_number}")
        body = {"provider_id": provider["id"], "category_id": ids["usage"], "name": "API"}
        created, deleted = await asyncio.gather(
            client.post("/service", json=body), client.delete(f"/providers/{provider['id']}")
        )
        outcome = (created.status_code, deleted.status_code)
        assert outcome in {(201, 409), (422, 204)}, (outcome, created.text)
        still_there = (await client.get(f"/providers/{provider['id']}")).status_code
        assert still_there == (200 if created.status_code == 201 else 404)


async def test_double_deactivation_of_a_service_keeps_its_history(
    concurrent_client: Concurrent,
) -> None:
    """DELETE /service is a soft delete: twice at once is two 204s and nothing lost."""
    client, engine = concurrent_client
    for round_number in range(ROUNDS):
        service = await make_service(client, "infrastructure", name=f"Old {round_number}")
        await make_invoice(client, service["id"], "2024-01", "7.00")
        path = f"/service/{service['id']}"
        first, second = await asyncio.gather(client.delete(path), client.delete(path))
        assert sorted([first.status_code, second.status_code]) == [204, 204]
        assert (await client.get(path)).json()["active"] is False
        assert await _count(engine, InfraInvoice, service["id"]) == 1
