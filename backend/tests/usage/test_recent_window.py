"""The runway's window kept in the running balance: exact for its stamp, restamped as days pass.

Every consumption write moves ``recent_consumed`` when it is dated in the 30 days that end on
the row's ``window_end_day``; balances read it while that day is today and sum the daily
totals otherwise, so their answer never depends on the restamp having run.
"""

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from costwatch.models import UsageBalance, UsageConsumption
from costwatch.usage.repository import ConsumptionRepository, restamp_windows
from tests.factories import make_consumption, make_provider, make_service, make_topup
from tests.usage.exact import assert_totals_exact, derived_totals

TODAY = date(2025, 7, 15)  # the suite's frozen today: the window is 2025-06-16..2025-07-15


async def balances(client: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    response = await client.get("/usage/balances", params=params)
    assert response.status_code == 200
    rows: list[dict[str, Any]] = response.json()
    return rows


def burn(amounts: dict[date, Decimal], today: date) -> str:
    """The daily burn of ``amounts`` over the 30 days that end ``today``, as the API shows it."""
    start = today - timedelta(days=29)
    total = sum((amount for day, amount in amounts.items() if start <= day <= today), Decimal(0))
    return f"{total / 30:.2f}"


async def test_every_write_moves_the_window_of_its_stamped_day(
    client: httpx.AsyncClient,
    connection: AsyncConnection,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    # A service's first record creates its running balance, stamped with today's window.
    fresh = (await make_service(client, "Usage", name="Fresh"))["id"]
    await make_consumption(client, fresh, "2025-07-01", "12.00")
    assert (await derived_totals(connection))["windows"][fresh] == (TODAY, Decimal("12.00"))
    service = (await make_service(client, "Usage", name="Metered"))["id"]
    await make_topup(client, service, "2025-01-01", "10000.00")
    amounts: dict[date, Decimal] = {}
    # Just before the window, its first day, its last, and after it (not spent yet).
    for day, amount in [
        (date(2025, 6, 15), "300.00"),
        (date(2025, 6, 16), "30.00"),
        (date(2025, 7, 15), "60.00"),
        (date(2025, 7, 16), "90.00"),
    ]:
        await make_consumption(client, service, day.isoformat(), amount)
        amounts[day] = amounts.get(day, Decimal(0)) + Decimal(amount)
        await assert_totals_exact(connection)
    assert (await derived_totals(connection))["windows"][service] == (TODAY, Decimal("90.00"))
    # A bulk import: many days at once, in the window and out of it.
    csv = "service_id,consumption_date,amount_consumed\n" + "".join(
        f"{service},{date(2025, 6, 10) + timedelta(days=n)},{n}.50\n" for n in range(0, 40, 3)
    )
    imported = await client.post(
        "/imports/consumption",
        params={"dry_run": "false"},
        files={"file": ("consumption.csv", csv.encode(), "text/csv")},
    )
    assert imported.status_code == 200, imported.text
    for n in range(0, 40, 3):
        day = date(2025, 6, 10) + timedelta(days=n)
        amounts[day] = amounts.get(day, Decimal(0)) + Decimal(f"{n}.50")
    await assert_totals_exact(connection)
    # A delete and an amount corrected in place (as a sync does), both in the window.
    events = (await client.get("/usage/consumption", params={"limit": 1000})).json()
    doomed = next(row for row in events if row["consumption_date"] == "2025-06-16")
    assert (await client.delete(f"/usage/consumption/{doomed['id']}")).status_code == 204
    amounts[date(2025, 6, 16)] -= Decimal(doomed["amount_consumed"])
    await assert_totals_exact(connection)
    async with sessions() as session:
        repository = ConsumptionRepository(session)
        row = (
            await session.execute(
                select(UsageConsumption).where(
                    UsageConsumption.service_id == service,
                    UsageConsumption.consumption_date == date(2025, 7, 15),
                )
            )
        ).scalar_one()
        await repository.change_amount(row, Decimal("45.25"))
        await session.commit()
    amounts[date(2025, 7, 15)] += Decimal("45.25") - Decimal("60.00")
    await assert_totals_exact(connection)
    (shown,) = [row for row in await balances(client) if row["service_id"] == service]
    assert shown["daily_burn"] == burn(amounts, TODAY)


async def test_balances_stay_exact_while_the_day_moves_on_and_after_the_restamp(
    client: httpx.AsyncClient,
    connection: AsyncConnection,
    sessions: async_sessionmaker[AsyncSession],
    set_today: Callable[[date], None],
) -> None:
    amounts: dict[int, dict[date, Decimal]] = {}
    ids: dict[str, int] = {}
    for name, pattern in [("Steady", "20.00"), ("Early", "90.00"), ("Late", "5.00")]:
        service = ids[name] = (await make_service(client, "Usage", name=name))["id"]
        await make_topup(client, service, "2025-01-01", "3000.00")
        amounts[service] = {}
        for offset in range(0, 40, 4):
            # "Early" consumed at the start of the span, "Late" at its end: the days_left order
            # changes as the window moves.
            if (name == "Early" and offset > 20) or (name == "Late" and offset < 20):
                continue
            day = date(2025, 6, 20) + timedelta(days=offset)
            await make_consumption(client, service, day.isoformat(), pattern)
            amounts[service][day] = Decimal(pattern)

    def expected(today: date) -> dict[int, str]:
        return {service: burn(days, today) for service, days in amounts.items()}

    async def shown() -> tuple[dict[int, str], list[int], list[int]]:
        rows = [row for row in await balances(client) if row["service_id"] in amounts]
        ordered = [
            row["service_id"]
            for row in await balances(client, sort="days_left")
            if row["service_id"] in amounts
        ]
        paged = [
            row["service_id"]
            for offset in range(0, 40, 2)
            for row in await balances(client, sort="days_left", limit=2, offset=offset)
            if row["service_id"] in amounts
        ]
        return {row["service_id"]: row["daily_burn"] for row in rows}, ordered, paged

    burns, order, paged = await shown()
    assert burns == expected(TODAY)
    assert paged == order
    stamps = await derived_totals(connection)
    assert {stamps["windows"][service][0] for service in amounts} == {TODAY}
    later = TODAY + timedelta(days=25)
    set_today(later)
    # Stamped for another day: the balances sum the daily totals, the same figures. A write
    # now is outside the stamped window (for the sum of its own day's window).
    late = ids["Late"]
    await make_consumption(client, late, later.isoformat(), "7.00")
    amounts[late][later] = Decimal("7.00")
    await assert_totals_exact(connection)
    stale_burns, stale_order, stale_paged = await shown()
    assert stale_burns == expected(later)
    assert stale_paged == stale_order
    async with sessions() as session:
        assert await restamp_windows(session, later) >= len(amounts)
        await session.commit()
    async with sessions() as session:
        assert await restamp_windows(session, later) == 0  # nothing stale any more
    stamped = await derived_totals(connection)
    assert {stamped["windows"][service][0] for service in amounts} == {later}
    await assert_totals_exact(connection)
    await make_provider(client, "Another write")
    assert await shown() == (stale_burns, stale_order, stale_paged)
    # The window moved past "Early"'s consumption: it sorts last now, and not before.
    early = ids["Early"]
    assert order.index(early) != len(order) - 1
    assert stale_order[-1] == early


async def test_a_service_without_a_running_balance_has_no_window(
    client: httpx.AsyncClient, connection: AsyncConnection
) -> None:
    service = (await make_service(client, "Usage", name="Idle"))["id"]
    (shown,) = [row for row in await balances(client) if row["service_id"] == service]
    assert (shown["daily_burn"], shown["days_left"]) == ("0.00", 0)
    count = select(UsageBalance.service_id).where(UsageBalance.service_id == service)
    assert (await connection.execute(count)).first() is None
