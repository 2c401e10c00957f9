"""The --seed demo data: every page and alert has something to show; loading twice adds nothing."""

from collections.abc import Callable
from datetime import date

import httpx
from cryptography.fernet import Fernet
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from costwatch.connections.secrets import Vault
from costwatch.demo import load_demo_data

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
    assert added["services"] == 7
    assert added["invoices"] == 18  # 3 infrastructure services x 6 months
    assert added["connections"] == 1
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
    ]
    assert sorted(by_category["User License"]) == ["Adobe", "Microsoft"]
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
    assert len(costs) == 6  # price and seat changes across the year
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


async def test_second_seed_adds_nothing(client: httpx.AsyncClient, sessions: Sessions) -> None:
    await seed(sessions)
    before = (await client.get("/usage/consumption")).headers["X-Total-Count"]
    again = await seed(sessions)
    assert set(again.values()) == {0}
    assert len(again) == 6
    assert (await client.get("/usage/consumption")).headers["X-Total-Count"] == before
    assert (await client.get("/service")).headers["X-Total-Count"] == "7"
