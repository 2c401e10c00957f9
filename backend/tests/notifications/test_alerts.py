"""The alert engine end to end: rules, events once, notifications once, to real receivers.

Today is frozen at 2025-07-15. Deliveries go to aiosmtpd on loopback and to a local HTTP
receiver (pytest-httpserver); webhook signatures are checked with ``verify`` (plain hmac).
"""

import asyncio
import email
import email.policy
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal
from random import Random
from statistics import median
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from costwatch import clock
from costwatch.alerts.engine import _insert, _new_row
from costwatch.alerts.repository import AlertRepository
from costwatch.alerts.rules import (
    MAD_TO_SIGMA,
    MIN_SPREAD,
    MIN_SPREAD_SHARE,
    Condition,
    is_anomaly,
)
from costwatch.models import AlertEvent, NotificationDelivery
from costwatch.notifications.delivery import SmtpConfig
from tests.factories import (
    make_consumption,
    make_invoice,
    make_plan,
    make_service,
    make_topup,
    post,
)
from tests.notifications.conftest import Inbox
from tests.notifications.test_channels import SECRET, make_channel, verify

JSON = dict[str, Any]


async def evaluate(client: httpx.AsyncClient) -> JSON:
    response = await client.post("/alerts/evaluate")
    assert response.status_code == 200, response.text
    body: JSON = response.json()
    return body


async def alerts(client: httpx.AsyncClient, **params: Any) -> list[JSON]:
    response = await client.get("/alerts", params=params)
    assert response.status_code == 200, response.text
    rows: list[JSON] = response.json()
    assert response.headers["X-Total-Count"] == str(len(rows))
    return rows


@contextmanager
def alert_statements(bind: AsyncEngine | AsyncConnection) -> Iterator[list[str]]:
    """The verbs (SELECT, UPDATE, ...) of the statements on ``alert_event`` sent in the block."""
    engine = (bind if isinstance(bind, AsyncEngine) else bind.engine).sync_engine
    verbs: list[str] = []

    def note(*args: Any) -> None:
        statement: str = args[2]
        if "alert_event" in statement:
            verbs.append(statement.split(None, 1)[0].upper())

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield verbs
    finally:
        event.remove(engine, "before_cursor_execute", note)


def webhooks(httpserver: HTTPServer) -> list[JSON]:
    """The webhook posts received, each signature checked as a receiver would."""
    received = []
    for request, _ in httpserver.log:
        raw = request.get_data()
        verify(request.headers["X-CostWatch-Signature"], raw, SECRET)
        received.append(json.loads(raw))
    return received


async def test_each_budget_crossing_sends_one_email_and_one_signed_webhook(
    client: httpx.AsyncClient,
    smtp_server: tuple[Inbox, int],
    use_smtp: Callable[..., SmtpConfig],
    httpserver: HTTPServer,
    set_today: Callable[[date], None],
) -> None:
    inbox, port = smtp_server
    use_smtp(port)
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    await make_channel(client, kind="email", target="finance@example.com", kinds=["budget"])
    await make_channel(
        client, kind="webhook", name="Hook", target=httpserver.url_for("/hook"), secret=SECRET
    )
    # A disabled channel and one for other kinds get nothing.
    await make_channel(client, kind="email", target="off@example.com", enabled=False)
    await make_channel(client, kind="email", target="runway@example.com", kinds=["runway"])
    budget = await post(client, "/budgets", {"name": "Cloud", "scope": "total", "amount": "1000"})
    aws = await make_service(client, "Infrastructure", name="AWS")
    invoice = await make_invoice(client, aws["id"], "2025-07", "500.00")

    assert await evaluate(client) == {"opened": 0, "resolved": 0, "notified": 0}
    assert inbox.envelopes == []

    # 850 of 1000: the 80 % threshold.
    assert (
        await client.put(f"/invoices/{invoice['id']}", json={"amount": "850"})
    ).status_code == 200
    assert await evaluate(client) == {"opened": 1, "resolved": 0, "notified": 2}
    [event] = await alerts(client)
    assert event["kind"] == "budget"
    assert (event["budget_id"], event["threshold"], event["period"]) == (
        budget["id"],
        80,
        "2025-07",
    )
    assert event["state"] == "open"
    assert event["subject"] == "Cloud"
    assert "850.00 USD spent of 1000.00 USD (85.0 %)" in event["message"]
    assert event["notified_at"] is not None
    # Evaluating again, however often, opens and sends nothing more.
    for _ in range(3):
        assert await evaluate(client) == {"opened": 0, "resolved": 0, "notified": 0}

    # Over 100 %: one more event, one more message per channel.
    gcp = await make_service(client, "Infrastructure", name="GCP")
    extra = await make_invoice(client, gcp["id"], "2025-07", "200.00")
    assert await evaluate(client) == {"opened": 1, "resolved": 0, "notified": 2}
    assert await evaluate(client) == {"opened": 0, "resolved": 0, "notified": 0}
    rows = await alerts(client)
    assert [(row["threshold"], row["state"]) for row in rows] == [(100, "open"), (80, "open")]

    assert len(inbox.envelopes) == 2
    assert all(envelope.rcpt_tos == ["finance@example.com"] for envelope in inbox.envelopes)
    subjects = [
        email.message_from_bytes(envelope.content, policy=email.policy.default)["Subject"]
        for envelope in inbox.envelopes
    ]
    assert subjects == [
        "[CostWatch] Budget Cloud reached 80 %",
        "[CostWatch] Budget Cloud reached 100 %",
    ]
    posts = webhooks(httpserver)
    assert [(body["event"], body["alert"]["threshold"]) for body in posts] == [
        ("alert.opened", 80),
        ("alert.opened", 100),
    ]
    assert posts[1]["alert"]["id"] == rows[0]["id"]
    assert posts[1]["alert"]["budget_id"] == budget["id"]

    # The delivery log of the webhook names the events.
    hook = (await client.get("/notification-channels")).json()
    hook_id = next(channel["id"] for channel in hook if channel["name"] == "Hook")
    log = (await client.get(f"/notification-channels/{hook_id}/deliveries")).json()
    assert [(row["event"], row["event_id"], row["status"]) for row in log] == [
        ("alert.opened", rows[0]["id"], "sent"),
        ("alert.opened", rows[1]["id"], "sent"),
    ]

    per_event = (await client.get(f"/alerts/{rows[0]['id']}/deliveries")).json()
    assert sorted(row["channel_id"] for row in per_event) == sorted(
        channel["id"]
        for channel in hook
        if channel["name"] in ("Hook", "Ops")
        and channel["enabled"]
        and "budget" in channel["kinds"]
    )
    assert (await client.get(f"/alerts/{rows[0]['id']}")).json() == rows[0]
    assert (await client.get("/alerts/999999")).status_code == 404
    assert (await client.get("/alerts/999999/deliveries")).status_code == 404

    # The 100 % condition clears (the invoice was a mistake): that event resolves by itself.
    assert (await client.delete(f"/invoices/{extra['id']}")).status_code == 204
    assert await evaluate(client) == {"opened": 0, "resolved": 1, "notified": 0}
    [resolved] = await alerts(client, state="resolved")
    assert (resolved["threshold"], resolved["resolved_at"] is not None) == (100, True)
    # Back over 100 % in the same month: the same event opens again, without a new message.
    await make_invoice(client, gcp["id"], "2025-07", "300.00")
    assert await evaluate(client) == {"opened": 0, "resolved": 0, "notified": 0}
    assert [row["state"] for row in await alerts(client)] == ["open", "open"]
    assert len(inbox.envelopes) == 2
    assert len(httpserver.log) == 2

    # August: July's events are over; a crossing in August is a new event (and message).
    set_today(date(2025, 8, 3))
    assert await evaluate(client) == {"opened": 0, "resolved": 2, "notified": 0}
    await make_invoice(client, aws["id"], "2025-08", "900.00")
    assert await evaluate(client) == {"opened": 1, "resolved": 0, "notified": 2}
    opened = await alerts(client, state="open")
    assert [(row["period"], row["threshold"]) for row in opened] == [("2025-08", 80)]
    assert len(inbox.envelopes) == 3


async def test_acknowledging_an_alert(
    client: httpx.AsyncClient, set_today: Callable[[date], None]
) -> None:
    await post(client, "/budgets", {"name": "Tiny", "scope": "total", "amount": "10"})
    aws = await make_service(client, "Infrastructure", name="AWS")
    await make_invoice(client, aws["id"], "2025-07", "20.00")
    assert (await evaluate(client))["opened"] == 2  # 80 % and 100 %, no channel to tell
    first, second = await alerts(client)
    answer = await client.post(f"/alerts/{first['id']}/acknowledge")
    assert answer.status_code == 200, answer.text
    assert answer.json()["state"] == "acknowledged"
    assert answer.json()["acknowledged_at"] is not None
    again = await client.post(f"/alerts/{first['id']}/acknowledge")
    assert again.json() == answer.json()
    assert [row["id"] for row in await alerts(client, state="acknowledged")] == [first["id"]]
    assert [row["id"] for row in await alerts(client, state="open")] == [second["id"]]
    # An acknowledged event still resolves when its condition clears.
    set_today(date(2025, 8, 1))
    assert (await evaluate(client))["resolved"] == 2
    late = await client.post(f"/alerts/{first['id']}/acknowledge")
    assert late.status_code == 409
    assert (await client.post("/alerts/999999/acknowledge")).status_code == 404
    assert (await client.get("/alerts", params={"state": "closed"})).status_code == 422
    assert (await client.get("/alerts", params={"kind": "budget"})).headers["X-Total-Count"] == "2"
    csv = await client.get("/alerts", params={"format": "csv"})
    assert csv.status_code == 200
    assert csv.text.splitlines()[0].startswith("id,kind,subject")
    assert len(csv.text.splitlines()) == 3


async def test_low_balance_and_runway_open_per_funding_period_and_clear_with_a_top_up(
    client: httpx.AsyncClient,
) -> None:
    openai = await make_service(client, "Usage", name="OpenAI API")
    await make_topup(client, openai["id"], "2025-07-01", "100.00")
    # 6.00 a day for 14 days: 84.00 used, 16.00 left (under 20 % of 100.00); the burn over
    # 30 days is 84.00 / 30 = 2.80 a day: 16.00 lasts floor(16 x 30 / 84) = 5 days.
    for day in range(1, 15):
        await make_consumption(client, openai["id"], f"2025-07-{day:02d}", "6.00")
    assert (await evaluate(client))["opened"] == 2
    rows = {row["kind"]: row for row in await alerts(client)}
    low, runway = rows["low_balance"], rows["runway"]
    assert (low["threshold"], low["period"], low["service_id"]) == (20, "2025-07-01", openai["id"])
    assert "16.00 USD left, under 20 % of its last top-up (100.00 USD)" in low["message"]
    assert (runway["threshold"], runway["period"]) == (14, "2025-07-01")
    assert "runs out on 2025-07-20, in 5 days" in runway["message"]
    assert runway["subject"] == "OpenAI API"

    # A top-up clears both.
    await make_topup(client, openai["id"], "2025-07-15", "100.00")
    assert await evaluate(client) == {"opened": 0, "resolved": 2, "notified": 0}
    # Running low again after that top-up is a new funding period: new events.
    for day in range(10, 15):
        await make_consumption(client, openai["id"], f"2025-07-{day:02d}", "20.00")
    assert (await evaluate(client))["opened"] == 2
    periods = sorted((row["kind"], row["period"]) for row in await alerts(client, state="open"))
    assert periods == [("low_balance", "2025-07-15"), ("runway", "2025-07-15")]


async def test_a_commitment_reminder_goes_out_once_per_notice_window(
    client: httpx.AsyncClient, set_today: Callable[[date], None]
) -> None:
    slack = await make_service(client, "User License", name="Slack")
    await make_plan(client, slack["id"], "2025-01", "8.00", 12, annual_commitment_end="2025-09-01")
    # 48 days left: the 90-day window.
    assert (await evaluate(client))["opened"] == 1
    [first] = await alerts(client)
    assert (first["kind"], first["threshold"], first["period"]) == ("commitment", 90, "2025-09-01")
    assert "ends on 2025-09-01, in 48 days" in first["message"]
    assert "12 seats, 96.00 USD a month" in first["message"]
    assert (await evaluate(client))["opened"] == 0
    # 22 days left: the 30-day window opens, the 90-day one is done.
    set_today(date(2025, 8, 10))
    assert await evaluate(client) == {"opened": 1, "resolved": 1, "notified": 0}
    [current] = await alerts(client, state="open")
    assert current["threshold"] == 30
    # Past the end date the reminder resolves.
    set_today(date(2025, 9, 2))
    assert (await evaluate(client))["resolved"] == 1
    assert await alerts(client, state="open") == []


async def test_a_day_or_month_far_above_its_own_history_is_an_anomaly(
    client: httpx.AsyncClient,
) -> None:
    api = await make_service(client, "Usage", name="Model API")
    await make_topup(client, api["id"], "2025-06-01", "10000.00")
    for day in range(10, 31):
        await make_consumption(client, api["id"], f"2025-06-{day:02d}", "10.00")
    for day in range(1, 14):
        # A little noise keeps the history honest; 14.00 is inside it.
        await make_consumption(
            client, api["id"], f"2025-07-{day:02d}", "14.00" if day == 5 else "10.00"
        )
    spike = await make_consumption(client, api["id"], "2025-07-14", "100.00")
    cloud = await make_service(client, "Infrastructure", name="Cloud")
    for month, amount in [
        ("2025-03", "100"),
        ("2025-04", "110"),
        ("2025-05", "90"),
        ("2025-06", "100"),
    ]:
        await make_invoice(client, cloud["id"], month, amount)
    big = await make_invoice(client, cloud["id"], "2025-07", "500.00")

    await evaluate(client)
    found = sorted((row["subject"], row["period"]) for row in await alerts(client, kind="anomaly"))
    assert found == [("Cloud", "2025-07"), ("Model API", "2025-07-14")]
    messages = {row["period"]: row["message"] for row in await alerts(client, kind="anomaly")}
    assert (
        "consumed 100.00 USD on 2025-07-14, far above its usual 10.00 USD a day"
        in messages["2025-07-14"]
    )
    assert (
        "invoice for 2025-07 is 500.00 USD, far above its usual 100.00 USD" in messages["2025-07"]
    )

    # Corrected data clears them.
    assert (await client.delete(f"/usage/consumption/{spike['id']}")).status_code == 204
    assert (await client.put(f"/invoices/{big['id']}", json={"amount": "120"})).status_code == 200
    assert (await evaluate(client))["resolved"] == 2
    assert await alerts(client, kind="anomaly", state="open") == []


async def test_simultaneous_evaluations_store_and_send_each_event_once(
    concurrent_client: tuple[httpx.AsyncClient, AsyncEngine], httpserver: HTTPServer
) -> None:
    client, engine = concurrent_client
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    await make_channel(
        client, kind="webhook", name="Hook", target=httpserver.url_for("/hook"), secret=SECRET
    )
    await post(client, "/budgets", {"name": "All", "scope": "total", "amount": "100"})
    aws = await make_service(client, "Infrastructure", name="AWS")
    await make_invoice(client, aws["id"], "2025-07", "250.00")
    results = await asyncio.gather(*(evaluate(client) for _ in range(6)))
    assert sum(result["opened"] for result in results) == 2
    assert sum(result["notified"] for result in results) == 2
    async with engine.connect() as connection:
        events = (await connection.execute(select(func.count()).select_from(AlertEvent))).scalar()
        sent = (
            await connection.execute(select(func.count()).select_from(NotificationDelivery))
        ).scalar()
    assert (events, sent) == (2, 2)
    assert sorted(body["alert"]["threshold"] for body in webhooks(httpserver)) == [80, 100]


def test_the_anomaly_shortcut_agrees_with_the_full_rule() -> None:
    # The shortcut must never hide an anomaly: compare with the rule computed in full on
    # histories of every shape (flat, noisy, one spike, sparse), for amounts around them.
    def full(amount: Decimal, history: list[Decimal], k: Decimal) -> bool:
        middle = Decimal(median(history))
        mad = Decimal(median([abs(value - middle) for value in history]))
        spread = max(MAD_TO_SIGMA * mad, MIN_SPREAD_SHARE * middle, MIN_SPREAD)
        return amount > middle + k * spread

    rng = Random(7)
    checked = flagged = 0
    for _ in range(3000):
        base = Decimal(rng.choice([0, 1, 5, 10, 100, 1000]))
        history = [
            max(Decimal(0), base + Decimal(rng.randint(-300, 300)) / 100 * base / 10)
            for _ in range(28)
        ]
        if rng.random() < 0.3:
            history[rng.randrange(28)] *= 10
        if rng.random() < 0.2:
            history = [value if rng.random() < 0.5 else Decimal(0) for value in history]
        for factor in ("0.5", "1", "1.3", "1.5", "2", "5", "20"):
            amount = (base * Decimal(factor) + Decimal(rng.randint(0, 500)) / 100).quantize(
                Decimal("0.01")
            )
            k = Decimal(rng.choice([1, 2, 4, 8]))
            assert is_anomaly(amount, history, k)[0] == full(amount, history, k)
            checked += 1
            flagged += full(amount, history, k)
    assert checked == 21000
    assert 1000 < flagged < 20000  # both outcomes were exercised


async def test_an_evaluation_reads_the_events_at_once_and_writes_only_their_changes(
    client: httpx.AsyncClient,
    bind: AsyncEngine | AsyncConnection,
    set_today: Callable[[date], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 15 budgets of 10.00 and 20.00 spent: 30 events (80 % and 100 % each).
    aws = await make_service(client, "Infrastructure", name="AWS")
    invoice = await make_invoice(client, aws["id"], "2025-07", "20.00")
    for number in range(15):
        await post(client, "/budgets", {"name": f"B{number}", "scope": "total", "amount": "10"})
    # The first run inserts them in one statement, and marks them told (no channel) in one.
    with alert_statements(bind) as verbs:
        assert (await evaluate(client))["opened"] == 30
    assert (verbs.count("INSERT"), verbs.count("UPDATE")) == (1, 1)
    assert {row["notified_at"] is not None for row in await alerts(client)} == {True}
    quiet = {"opened": 0, "resolved": 0, "notified": 0}

    # Nothing changed: nothing written, and the same few reads however many events there are
    # (the events the run may change, those to notify); it used to be two reads per event.
    with alert_statements(bind) as verbs:
        assert await evaluate(client) == quiet
    assert verbs == ["SELECT", "SELECT"]

    # An hour later each event's last_seen moves: one statement for all of them.
    later = clock.now().replace(microsecond=0) + timedelta(hours=1, seconds=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    with alert_statements(bind) as verbs:
        assert await evaluate(client) == quiet
    assert verbs == ["SELECT", "UPDATE", "SELECT"]
    rows = await alerts(client)
    assert {datetime.fromisoformat(row["last_seen"]).replace(tzinfo=None) for row in rows} == {
        later
    }

    # New amounts: every message changes, in one statement, each to its own text.
    assert (
        await client.put(f"/invoices/{invoice['id']}", json={"amount": "25"})
    ).status_code == 200
    with alert_statements(bind) as verbs:
        assert await evaluate(client) == quiet
    assert verbs == ["SELECT", "UPDATE", "SELECT"]
    for row in await alerts(client):
        assert row["message"].startswith(f'Budget "{row["subject"]}" (All spend) has reached')
        assert "25.00 USD spent of 10.00 USD (250.0 %)" in row["message"]

    # The month is over: all resolve at once; back in it, the same events open again.
    set_today(date(2025, 8, 1))
    with alert_statements(bind) as verbs:
        assert await evaluate(client) == {"opened": 0, "resolved": 30, "notified": 0}
    assert verbs.count("UPDATE") == 1
    set_today(date(2025, 7, 20))
    with alert_statements(bind) as verbs:
        assert await evaluate(client) == quiet
    assert verbs.count("UPDATE") == 1
    assert len(verbs) <= 5
    rows = await alerts(client)
    assert len(rows) == 30
    assert {row["state"] for row in rows} == {"open"}
    assert {row["resolved_at"] for row in rows} == {None}


async def test_conditions_another_process_stored_first_are_not_opened_twice(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    # The bulk insert fails on the key another process stored since this run read; then each
    # is tried alone: the others are inserted, the taken one is read back to be refreshed.
    def budget(number: int) -> Condition:
        return Condition(
            kind="budget",
            subject_key=f"budget:{number}",
            threshold=80,
            period="2025-07",
            subject=f"B{number}",
            message=f"Budget B{number} has reached 80 %",
        )

    now = clock.now().replace(microsecond=0)
    async with sessions() as session:
        repo = AlertRepository(session)
        await repo.insert_many([_new_row(budget(2), now)])
        opened, theirs = await _insert(session, [budget(1), budget(2), budget(3)], now)
        assert opened == 2
        assert [event.key for event in theirs] == [budget(2).key]
        stored = await repo.stored([budget(number).key for number in (1, 2, 3, 4)])
        assert sorted(event.subject_key for event in stored) == ["budget:1", "budget:2", "budget:3"]
        assert {event.state for event in stored} == {"open"}
