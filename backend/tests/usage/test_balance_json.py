"""The balances and low-balance reports as JSON made row by row through a memo.

The JSON of each row is kept per process, by the values the row is made of: it must be the
JSON the response models would give, and follow every change of a row.
"""

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from costwatch.usage.schemas import Balance, LowBalanceAlert
from costwatch.usage.service import (
    JsonMemo,
    list_balances,
    list_balances_json,
    low_balance_alerts,
    low_balance_alerts_json,
)
from tests.factories import make_consumption, make_service, make_topup


def test_the_memo_makes_each_row_once_and_empties_when_full() -> None:
    memo = JsonMemo(limit=2)
    made: list[str] = []

    def maker(text: str) -> Callable[[], bytes]:
        def make() -> bytes:
            made.append(text)
            return text.encode()

        return make

    assert memo.json("a", maker("a")) == b"a"
    assert memo.json("a", maker("other")) == b"a"
    assert memo.json("b", maker("b")) == b"b"
    assert made == ["a", "b"]
    assert len(memo) == 2
    assert memo.json("c", maker("c")) == b"c"
    assert len(memo) == 1  # full: emptied before the new row
    assert memo.json("a", maker("a again")) == b"a again"


async def models_and_json(
    sessions: async_sessionmaker[AsyncSession], percent: Decimal
) -> tuple[Any, Any, Any, Any]:
    async with sessions() as session:
        balances, _ = await list_balances(session, threshold_percent=percent)
        body, total = await list_balances_json(session, threshold_percent=percent)
        assert total == len(balances)
        alerts = await low_balance_alerts(session, percent)
        low = await low_balance_alerts_json(session, percent)
    return (
        json.loads(TypeAdapter(list[Balance]).dump_json(balances)),
        json.loads(body),
        json.loads(TypeAdapter(list[LowBalanceAlert]).dump_json(alerts)),
        json.loads(low),
    )


async def test_the_json_is_the_models_json_and_follows_every_write(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    low = (await make_service(client, "Usage", name="Low"))["id"]
    fine = (await make_service(client, "Usage", name="Fine"))["id"]
    await make_service(client, "Usage", name="Never topped up")
    await make_topup(client, low, "2025-07-01", "100.00")
    await make_consumption(client, low, "2025-07-10", "90.00")
    await make_topup(client, fine, "2025-07-01", "50.00")
    await make_consumption(client, fine, "2025-07-12", "1.25")
    for _ in range(2):  # the second time from the memo
        models, made, alerts, low_made = await models_and_json(sessions, Decimal(20))
        assert made == models
        assert low_made == alerts
        assert [row["service_id"] for row in low_made] == [low]
    # A write changes one row: its JSON follows, the other rows stay.
    await make_consumption(client, fine, "2025-07-14", "45.00")
    models, made, alerts, low_made = await models_and_json(sessions, Decimal(20))
    assert made == models
    assert low_made == alerts
    assert sorted(row["service_id"] for row in low_made) == [low, fine]
    assert next(row for row in made if row["service_id"] == fine)["balance"] == "3.75"
    # Equal thresholds written apart are shown as written.
    for percent in (Decimal("20.0"), Decimal("20")):
        models, made, alerts, low_made = await models_and_json(sessions, percent)
        assert made == models
        assert low_made == alerts
        assert {row["threshold_percent"] for row in made} == {str(percent)}


async def test_the_routes_answer_the_json_with_the_count(client: httpx.AsyncClient) -> None:
    first = (await make_service(client, "Usage", name="A"))["id"]
    await make_service(client, "Usage", name="B")
    await make_topup(client, first, "2025-07-01", "10.00")
    await make_consumption(client, first, "2025-07-02", "9.00")
    page = await client.get("/usage/balances", params={"limit": 1, "sort": "service_name"})
    assert page.status_code == 200
    assert page.headers["content-type"] == "application/json"
    assert page.headers["x-total-count"] == "2"
    assert [row["service_name"] for row in page.json()] == ["A"]
    low = await client.get("/alerts/low-balance", params={"threshold_percent": "50"})
    assert low.status_code == 200
    assert [(row["service_id"], row["balance"]) for row in low.json()] == [(first, "1.00")]
