"""Every report equals a recomputation from the raw rows, after many writes and deletes.

Reports read derived data (monthly consumption totals) and are cached by data version; this
test drives a random history through the API and recomputes everything in Python.
"""

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
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


def plan_cost(plan: JSON, month: date, view: str) -> Decimal:
    """What the plan in force costs in ``month``: monthly, or a year at once in the cash view."""
    monthly: Decimal = D(plan["monthly_unit_cost"]) * int(plan["qty"])
    if view == "accrual" or plan["billing_cycle"] == "monthly":
        return monthly
    start = date.fromisoformat(plan["start_month"])
    elapsed = (month.year - start.year) * 12 + month.month - start.month
    return monthly * 12 if elapsed % 12 == 0 else D(0)


def expected_month(
    month: date,
    invoices: list[JSON],
    plans: list[JSON],
    consumption: list[JSON],
    currency_of: dict[int, str],
    rates: dict[tuple[str, str], Decimal],
    view: str,
) -> tuple[dict[str, str], dict[str, str]]:
    """Each category in USD, and what could not be converted, recomputed from raw rows."""
    raw: dict[tuple[str, str], Decimal] = defaultdict(Decimal)  # (category, currency)
    for i in invoices:
        if i["invoice_month"] == month.isoformat():
            raw["Infrastructure", i["currency"]] += D(i["amount"])
    for service_id in {plan["service_id"] for plan in plans}:
        started = [
            p
            for p in plans
            if p["service_id"] == service_id and p["start_month"] <= month.isoformat()
        ]
        if started:
            plan = max(started, key=lambda p: p["start_month"])
            if plan["end_month"] is None or plan["end_month"] >= month.isoformat():
                raw["User License", plan["currency"]] += plan_cost(plan, month, view)
    next_month = add_months(month, 1).isoformat()
    for c in consumption:
        if month.isoformat() <= c["consumption_date"] < next_month:
            raw["Usage", currency_of[c["service_id"]]] += D(c["amount_consumed"])
    converted = {name: D(0) for name in ("Infrastructure", "User License", "Usage")}
    unconverted: dict[str, Decimal] = defaultdict(Decimal)
    for (category, currency), amount in raw.items():
        if currency == "USD":
            converted[category] += amount
        elif (currency, month.isoformat()) in rates:
            rate = rates[currency, month.isoformat()]
            converted[category] += (amount / rate).quantize(D("0.01"), ROUND_HALF_UP)
        else:
            unconverted[currency] += amount
    return (
        {name: money(value) for name, value in converted.items()},
        {currency: money(value) for currency, value in unconverted.items() if value},
    )


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
    # Currencies: USD, EUR and GBP (bundled ECB rates, some months entered by hand) and ARS
    # (the ECB does not quote it: never converted).
    infra_currency = ["USD", "EUR", "ARS"]
    license_currency = ["USD", "GBP", "EUR"]
    currency_of = dict(zip(usage, ["USD", "GBP", "EUR"], strict=True))
    for code, rate_month, rate in [("EUR", "2024-03", "0.5"), ("GBP", "2024-07", "0.7777777777")]:
        assert (
            await client.put(f"/fx-rates/{code}/{rate_month}", json={"rate": rate})
        ).status_code == 200

    # Warm every cache before the writes: stale entries would show below.
    series_params = {"start": "2024-01", "end": "2025-12"}
    await client.get("/summary/series", params=series_params)
    await client.get("/usage/balances")
    await client.get("/alerts/low-balance")

    for service_id, currency in zip(infra, infra_currency, strict=True):
        for offset in rng.sample(range(18), 10):
            amount = f"{rng.randint(0, 500_000) / 100:.2f}"
            await make_invoice(
                client, service_id, add_months(START, offset).isoformat()[:7], amount, currency
            )
    for service_id, currency in zip(licenses, license_currency, strict=True):
        for number, offset in enumerate(sorted(rng.sample(range(18), 3))):
            extra = {"end_month": add_months(START, offset + 4).isoformat()} if number == 2 else {}
            await make_plan(
                client,
                service_id,
                add_months(START, offset).isoformat()[:7],
                f"{rng.randint(100, 9000) / 100:.2f}",
                rng.randint(0, 50),
                currency=currency,
                billing_cycle=rng.choice(["monthly", "annual"]),
                **extra,
            )
    for service_id in usage:
        for _ in range(4):
            day = START + timedelta(days=rng.randint(0, 520))
            await make_topup(
                client,
                service_id,
                day.isoformat(),
                f"{rng.randint(100, 90000) / 100:.2f}",
                currency_of[service_id],
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

    rates: dict[tuple[str, str], Decimal] = {}
    for code in ("EUR", "GBP", "ARS"):
        for row in await fetch_all(client, "/fx-rates", currency=code):
            rates[code, row["month"]] = D(row["rate"])
    assert rates["EUR", "2024-03-01"] == D("0.5")  # the rate by hand, not the bundled one
    assert not any(code == "ARS" for code, _ in rates)

    for view in ("accrual", "cash"):
        params = {**series_params, "view": view}
        series = (await client.get("/summary/series", params=params)).json()
        for entry in series:
            month = date(entry["year"], entry["month"], 1)
            got = {item["category"]: item["amount"] for item in entry["by_category"]}
            missing = {item["currency"]: item["amount"] for item in entry["unconverted"]}
            expected = expected_month(month, invoices, plans, consumption, currency_of, rates, view)
            assert (got, missing) == expected, (view, month)
            assert D(entry["total"]) == sum(D(value) for value in got.values())
            # by_currency adds up to the total, each currency traced to its rate.
            assert sum(D(c["converted"] or 0) for c in entry["by_currency"]) == D(entry["total"])
            for item in entry["by_currency"]:
                if item["currency"] != "USD" and item["rate"] is not None:
                    assert D(item["rate"]) == rates[item["currency"], month.isoformat()]
        single = (await client.get("/summary", params={"year": 2024, "month": 5, **params})).json()
        assert single == series[4]

    balances = {row["service_id"]: row for row in (await client.get("/usage/balances")).json()}
    expected_low: list[int] = []
    for service_id in usage:
        mine_topups = [t for t in topups if t["service_id"] == service_id]
        assert {t["currency"] for t in mine_topups} == {currency_of[service_id]}
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
