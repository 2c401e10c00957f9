"""Monthly spend by category, and the month series behind the chart."""

from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from costwatch.reports.service import get_monthly_spend
from tests.factories import (
    JSON,
    make_consumption,
    make_invoice,
    make_plan,
    make_service,
    make_topup,
)


def amounts(summary: JSON) -> dict[str, str]:
    return {item["category"]: item["amount"] for item in summary["by_category"]}


async def summary(client: httpx.AsyncClient, **params: Any) -> JSON:
    response = await client.get("/summary", params=params)
    assert response.status_code == 200, response.text
    body: JSON = response.json()
    return body


async def test_empty_month_has_every_category_at_zero(
    client: httpx.AsyncClient, categories: dict[str, int]
) -> None:
    body = await summary(client, year=2024, month=2)
    assert body == {
        "year": 2024,
        "month": 2,
        "currency": "USD",
        "view": "accrual",
        "total": "0.00",
        "by_category": [
            {
                "category_id": categories["infrastructure"],
                "category": "Infrastructure",
                "code": "infrastructure",
                "amount": "0.00",
            },
            {
                "category_id": categories["license"],
                "category": "User License",
                "code": "license",
                "amount": "0.00",
            },
            {
                "category_id": categories["usage"],
                "category": "Usage",
                "code": "usage",
                "amount": "0.00",
            },
        ],
        "by_currency": [],
        "unconverted": [],
    }


async def test_default_is_the_current_month(client: httpx.AsyncClient) -> None:
    body = await summary(client)
    assert (body["year"], body["month"]) == (2025, 7)  # today is 2025-07-15


async def test_a_month_worked_out_by_hand(client: httpx.AsyncClient) -> None:
    aws = await make_service(client, "Infrastructure", name="AWS")
    gcp = await make_service(client, "Infrastructure", name="GCP")
    m365 = await make_service(client, "User License", name="Microsoft 365")
    openai = await make_service(client, "Usage", name="OpenAI")
    await make_invoice(client, aws["id"], "2025-07", "1000.10")
    await make_invoice(client, gcp["id"], "2025-07", "200.20")
    await make_invoice(client, aws["id"], "2025-06", "999.99")  # another month
    await make_plan(client, m365["id"], "2025-01", "12.50", 40)
    await make_topup(client, openai["id"], "2025-06-01", "500.00")  # top-ups are not spend
    await make_consumption(client, openai["id"], "2025-06-30", "7.00")  # June
    await make_consumption(client, openai["id"], "2025-07-01", "10.00")
    await make_consumption(client, openai["id"], "2025-07-31", "5.55")
    await make_consumption(client, openai["id"], "2025-08-01", "99.00")  # August

    body = await summary(client, year=2025, month=7)
    assert amounts(body) == {
        "Infrastructure": "1200.30",
        "User License": "500.00",
        "Usage": "15.55",
    }
    assert body["total"] == "1715.85"
    june = await summary(client, year=2025, month=6)
    assert amounts(june) == {"Infrastructure": "999.99", "User License": "500.00", "Usage": "7.00"}
    assert june["total"] == "1506.99"


async def test_currencies_without_a_rate_are_listed_apart_never_added(
    client: httpx.AsyncClient,
) -> None:
    # 2027: after the bundled ECB data, and no rate entered: nothing to convert with.
    aws = await make_service(client, "Infrastructure", name="AWS")
    ovh = await make_service(client, "Infrastructure", name="OVH")
    adobe = await make_service(client, "User License", name="Adobe")
    await make_invoice(client, aws["id"], "2027-07", "100.00")
    await make_invoice(client, ovh["id"], "2027-07", "80.00", currency="EUR")
    await make_plan(client, adobe["id"], "2027-07", "10.00", 2, currency="EUR")
    body = await summary(client, year=2027, month=7)
    assert body["total"] == "100.00"
    assert amounts(body)["User License"] == "0.00"
    assert body["unconverted"] == [{"currency": "EUR", "amount": "100.00"}]


async def test_soft_deleted_service_keeps_its_history(client: httpx.AsyncClient) -> None:
    aws = await make_service(client, "Infrastructure", name="AWS")
    await make_invoice(client, aws["id"], "2025-05", "321.00")
    assert (await client.delete(f"/service/{aws['id']}")).status_code == 204
    body = await summary(client, year=2025, month=5)
    assert amounts(body)["Infrastructure"] == "321.00"
    still_there = await client.get(f"/service/{aws['id']}")
    assert still_there.json()["active"] is False
    assert (await client.get("/invoices", params={"service_id": aws["id"]})).json()[0][
        "amount"
    ] == "321.00"


@pytest.mark.parametrize(
    "params",
    [
        {"year": 2025},
        {"month": 7},
        {"year": 2025, "month": 13},
        {"year": 2025, "month": 0},
        {"year": 1999, "month": 1},
        {"year": 2101, "month": 1},
        {"year": "x", "month": 1},
    ],
)
async def test_bad_month_is_rejected(client: httpx.AsyncClient, params: dict[str, Any]) -> None:
    response = await client.get("/summary", params=params)
    assert response.status_code == 422


async def test_series_is_one_summary_per_month_oldest_first(client: httpx.AsyncClient) -> None:
    aws = await make_service(client, "Infrastructure", name="AWS")
    await make_invoice(client, aws["id"], "2024-12", "10.00")
    await make_invoice(client, aws["id"], "2025-02", "20.00")
    response = await client.get("/summary/series", params={"start": "2024-11", "end": "2025-02"})
    assert response.status_code == 200
    series = response.json()
    assert [(entry["year"], entry["month"]) for entry in series] == [
        (2024, 11),
        (2024, 12),
        (2025, 1),
        (2025, 2),
    ]
    assert [entry["total"] for entry in series] == ["0.00", "10.00", "0.00", "20.00"]
    # each entry has the shape of /summary
    assert series[1] == await summary(client, year=2024, month=12)


async def test_series_carries_the_plans_in_force_into_its_window(
    client: httpx.AsyncClient, database: AsyncEngine
) -> None:
    # One plan from before the window, one that ends inside it, one that starts inside it.
    zoom = await make_service(client, "User License", name="Zoom")
    slack = await make_service(client, "User License", name="Slack")
    await make_plan(client, zoom["id"], "2024-03", "10.00", 2)  # 20.00 a month
    await make_plan(client, slack["id"], "2024-06", "5.00", 3, end_month="2025-01")  # 15.00
    await make_plan(client, zoom["id"], "2025-02", "12.00", 2)  # 24.00 from February
    statements: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(database.sync_engine, "before_cursor_execute", note)
    try:
        response = await client.get(
            "/summary/series", params={"start": "2024-12", "end": "2025-03"}
        )
    finally:
        event.remove(database.sync_engine, "before_cursor_execute", note)

    assert response.status_code == 200
    assert [amounts(entry)["User License"] for entry in response.json()] == [
        "35.00",
        "35.00",
        "24.00",
        "24.00",
    ]
    # The categories and every category's sums come in one statement.
    tables = ("service_category", "invoice_month_total", "license_cost_change")
    assert sum(any(name in statement for name in tables) for statement in statements) == 1


async def test_series_of_a_single_month_and_of_ten_years(client: httpx.AsyncClient) -> None:
    one = await client.get("/summary/series", params={"start": "2025-07", "end": "2025-07"})
    assert len(one.json()) == 1
    ten_years = await client.get("/summary/series", params={"start": "2015-08", "end": "2025-07"})
    assert ten_years.status_code == 200
    assert len(ten_years.json()) == 120


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2025-07", "end": "2025-06"},  # start after end
        {"start": "2015-07", "end": "2025-07"},  # 121 months
        {"start": "2025-7", "end": "2025-08"},
        {"start": "2025-13", "end": "2026-01"},
        {"start": "1999-01", "end": "2000-01"},
        {"start": "2025-01"},
    ],
)
async def test_bad_series_is_rejected(client: httpx.AsyncClient, params: dict[str, Any]) -> None:
    response = await client.get("/summary/series", params=params)
    assert response.status_code == 422


async def test_spec_helper_get_monthly_spend(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    aws = await make_service(client, "Infrastructure", name="AWS")
    await make_invoice(client, aws["id"], "2025-03", "42.42")
    async with sessions() as session:
        result = await get_monthly_spend(session, 2025, 3)
    assert result.total == Decimal("42.42")
    assert [item.category for item in result.by_category] == [
        "Infrastructure",
        "User License",
        "Usage",
    ]
    assert date(result.year, result.month, 1) == date(2025, 3, 1)
