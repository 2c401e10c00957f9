"""The summaries' derived totals: every write keeps them exact, the migration fills them.

``invoice_month_total`` and ``license_cost_change`` are checked against recomputations from
the raw rows after each kind of write (``tests.usage.exact``), and the summaries they feed
against the figures the rows themselves give.
"""

from decimal import Decimal

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from costwatch.models import InvoiceMonthTotal, LicenseCostChange
from tests.factories import make_invoice, make_plan, make_service
from tests.usage.exact import assert_totals_exact, derived_totals


async def total_of(client: httpx.AsyncClient, month: str, code: str) -> str:
    """The summary's amount of a category in a month (YYYY-MM)."""
    year, number = month.split("-")
    response = await client.get("/summary", params={"year": year, "month": number})
    assert response.status_code == 200, response.text
    amounts = {row["code"]: row["amount"] for row in response.json()["by_category"]}
    return str(amounts[code])


async def test_invoice_writes_move_their_month_totals(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    first = (await make_service(client, "infrastructure", name="AWS"))["id"]
    second = (await make_service(client, "infrastructure", name="GCP"))["id"]
    july = await make_invoice(client, first, "2025-07", "100.10")
    await make_invoice(client, second, "2025-07", "0.05")
    euro = await make_invoice(client, second, "2025-06", "20.00", currency="EUR")
    await assert_totals_exact(connection)
    kept = (await derived_totals(connection))["invoice_months"]
    assert kept[("2025-07-01", "USD")] == (Decimal("100.15"), 2)
    assert kept[("2025-06-01", "EUR")] == (Decimal("20.00"), 1)

    # An amount corrected, an invoice moved to another month, one deleted.
    changed = await client.put(f"/invoices/{july['id']}", json={"amount": "90.00"})
    assert changed.status_code == 200, changed.text
    assert await total_of(client, "2025-07", "infrastructure") == "90.05"
    moved = await client.put(f"/invoices/{july['id']}", json={"invoice_month": "2025-05"})
    assert moved.status_code == 200, moved.text
    await assert_totals_exact(connection)
    assert await total_of(client, "2025-07", "infrastructure") == "0.05"
    assert (await client.delete(f"/invoices/{euro['id']}")).status_code == 204
    await assert_totals_exact(connection)
    # The month's last invoice in a currency gone: so is its row.
    months = await connection.execute(select(InvoiceMonthTotal.month, InvoiceMonthTotal.currency))
    assert sorted((str(row[0]), row[1]) for row in months) == [
        ("2025-05-01", "USD"),
        ("2025-07-01", "USD"),
    ]


async def test_plan_writes_move_the_cost_changes(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    office = (await make_service(client, "license", name="Office"))["id"]
    design = (await make_service(client, "license", name="Design"))["id"]
    await make_plan(client, office, "2025-01", "10.00", 5)
    later = await make_plan(client, office, "2025-06", "12.00", 5)
    await assert_totals_exact(connection)
    assert await total_of(client, "2025-05", "license") == "50.00"
    assert await total_of(client, "2025-06", "license") == "60.00"

    # A plan between the two: the first now stops earlier.
    between = await make_plan(client, office, "2025-03", "11.00", 5)
    await assert_totals_exact(connection)
    assert await total_of(client, "2025-04", "license") == "55.00"
    # An end month: nothing after it; a plan of another service in another currency.
    ended = await client.put(f"/licenses/{later['id']}", json={"end_month": "2025-08"})
    assert ended.status_code == 200, ended.text
    await make_plan(client, design, "2025-07", "3.00", 2, currency="EUR", end_month="2025-07")
    await assert_totals_exact(connection)
    assert await total_of(client, "2025-09", "license") == "0.00"
    # The same month's stop of one plan and start of another, in one currency: a change of
    # no plan count but of cost, which stays.
    await make_plan(client, office, "2025-09", "1.00", 1)
    await assert_totals_exact(connection)
    assert await total_of(client, "2025-09", "license") == "1.00"

    # Moved to the other service, then deleted: both services' changes follow.
    moved = await client.put(f"/licenses/{between['id']}", json={"service_id": design})
    assert moved.status_code == 200, moved.text
    await assert_totals_exact(connection)
    assert (await client.delete(f"/licenses/{between['id']}")).status_code == 204
    await assert_totals_exact(connection)
    assert await total_of(client, "2025-04", "license") == "50.00"
    for plan in (await client.get("/licenses", params={"limit": 100})).json():
        assert (await client.delete(f"/licenses/{plan['id']}")).status_code == 204
    rows = await connection.execute(select(LicenseCostChange.month))
    assert rows.all() == []
