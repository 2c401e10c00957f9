"""Every report equals a recomputation from the raw rows, after many writes and deletes.

Reports read derived data (monthly consumption totals) and are cached by data version; this
test drives a random history through the API and recomputes everything in Python.
"""

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx

from costwatch.calendar import add_months
from tests.factories import make_consumption, make_invoice, make_plan, make_service, make_topup

D = Decimal
START = date(2024, 1, 1)


JSON = dict[str, Any]


def money(value: Decimal | str) -> str:
    return f"{D(value):.2f}"


async def fetch_all(client: httpx.AsyncClient, path: str, **params: Any) -> list[JSON]:
    response = await client.get(path, params={"limit": 1000, **params})
    assert response.status_code == 200
    rows: list[JSON] = response.json()
    return rows


def expected_month(
    month: date, invoices: list[JSON], plans: list[JSON], consumption: list[JSON]
) -> dict[str, str]:
    infra = sum((D(i["amount"]) for i in invoices if i["invoice_month"] == month.isoformat()), D(0))
    licenses = D(0)
    for service_id in {plan["service_id"] for plan in plans}:
        started = [
            p
            for p in plans
            if p["service_id"] == service_id and p["start_month"] <= month.isoformat()
        ]
        if started:
            plan = max(started, key=lambda p: p["start_month"])
            if plan["end_month"] is None or plan["end_month"] >= month.isoformat():
                licenses += D(plan["monthly_unit_cost"]) * plan["qty"]
    next_month = add_months(month, 1).isoformat()
    usage = sum(
        (
            D(c["amount_consumed"])
            for c in consumption
            if month.isoformat() <= c["consumption_date"] < next_month
        ),
        D(0),
    )
    return {"Infrastructure": money(infra), "User License": money(licenses), "Usage": money(usage)}


async def test_reports_match_a_recomputation_from_raw_rows(
    client: httpx.AsyncClient, set_today: Callable[[date], None]
) -> None:
    set_today(date(2025, 6, 18))
    rng = random.Random(7)
    infra = [
        (await make_service(client, "Infrastructure", name=f"infra {i}"))["id"] for i in range(3)
    ]
    licenses = [
        (await make_service(client, "User License", name=f"lic {i}"))["id"] for i in range(3)
    ]
    usage = [(await make_service(client, "Usage", name=f"usage {i}"))["id"] for i in range(3)]

    # Warm every cache before the writes: stale entries would show below.
    series_params = {"start": "2024-01", "end": "2025-12"}
    await client.get("/summary/series", params=series_params)
    await client.get("/usage/balances")
    await client.get("/alerts/low-balance")

    for service_id in infra:
        for offset in rng.sample(range(18), 10):
            amount = f"{rng.randint(0, 500_000) / 100:.2f}"
            await make_invoice(
                client, service_id, add_months(START, offset).isoformat()[:7], amount
            )
    for service_id in licenses:
        for number, offset in enumerate(sorted(rng.sample(range(18), 3))):
            extra = {"end_month": add_months(START, offset + 4).isoformat()} if number == 2 else {}
            await make_plan(
                client,
                service_id,
                add_months(START, offset).isoformat()[:7],
                f"{rng.randint(100, 9000) / 100:.2f}",
                rng.randint(0, 50),
                **extra,
            )
    for service_id in usage:
        for _ in range(4):
            day = START + timedelta(days=rng.randint(0, 520))
            await make_topup(
                client, service_id, day.isoformat(), f"{rng.randint(100, 90000) / 100:.2f}"
            )
        for _ in range(40):
            day = START + timedelta(days=rng.randint(0, 520))
            await make_consumption(
                client, service_id, day.isoformat(), f"{rng.randint(1, 5000) / 100:.2f}"
            )
    # Deletions must come out of the totals too.
    events = await fetch_all(client, "/usage/consumption")
    for event in rng.sample(events, 15):
        assert (await client.delete(f"/usage/consumption/{event['id']}")).status_code == 204

    invoices = await fetch_all(client, "/invoices")
    plans = await fetch_all(client, "/licenses")
    consumption = await fetch_all(client, "/usage/consumption")
    topups = await fetch_all(client, "/usage/topups")
    assert len(consumption) == 105

    series = (await client.get("/summary/series", params=series_params)).json()
    for entry in series:
        month = date(entry["year"], entry["month"], 1)
        got = {item["category"]: item["amount"] for item in entry["by_category"]}
        assert got == expected_month(month, invoices, plans, consumption), month
        assert D(entry["total"]) == sum(D(value) for value in got.values())
    single = (await client.get("/summary", params={"year": 2024, "month": 5})).json()
    assert single == series[4]

    balances = {row["service_id"]: row for row in (await client.get("/usage/balances")).json()}
    expected_low: list[int] = []
    for service_id in usage:
        mine_topups = [t for t in topups if t["service_id"] == service_id]
        mine_spent = [c for c in consumption if c["service_id"] == service_id]
        total_in = sum((D(t["amount_purchased"]) for t in mine_topups), D(0))
        total_out = sum((D(c["amount_consumed"]) for c in mine_spent), D(0))
        last = max(mine_topups, key=lambda t: (t["topup_date"], t["id"]))
        row = balances[service_id]
        assert (row["total_topups"], row["total_consumed"], row["balance"]) == (
            money(total_in),
            money(total_out),
            money(total_in - total_out),
        )
        assert (row["last_topup_date"], row["last_topup_amount"]) == (
            last["topup_date"],
            last["amount_purchased"],
        )
        if total_in - total_out < D(last["amount_purchased"]) * 50 / 100:
            expected_low.append(service_id)
    low = (await client.get("/alerts/low-balance", params={"threshold_percent": 50})).json()
    assert [alert["service_id"] for alert in low] == expected_low


async def test_a_write_invalidates_every_cached_report(
    client: httpx.AsyncClient, reached: list[str]
) -> None:
    service = await make_service(client, "Usage", name="OpenAI")
    await make_topup(client, service["id"], "2025-07-01", "100.00")
    reports = ["/usage/balances", "/summary", "/summary/series", "/alerts/low-balance"]
    params = {"/summary/series": {"start": "2025-06", "end": "2025-07"}}

    async def read_all() -> list[Any]:
        return [(await client.get(path, params=params.get(path))).json() for path in reports]

    before = await read_all()
    assert before[0][0]["balance"] == "100.00"
    assert before[1]["total"] == "0.00"
    assert before[3] == []
    assert await read_all() == before
    assert [reached.count(path) for path in reports] == [1, 1, 1, 1]  # the second time cached

    await make_consumption(client, service["id"], "2025-07-02", "99.00")
    after = await read_all()

    assert [reached.count(path) for path in reports] == [2, 2, 2, 2]
    assert after[0][0]["balance"] == "1.00"
    assert after[1]["total"] == "99.00"
    assert [entry["total"] for entry in after[2]] == ["0.00", "99.00"]
    assert [alert["service_id"] for alert in after[3]] == [service["id"]]
