"""Two simultaneous DELETEs of one record (a double click, a proxy retry): one 204, one 404.

Each writer locks the row before it reads it, so the second waits for the first and then finds
the row gone. Before that, both answered 204 on MariaDB and a consumption event was taken out
of its month's total twice.
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from costwatch.models import UsageConsumption, UsageConsumptionMonth
from tests.factories import (
    make_consumption,
    make_invoice,
    make_plan,
    make_provider,
    make_service,
    make_topup,
)
from tests.usage.exact import assert_totals_exact

ROUNDS = 8
Maker = Callable[[httpx.AsyncClient, int], Awaitable[dict[str, Any]]]


async def twice(client: httpx.AsyncClient, path: str) -> list[int]:
    first, second = await asyncio.gather(client.delete(path), client.delete(path))
    return sorted([first.status_code, second.status_code])


async def test_double_deletes_of_consumption_keep_the_totals_exact(
    concurrent_client: tuple[httpx.AsyncClient, AsyncEngine],
) -> None:
    client, engine = concurrent_client
    service = await make_service(client, "Usage", name="OpenAI")
    await make_topup(client, service["id"], "2025-07-01", "5000.00")
    keep = await make_consumption(client, service["id"], "2025-07-02", "1.23")
    events = [
        await make_consumption(client, service["id"], "2025-07-03", "100.00") for _ in range(ROUNDS)
    ]
    for event in events:
        assert await twice(client, f"/usage/consumption/{event['id']}") == [204, 404]

    async with engine.connect() as connection:
        rollup = (
            await connection.execute(
                select(UsageConsumptionMonth.amount).where(
                    UsageConsumptionMonth.service_id == service["id"]
                )
            )
        ).scalar_one()
        rows = (
            await connection.execute(
                select(func.count(UsageConsumption.id)).where(
                    UsageConsumption.service_id == service["id"]
                )
            )
        ).scalar_one()
        await assert_totals_exact(connection)
    assert rows == 1
    assert f"{rollup:.2f}" == keep["amount_consumed"]
    summary = (await client.get("/summary", params={"year": 2025, "month": 7})).json()
    usage = {row["code"]: row["amount"] for row in summary["by_category"]}["usage"]
    assert usage == "1.23"
    balance = (await client.get(f"/usage/balances/{service['id']}")).json()
    assert balance["balance"] == "4998.77"


async def test_double_deletes_of_every_other_record_are_one_204_and_one_404(
    concurrent_client: tuple[httpx.AsyncClient, AsyncEngine],
) -> None:
    client, _ = concurrent_client
    usage = await make_service(client, "Usage", name="Twilio")
    infra = await make_service(client, "Infrastructure", name="AWS")
    license_service = await make_service(client, "User License", name="Office")
    for round_number in range(ROUNDS):
        month = f"2024-{round_number + 1:02d}"
        topup = await make_topup(client, usage["id"], f"{month}-05", "10.00")
        invoice = await make_invoice(client, infra["id"], month, "99.00")
        plan = await make_plan(client, license_service["id"], month, "5.00", 2)
        provider = await make_provider(client, f"Vendor {round_number}")
        assert await twice(client, f"/usage/topups/{topup['id']}") == [204, 404]
        assert await twice(client, f"/invoices/{invoice['id']}") == [204, 404]
        assert await twice(client, f"/licenses/{plan['id']}") == [204, 404]
        assert await twice(client, f"/providers/{provider['id']}") == [204, 404]
    assert (await client.get("/usage/topups")).json() == []
    assert (await client.get("/invoices")).json() == []
    assert (await client.get("/licenses")).json() == []
