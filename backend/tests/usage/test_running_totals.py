"""The running balances and daily totals: every write keeps them exact, the migration fills them."""

from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from costwatch import clock
from costwatch.models import UsageBalance, UsageConsumptionDay
from tests.factories import make_consumption, make_service, make_topup
from tests.usage.exact import assert_totals_exact, derived_totals


async def balance_of(client: httpx.AsyncClient, service_id: int) -> dict[str, Any]:
    response = await client.get(f"/usage/balances/{service_id}")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


async def test_the_last_top_up_follows_creates_and_deletes(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    service = (await make_service(client, "Usage", name="Twilio"))["id"]
    early = await make_topup(client, service, "2025-07-01", "100.00")
    late = await make_topup(client, service, "2025-07-20", "50.00")
    # Dated before the last: the last stays; entered later on the same day: it takes over.
    await make_topup(client, service, "2025-07-10", "70.00")
    same_day = await make_topup(client, service, "2025-07-20", "30.00")
    shown = await balance_of(client, service)
    assert (shown["last_topup_date"], shown["last_topup_amount"]) == ("2025-07-20", "30.00")
    assert shown["total_topups"] == "250.00"
    await assert_totals_exact(connection)

    assert (await client.delete(f"/usage/topups/{same_day['id']}")).status_code == 204
    shown = await balance_of(client, service)
    assert (shown["last_topup_date"], shown["last_topup_amount"]) == ("2025-07-20", "50.00")
    assert (await client.delete(f"/usage/topups/{late['id']}")).status_code == 204
    shown = await balance_of(client, service)
    assert (shown["last_topup_date"], shown["last_topup_amount"]) == ("2025-07-10", "70.00")
    assert shown["total_topups"] == "170.00"
    await assert_totals_exact(connection)
    # A delete of a top-up that is not the last leaves the last alone.
    assert (await client.delete(f"/usage/topups/{early['id']}")).status_code == 204
    shown = await balance_of(client, service)
    assert (shown["last_topup_date"], shown["total_topups"]) == ("2025-07-10", "70.00")
    await assert_totals_exact(connection)


async def test_a_service_without_records_has_no_running_balance(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    service = (await make_service(client, "Usage", name="OpenAI"))["id"]
    topup = await make_topup(client, service, "2025-07-01", "10.00")
    used = await make_consumption(client, service, clock.today().isoformat(), "4.00")
    assert (await derived_totals(connection))["balances"][service][1:3] == (
        Decimal("10.00"),
        Decimal("4.00"),
    )
    assert (await client.delete(f"/usage/consumption/{used['id']}")).status_code == 204
    assert (await client.delete(f"/usage/topups/{topup['id']}")).status_code == 204
    # As a recomputation would find: no row, and the API shows zeros.
    count = select(func.count()).select_from(UsageBalance)
    assert (await connection.execute(count.where(UsageBalance.service_id == service))).scalar() == 0
    shown = await balance_of(client, service)
    assert (shown["balance"], shown["last_topup_date"]) == ("0.00", None)
    # The day keeps a row of 0, which readers skip.
    day = select(UsageConsumptionDay.amount).where(UsageConsumptionDay.service_id == service)
    assert (await connection.execute(day)).scalar_one() == 0
    daily = (await client.get("/usage/daily", params={"days": 1})).json()
    assert (daily["total"], daily["unconverted"]) == ("0.00", [])
    await assert_totals_exact(connection)


async def test_the_runway_reads_the_daily_totals(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    service = (await make_service(client, "Usage", name="Anthropic"))["id"]
    await make_topup(client, service, "2025-01-01", "300.00")
    today = clock.today()
    for _ in range(3):  # three events on one day: one daily row
        await make_consumption(client, service, today.isoformat(), "10.00")
    shown = await balance_of(client, service)
    assert (shown["daily_burn"], shown["days_left"]) == ("1.00", 270)
    rows = select(func.count()).select_from(UsageConsumptionDay)
    assert (
        await connection.execute(rows.where(UsageConsumptionDay.service_id == service))
    ).scalar() == 1
    await assert_totals_exact(connection)
