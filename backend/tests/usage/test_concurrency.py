"""Fifty concurrent writers on the same services: nothing lost, every total exact to the cent.

On MySQL/MariaDB the suite's database is used (a pool of real connections); on SQLite a file
database, since an in-memory one lives in a single shared connection.
"""

import asyncio
import random
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from costwatch.models.usage import UsageConsumption, UsageConsumptionMonth
from tests.factories import make_service

WRITERS = 50


async def test_fifty_concurrent_writers(
    concurrent_client: tuple[httpx.AsyncClient, AsyncEngine],
) -> None:
    client, engine = concurrent_client
    services = [(await make_service(client, "Usage", name=f"shared {i}"))["id"] for i in range(2)]
    rng = random.Random(50)
    plan: list[tuple[str, dict[str, Any]]] = []  # (path, body) of every write, decided up front
    for number in range(WRITERS):
        service_id = services[number % 2]
        day = f"2025-07-{rng.randint(1, 28):02d}"
        if number % 5 == 0:
            body = {"service_id": service_id, "topup_date": day, "amount_purchased": "100.00"}
            plan.append(("/usage/topups", body))
        for _ in range(3):
            amount = f"{rng.randint(1, 999) / 100:.2f}"
            body = {"service_id": service_id, "consumption_date": day, "amount_consumed": amount}
            plan.append(("/usage/consumption", body))

    async def writer(number: int) -> list[int]:
        statuses: list[int] = []
        for path, body in plan[number::WRITERS]:
            # A busy machine may queue a writer past the request deadline: it gets a 503 that
            # stored nothing, and sends the same write again, as a client honouring
            # Retry-After does (sooner here). Exact totals below prove nothing applied twice.
            for _ in range(20):
                status = (await client.post(path, json=body)).status_code
                if status != 503:
                    break
                await asyncio.sleep(0.05)
            statuses.append(status)
        return statuses

    results = await asyncio.gather(*(writer(number) for number in range(WRITERS)))
    assert [status for statuses in results for status in statuses] == [201] * len(plan)

    expected_in = {service_id: Decimal(0) for service_id in services}
    expected_out = {service_id: Decimal(0) for service_id in services}
    for path, body in plan:
        if path == "/usage/topups":
            expected_in[body["service_id"]] += Decimal(body["amount_purchased"])
        else:
            expected_out[body["service_id"]] += Decimal(body["amount_consumed"])

    balances = {row["service_id"]: row for row in (await client.get("/usage/balances")).json()}
    for service_id in services:
        row = balances[service_id]
        assert row["total_topups"] == f"{expected_in[service_id]:.2f}"
        assert row["total_consumed"] == f"{expected_out[service_id]:.2f}"
        assert row["balance"] == f"{expected_in[service_id] - expected_out[service_id]:.2f}"
    summary = (await client.get("/summary", params={"year": 2025, "month": 7})).json()
    usage = {item["category"]: item["amount"] for item in summary["by_category"]}["Usage"]
    assert usage == f"{sum(expected_out.values()):.2f}"
    count = (await client.get("/usage/consumption")).headers["X-Total-Count"]
    assert int(count) == sum(1 for path, _ in plan if path == "/usage/consumption")

    # The monthly totals equal the raw events, row by row.
    async with engine.connect() as connection:
        raw = dict(
            (
                await connection.execute(
                    select(UsageConsumption.service_id, func.sum(UsageConsumption.amount_consumed))
                    .where(UsageConsumption.service_id.in_(services))
                    .group_by(UsageConsumption.service_id)
                )
            ).all()
        )
        rolled = dict(
            (
                await connection.execute(
                    select(UsageConsumptionMonth.service_id, UsageConsumptionMonth.amount).where(
                        UsageConsumptionMonth.service_id.in_(services)
                    )
                )
            ).all()
        )
    assert rolled == raw == expected_out
