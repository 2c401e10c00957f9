"""The summaries' derived totals under simultaneous writes (run on MariaDB too).

Many invoices of one month and currency share one ``invoice_month_total`` row, and the plans
of one service share their ``license_cost_change`` rows: writes arriving at once must leave
every derived total equal to the recomputation from the raw rows.
"""

import asyncio

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import make_service
from tests.usage.exact import assert_totals_exact

Concurrent = tuple[httpx.AsyncClient, AsyncEngine]


async def test_simultaneous_invoice_writes_keep_the_month_totals(
    concurrent_client: Concurrent,
) -> None:
    client, engine = concurrent_client
    services = [
        (await make_service(client, "infrastructure", name=f"Cloud {n}"))["id"] for n in range(8)
    ]
    # Eight invoices of one month at once: all on the same month total.
    created = await asyncio.gather(
        *(
            client.post(
                "/invoices",
                json={"service_id": s, "invoice_month": "2025-07", "amount": f"{n + 1}.01"},
            )
            for n, s in enumerate(services)
        )
    )
    assert [r.status_code for r in created] == [201] * 8, [r.text for r in created]
    ids = [r.json()["id"] for r in created]
    # At once: four amounts changed, two moved to another month, two deleted.
    changes = await asyncio.gather(
        *(client.put(f"/invoices/{i}", json={"amount": "10.10"}) for i in ids[:4]),
        *(client.put(f"/invoices/{i}", json={"invoice_month": "2025-06"}) for i in ids[4:6]),
        *(client.delete(f"/invoices/{i}") for i in ids[6:]),
    )
    assert [r.status_code for r in changes] == [200] * 6 + [204] * 2, [r.text for r in changes]
    async with engine.connect() as connection:
        await assert_totals_exact(connection)
    summary = await client.get("/summary", params={"year": 2025, "month": 7})
    amounts = {row["code"]: row["amount"] for row in summary.json()["by_category"]}
    assert amounts["infrastructure"] == "40.40"  # 4 x 10.10; the others moved or deleted


async def test_simultaneous_plan_writes_keep_the_cost_changes(
    concurrent_client: Concurrent,
) -> None:
    client, engine = concurrent_client
    tool = (await make_service(client, "license", name="Tool"))["id"]
    other = (await make_service(client, "license", name="Other"))["id"]
    # Plans of one service starting in different months, and another service's, at once:
    # each one ends the cost of the plan before it.
    plans = await asyncio.gather(
        *(
            client.post(
                "/licenses",
                json={
                    "service_id": tool,
                    "start_month": f"2025-{month:02d}",
                    "monthly_unit_cost": f"{month}.00",
                    "qty": 2,
                },
            )
            for month in range(1, 7)
        ),
        client.post(
            "/licenses",
            json={
                "service_id": other,
                "start_month": "2025-03",
                "monthly_unit_cost": "5.00",
                "qty": 1,
            },
        ),
    )
    assert [r.status_code for r in plans] == [201] * 7, [r.text for r in plans]
    ids = [r.json()["id"] for r in plans]
    # At once: two plans deleted, one repriced.
    changes = await asyncio.gather(
        client.delete(f"/licenses/{ids[1]}"),
        client.delete(f"/licenses/{ids[3]}"),
        client.put(f"/licenses/{ids[4]}", json={"monthly_unit_cost": "7.50"}),
    )
    assert [r.status_code for r in changes] == [204, 204, 200], [r.text for r in changes]
    async with engine.connect() as connection:
        await assert_totals_exact(connection)
    summary = await client.get("/summary", params={"year": 2025, "month": 5})
    amounts = {row["code"]: row["amount"] for row in summary.json()["by_category"]}
    assert amounts["license"] == "20.00"  # Tool's May plan at 7.50 x 2, Other's 5.00
