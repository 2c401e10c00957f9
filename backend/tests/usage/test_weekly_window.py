"""The runway's window summed from weekly and daily totals equals the sum of its days."""

from datetime import date, timedelta
from decimal import Decimal

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from costwatch.usage.repository import BalanceRepository, week_of, window_parts
from tests.factories import make_consumption, make_service, make_topup


@pytest.mark.parametrize(
    ("start", "end", "weeks", "days"),
    [
        # Monday to Tuesday four weeks later: four whole weeks and two days
        (date(2025, 6, 16), date(2025, 7, 15), (date(2025, 6, 16), date(2025, 7, 7)), 1),
        # Wednesday to Thursday: days at both ends
        (date(2025, 6, 18), date(2025, 7, 17), (date(2025, 6, 23), date(2025, 7, 7)), 2),
        # Monday to Sunday: whole weeks only
        (date(2025, 6, 2), date(2025, 6, 29), (date(2025, 6, 2), date(2025, 6, 23)), 0),
        # fewer days than a week, or no whole week in them: days only
        (date(2025, 7, 1), date(2025, 7, 3), None, 1),
        (date(2025, 7, 2), date(2025, 7, 12), None, 1),
        (date(2025, 7, 2), date(2025, 7, 13), (date(2025, 7, 7), date(2025, 7, 7)), 1),
    ],
)
def test_a_window_is_its_whole_weeks_and_the_days_around_them(
    start: date, end: date, weeks: tuple[date, date] | None, days: int
) -> None:
    found_weeks, found_days = window_parts(start, end)
    assert found_weeks == weeks
    assert len(found_days) == days
    covered = []
    if found_weeks is not None:
        monday = found_weeks[0]
        while monday <= found_weeks[1]:
            assert week_of(monday) == monday
            covered += [monday + timedelta(days=offset) for offset in range(7)]
            monday += timedelta(days=7)
    for first, last in found_days:
        covered += [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
    # Every day of the window once, none outside it.
    assert sorted(covered) == [start + timedelta(days=n) for n in range((end - start).days + 1)]


async def test_the_windows_consumption_is_the_sum_of_its_days(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    service = (await make_service(client, "Usage", name="Metered"))["id"]
    await make_topup(client, service, "2025-05-01", "100000.00")
    first = date(2025, 5, 20)
    amounts = {first + timedelta(days=n): Decimal(n + 1) for n in range(70)}
    for day, amount in amounts.items():
        await make_consumption(client, service, day.isoformat(), str(amount))
    async with sessions() as session:
        repository = BalanceRepository(session)
        # Windows of 30 days ending on each day of a week (and one of 3 days).
        for end, length in [(date(2025, 7, 10) + timedelta(days=n), 30) for n in range(7)] + [
            (date(2025, 7, 2), 3)
        ]:
            start = end - timedelta(days=length - 1)
            rows, _ = await repository.balances(service, burn_window=(start, end))
            expected = sum(amount for day, amount in amounts.items() if start <= day <= end)
            assert rows[0].consumed_recent == expected, (start, end)
