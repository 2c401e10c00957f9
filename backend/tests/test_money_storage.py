"""Money is stored and summed exactly on both engines (on SQLite, as integer cents).

Before revision 0006, SQLite kept amounts as binary floats and summed floats: a month's total
near 10^14 gained or lost cents, and a large license total came out dollars wrong.
"""

from datetime import date
from decimal import Decimal

import httpx
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncConnection

from costwatch.models import UsageConsumptionMonth
from tests.conftest import IS_MYSQL
from tests.factories import make_consumption, make_invoice, make_plan, make_service


async def _usage_total(client: httpx.AsyncClient, year: int, month: int) -> str:
    summary = (await client.get("/summary", params={"year": year, "month": month})).json()
    return str({row["code"]: row["amount"] for row in summary["by_category"]}["usage"])


async def test_a_large_month_total_keeps_its_last_cent(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    service = await make_service(client, "usage", name="Big API")
    # As if ten thousand of the largest events had been recorded this month already.
    await connection.execute(
        insert(UsageConsumptionMonth).values(
            service_id=service["id"],
            month=date(2025, 7, 1),
            currency="USD",
            amount=Decimal("99999999999999.00"),
        )
    )
    await make_consumption(client, service["id"], "2025-07-02", "0.01")
    assert await _usage_total(client, 2025, 7) == "99999999999999.01"


async def test_sums_of_many_amounts_are_exact(client: httpx.AsyncClient) -> None:
    """Amounts that no binary float holds (0.10, x.99), summed in SQL, to the cent."""
    services = [await make_service(client, "infrastructure", name=f"Cloud {n}") for n in range(12)]
    for number, service in enumerate(services):
        await make_invoice(client, service["id"], "2025-03", f"{9999999999 - number}.99")
    office = await make_service(client, "license", name="Office")
    await make_plan(client, office["id"], "2025-01", "9999999.99", 999)
    summary = (await client.get("/summary", params={"year": 2025, "month": 3})).json()
    by_code = {row["code"]: row["amount"] for row in summary["by_category"]}
    assert by_code["infrastructure"] == "119999999933.88"  # 12 x 9,999,999,999.99 - 66
    assert by_code["license"] == "9989999990.01"  # 9,999,999.99 x 999
    assert summary["total"] == "129989999923.89"


async def test_sqlite_keeps_cents_in_an_integer_column(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    service = await make_service(client, "usage", name="Small API")
    await make_consumption(client, service["id"], "2025-07-02", "0.10")
    stored = (
        await connection.execute(
            text("SELECT amount_consumed FROM usage_consumption WHERE service_id = :id"),
            {"id": service["id"]},
        )
    ).scalar_one()
    if IS_MYSQL:
        assert f"{stored}" == "0.10"
    else:
        assert stored == 10 and isinstance(stored, int)


async def test_a_rate_keeps_all_ten_decimals(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    response = await client.put("/fx-rates/JPY/2025-03", json={"rate": "99999999.9999999999"})
    assert response.status_code == 200
    await client.put("/fx-rates/EUR/2025-03", json={"rate": "0.0000000001"})
    stored = (
        await connection.execute(text("SELECT currency, rate FROM fx_rate ORDER BY currency"))
    ).all()
    if IS_MYSQL:
        assert [row[1] for row in stored] == [
            Decimal("0.0000000001"),
            Decimal("99999999.9999999999"),
        ]
    else:  # the rate x 10^10, an integer: exact
        assert [row[1] for row in stored] == [1, 999999999999999999]
    rows = (await client.get("/fx-rates", params={"month": "2025-03", "source": "manual"})).json()
    assert [row["rate"] for row in rows] == ["0.0000000001", "99999999.9999999999"]
