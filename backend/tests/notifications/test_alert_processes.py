"""Two processes evaluate the same alerts at the same moment: one event, one message each.

Each process is a real Python interpreter with its own engine and connections (as two API
replicas are), started together on the suite's database: MariaDB, or on SQLite a database
file. The receivers (aiosmtpd and an HTTP server) count what actually arrived.
"""

import asyncio
import json
import os
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import httpx
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from costwatch.config import Settings
from costwatch.models import AlertEvent, NotificationDelivery
from costwatch.notifications.delivery import SmtpConfig
from tests.factories import make_invoice, make_service, post
from tests.notifications.conftest import Inbox
from tests.notifications.test_alerts import webhooks
from tests.notifications.test_channels import SECRET, make_channel

BACKEND = Path(__file__).resolve().parents[2]
PROCESSES = 2


async def run_workers(
    url: str, today: date, smtp_port: int, keys: list[str]
) -> list[dict[str, int]]:
    start_at = time.time() + 3.0  # both are up and connected by then, even on a busy machine
    env = {**os.environ, "COSTWATCH_ENCRYPTION_KEYS": ",".join(keys)}
    workers = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.notifications.alert_worker",
            url,
            today.isoformat(),
            str(start_at),
            str(smtp_port),
            cwd=BACKEND,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(PROCESSES)
    ]
    outcomes = []
    for worker in workers:
        out, err = await asyncio.wait_for(worker.communicate(), timeout=120)
        assert worker.returncode == 0, err.decode()
        outcomes.append(json.loads(out.decode().strip().splitlines()[-1]))
    return outcomes


async def test_two_processes_evaluating_at_once_store_and_send_each_alert_once(
    concurrent_client: tuple[httpx.AsyncClient, AsyncEngine],
    settings: Settings,
    smtp_server: tuple[Inbox, int],
    use_smtp: Callable[..., SmtpConfig],
    httpserver: HTTPServer,
    today: date,
) -> None:
    client, engine = concurrent_client
    inbox, port = smtp_server
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    await make_channel(client, kind="email", target="finance@example.com")
    await make_channel(
        client, kind="webhook", name="Hook", target=httpserver.url_for("/hook"), secret=SECRET
    )
    await post(client, "/budgets", {"name": "All", "scope": "total", "amount": "1000"})
    await post(client, "/budgets", {"name": "Half", "scope": "total", "amount": "500",
                                     "thresholds": [50, 80, 100, 150]})  # fmt: skip
    aws = await make_service(client, "Infrastructure", name="AWS")
    await make_invoice(client, aws["id"], f"{today:%Y-%m}", "1000.00")
    url = engine.url.render_as_string(hide_password=False)

    outcomes = await run_workers(url, today, port, settings.effective_encryption_keys)

    # 2 thresholds of "All" and 4 of "Half" are reached: 6 events, each told to 2 channels.
    assert sum(outcome["opened"] for outcome in outcomes) == 6
    assert sum(outcome["notified"] for outcome in outcomes) == 12
    async with engine.connect() as connection:
        events = (await connection.execute(select(func.count()).select_from(AlertEvent))).scalar()
        deliveries = (
            await connection.execute(select(func.count()).select_from(NotificationDelivery))
        ).scalar()
    assert (events, deliveries) == (6, 12)
    assert len(inbox.envelopes) == 6
    posts = webhooks(httpserver)
    assert len(posts) == 6
    assert len({body["alert"]["id"] for body in posts}) == 6

    # A second round (a restart, another replica) finds everything done.
    again = await run_workers(url, today, port, settings.effective_encryption_keys)
    assert again == [{"opened": 0, "resolved": 0, "notified": 0}] * PROCESSES
    assert len(inbox.envelopes) == 6
    assert len(httpserver.log) == 6
