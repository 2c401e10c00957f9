"""The --seed demo data: every page and alert has something to show; loading twice adds nothing."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import httpx
from cryptography.fernet import Fernet
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from costwatch.demo import load_demo_data
from costwatch.vault import Vault
from tests.usage.exact import assert_totals_exact

D = Decimal
Sessions = async_sessionmaker[AsyncSession]


async def seed(sessions: Sessions) -> dict[str, int]:
    async with sessions() as session:
        added = await load_demo_data(session, Vault([Fernet.generate_key().decode()]))
        await session.commit()
    return added


async def test_demo_data_matches_spec_section_8(
    client: httpx.AsyncClient, sessions: Sessions, today: date
) -> None:
    added = await seed(sessions)
    assert added["services"] == 9
    assert added["invoices"] == 24  # 4 infrastructure services x 6 months
    assert added["connections"] == 1
    assert added["channels"] == 3
    assert added["budgets"] == 3
    budgets = {row["name"]: row for row in (await client.get("/budgets/status")).json()}
    assert budgets["Software licenses"]["spent"] == "1483.65"
    assert budgets["Software licenses"]["crossed"] == [80]
    assert set(budgets) == {"Software licenses", "Monthly cloud and tools", "OpenAI API"}
    # Every new page has something to show: a runway under 14 days, and alerts.
    balances = (await client.get("/usage/balances")).json()
    assert any(row["days_left"] is not None and row["days_left"] < 14 for row in balances)
    assert (await client.post("/alerts/evaluate")).json()["opened"] >= 3
    kinds = {row["kind"] for row in (await client.get("/alerts")).json()}
    assert {"budget", "runway", "low_balance"} <= kinds
    channels = (await client.get("/notification-channels")).json()
    assert sorted((row["kind"], row["enabled"], row["has_secret"]) for row in channels) == [
        ("email", False, False),
        ("slack", False, False),
        ("webhook", False, True),
    ]
    connections = (await client.get("/connections")).json()
    assert [(row["kind"], row["enabled"], row["service_name"]) for row in connections] == [
        ("openai", False, "OpenAI API")
    ]
    services = (await client.get("/service")).json()
    by_category: dict[str, list[str]] = {}
    for service in services:
        by_category.setdefault(service["category_name"], []).append(service["provider_name"])
    assert sorted(by_category["Infrastructure"]) == [
        "Amazon Web Services",
        "Google Cloud",
        "Microsoft Azure",
        "OVHcloud",
    ]
    assert sorted(by_category["User License"]) == ["Adobe", "Atlassian", "Microsoft"]
    assert sorted(by_category["Usage"]) == ["OpenAI", "Twilio"]

    invoices = (await client.get("/invoices", params={"limit": 1000})).json()
    months = sorted({invoice["invoice_month"] for invoice in invoices})
    assert months == [
        "2025-01-01",
        "2025-02-01",
        "2025-03-01",
        "2025-04-01",
        "2025-05-01",
        "2025-06-01",
    ]

    plans = (await client.get("/licenses")).json()
    costs = {(plan["service_name"], plan["monthly_unit_cost"], plan["qty"]) for plan in plans}
    assert len(costs) == 7  # price and seat changes across the year
    first_start = min(plan["start_month"] for plan in plans)
    assert first_start <= "2024-07-01"  # a year ago already had licenses: a YoY delta exists


async def test_demo_data_raises_both_alerts(client: httpx.AsyncClient, sessions: Sessions) -> None:
    await seed(sessions)
    low = (await client.get("/alerts/low-balance")).json()
    assert [alert["service_name"] for alert in low] == ["OpenAI API"]
    commitments = (await client.get("/alerts/commitments")).json()
    assert [alert["service_name"] for alert in commitments] == ["Adobe Creative Cloud All Apps"]
    assert 0 <= commitments[0]["days_remaining"] <= 90
    balances = {
        row["service_name"]: row["balance"] for row in (await client.get("/usage/balances")).json()
    }
    assert balances == {"OpenAI API": "62.35", "Twilio SMS": "239.20"}
    now = (await client.get("/summary")).json()
    assert now["total"] != "0.00"


async def test_consumption_never_lies_in_the_future(
    client: httpx.AsyncClient, sessions: Sessions, set_today: Callable[[date], None]
) -> None:
    set_today(date(2025, 7, 1))
    await seed(sessions)
    rows = (await client.get("/usage/consumption", params={"limit": 1000})).json()
    assert rows
    assert max(row["consumption_date"] for row in rows) <= "2025-07-01"


async def test_second_seed_adds_nothing(
    client: httpx.AsyncClient, sessions: Sessions, connection: AsyncConnection
) -> None:
    await seed(sessions)
    # Every derived total as its writers keep it (invoices, plans and usage alike).
    await assert_totals_exact(connection)
    before = (await client.get("/usage/consumption")).headers["X-Total-Count"]
    again = await seed(sessions)
    assert set(again.values()) == {0}
    assert len(again) == 8
    assert (await client.get("/usage/consumption")).headers["X-Total-Count"] == before
    assert (await client.get("/service")).headers["X-Total-Count"] == "9"


async def test_demo_data_shows_a_conversion_and_the_cash_view(
    client: httpx.AsyncClient, sessions: Sessions, today: date
) -> None:
    await seed(sessions)  # today is 2025-07-15: OVHcloud bills 2025-01..06 in EUR
    june = (await client.get("/summary", params={"year": 2025, "month": 6})).json()
    [eur] = [row for row in june["by_currency"] if row["currency"] == "EUR"]
    assert eur["amount"] == "1268.45"
    assert eur["rate"] is not None and eur["converted"] is not None
    assert june["unconverted"] == []
    plans = (await client.get("/licenses", params={"limit": 1000})).json()
    [jira] = [plan for plan in plans if plan["service_name"] == "Jira Software Cloud"]
    assert (jira["billing_cycle"], jira["start_month"], jira["monthly_cost"]) == (
        "annual",
        "2025-03-01",
        "193.75",
    )
    params = {"start": "2025-03", "end": "2025-04"}
    cash = (await client.get("/summary/series", params={**params, "view": "cash"})).json()
    accrual = (await client.get("/summary/series", params=params)).json()
    license_cash = [D(entry["by_category"][1]["amount"]) for entry in cash]
    license_accrual = [D(entry["by_category"][1]["amount"]) for entry in accrual]
    # March: the year of Jira paid at once (12 x 193.75 = 2325.00) instead of one month.
    assert license_cash[0] - license_accrual[0] == D("2325.00") - D("193.75")
    assert license_accrual[1] - license_cash[1] == D("193.75")
