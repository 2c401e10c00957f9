"""Fifty concurrent writers on the same services: nothing lost, every total exact to the cent.

On MySQL/MariaDB the suite's database is used (a pool of real connections); on SQLite a file
database, since an in-memory one lives in a single shared connection.
"""

import asyncio
import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from costwatch.db.session import write_transaction
from costwatch.models.usage import UsageConsumption, UsageConsumptionMonth
from costwatch.usage.repository import restamp_windows
from tests.factories import make_consumption, make_service, make_topup
from tests.usage.exact import assert_totals_exact

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
    async with engine.connect() as connection:
        await assert_totals_exact(connection)


async def _until_not_503(send: Any) -> httpx.Response:
    """Send again while the answer is a 503 (nothing stored), as a client honouring it does."""
    for _ in range(20):
        response: httpx.Response = await send()
        if response.status_code != 503:
            return response
        await asyncio.sleep(0.05)
    return response


async def test_simultaneous_writes_of_every_kind_keep_the_running_totals_exact(
    concurrent_client: tuple[httpx.AsyncClient, AsyncEngine],
) -> None:
    """Creates, deletes (the last top-up among them), bulk imports, all at once on two services.

    Every path that moves a balance, a day's or a month's total runs at the same time as the
    others; afterwards each derived total equals a recomputation from the raw rows, and the
    balances the API shows (last top-up included) equal what was sent.
    """
    client, engine = concurrent_client
    services = [(await make_service(client, "Usage", name=f"mixed {i}"))["id"] for i in range(2)]
    topups: list[dict[str, Any]] = []
    consumed: list[dict[str, Any]] = []
    for service_id in services:
        for when in ("2025-07-01", "2025-07-20", "2025-07-20"):  # the last two: one day
            topups.append(await make_topup(client, service_id, when, "100.00"))
        for number in range(1, 11):
            consumed.append(
                await make_consumption(client, service_id, f"2025-07-{number:02d}", "2.50")
            )
    rng = random.Random(14)
    doomed_topups = [row for row in topups if row["topup_date"] == "2025-07-20"][1::2]
    doomed_consumption = rng.sample(consumed, 8)
    csv = "service_id,consumption_date,amount_consumed\n" + "".join(
        f"{services[n % 2]},2025-07-{n % 28 + 1:02d},{n + 1}.25\n" for n in range(30)
    )
    writes: list[Any] = [
        *(lambda row=row: client.delete(f"/usage/topups/{row['id']}") for row in doomed_topups),
        *(
            lambda row=row: client.delete(f"/usage/consumption/{row['id']}")
            for row in doomed_consumption
        ),
        *(
            lambda service_id=service_id, n=n: client.post(
                "/usage/topups",
                json={
                    "service_id": service_id,
                    "topup_date": "2025-07-20",
                    "amount_purchased": f"{10 + n}.00",
                },
            )
            for service_id in services
            for n in range(3)
        ),
        *(
            lambda service_id=service_id, n=n: client.post(
                "/usage/consumption",
                json={
                    "service_id": service_id,
                    "consumption_date": f"2025-08-{n + 1:02d}",
                    "amount_consumed": "0.99",
                },
            )
            for service_id in services
            for n in range(5)
        ),
        *(
            lambda: client.post(
                "/imports/consumption",
                params={"dry_run": "false"},
                files={"file": ("consumption.csv", csv.encode(), "text/csv")},
            )
            for _ in range(2)
        ),
    ]
    rng.shuffle(writes)
    answers = await asyncio.gather(*(_until_not_503(write) for write in writes))
    assert all(answer.status_code in (200, 201, 204) for answer in answers), [
        (answer.status_code, answer.text) for answer in answers if answer.status_code >= 300
    ]

    async with engine.connect() as connection:
        await assert_totals_exact(connection)
    expected_in = {service_id: Decimal(0) for service_id in services}
    for row in (await client.get("/usage/topups", params={"limit": 1000})).json():
        if row["service_id"] in expected_in:
            expected_in[row["service_id"]] += Decimal(row["amount_purchased"])
    balances = {row["service_id"]: row for row in (await client.get("/usage/balances")).json()}
    for service_id in services:
        shown = balances[service_id]
        assert shown["total_topups"] == f"{expected_in[service_id]:.2f}"
        events = (
            await client.get(
                "/usage/topups",
                params={"service_id": service_id, "sort": "-topup_date", "limit": 1000},
            )
        ).json()
        # The last top-up: the latest date, then the latest entry.
        last = max(events, key=lambda row: (row["topup_date"], row["id"]))
        assert (shown["last_topup_date"], shown["last_topup_amount"]) == (
            last["topup_date"],
            last["amount_purchased"],
        )


async def test_restamps_racing_the_writers_keep_every_window_exact(
    concurrent_client: tuple[httpx.AsyncClient, AsyncEngine],
) -> None:
    """The day's restamp of the runway windows, again and again, while consumption is written.

    Writers move a window by its stamp, the restamp sums it afresh under the services' row
    locks: whichever runs first, each running balance ends exact for the day it is stamped
    with (dates on both sides of every stamp used).
    """
    client, engine = concurrent_client
    services = [(await make_service(client, "Usage", name=f"stamped {i}"))["id"] for i in range(3)]
    for service_id in services:
        await make_topup(client, service_id, "2025-06-01", "1000.00")
    rng = random.Random(15)
    bodies = [
        {
            "service_id": services[n % 3],
            "consumption_date": str(date(2025, 6, 10) + timedelta(days=rng.randint(0, 60))),
            "amount_consumed": f"{rng.randint(1, 999) / 100:.2f}",
        }
        for n in range(60)
    ]
    csv = "service_id,consumption_date,amount_consumed\n" + "".join(
        f"{services[n % 3]},{date(2025, 6, 12) + timedelta(days=2 * n)},{n + 1}.75\n"
        for n in range(25)
    )
    writes: list[Any] = [
        *(lambda body=body: client.post("/usage/consumption", json=body) for body in bodies),
        *(
            lambda: client.post(
                "/imports/consumption",
                params={"dry_run": "false"},
                files={"file": ("consumption.csv", csv.encode(), "text/csv")},
            )
            for _ in range(2)
        ),
    ]
    rng.shuffle(writes)

    # As the scheduler runs it: its own transaction, under SQLite's in-process write lock.
    app_state: Any = client._transport.app.state  # type: ignore[attr-defined]

    async def restamps() -> int:
        done = 0
        for offset in (-1, 0, 1, 5, 0, 15, -20, 0):
            async with write_transaction(
                app_state.sessionmaker, app_state.write_lock, actor="scheduler"
            ) as session:
                done += await restamp_windows(session, date(2025, 7, 15) + timedelta(days=offset))
            await asyncio.sleep(0.01)
        return done

    stamper = asyncio.create_task(restamps())
    answers = await asyncio.gather(*(_until_not_503(write) for write in writes))
    restamped = await stamper
    assert all(answer.status_code in (200, 201) for answer in answers), [
        (answer.status_code, answer.text) for answer in answers if answer.status_code >= 300
    ]
    assert restamped >= len(services)
    async with engine.connect() as connection:
        await assert_totals_exact(connection)
