"""Notification channels through the API, delivering to real receivers on loopback.

The signature of a webhook is checked here with an implementation of our own (``hmac`` and
``hashlib`` directly), as a receiver would: not with the server's ``sign``.
"""

import email
import email.policy
import hashlib
import hmac
import json
import logging
import time
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet
from fastapi import FastAPI
from pytest_httpserver import HTTPServer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from werkzeug import Request, Response

from costwatch.connections.keys import rotate_keys
from costwatch.models import NotificationChannel
from costwatch.notifications.repository import ChannelRepository
from costwatch.vault import UnreadableCredentials, Vault
from tests.notifications.conftest import Inbox, free_port

JSON = dict[str, Any]
SECRET = "whsec-test-0123456789abcdef"
SMTP_PASSWORD = "smtp-pass-never-shown-42"


async def make_channel(client: httpx.AsyncClient, **body: Any) -> JSON:
    response = await client.post("/notification-channels", json={"name": "Ops", **body})
    assert response.status_code == 201, response.text
    result: JSON = response.json()
    return result


def verify(header: str, body: bytes, secret: str, tolerance: int = 300) -> int:
    """A receiver's check of ``X-CostWatch-Signature``: the timestamp, or AssertionError."""
    parts = dict(part.split("=", 1) for part in header.split(","))
    timestamp = int(parts["t"])
    expected = hmac.new(
        secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(expected, parts["v1"]), "bad signature"
    assert abs(time.time() - timestamp) <= tolerance, "stale timestamp"
    return timestamp


async def test_an_email_channel_sends_its_test_through_smtp(
    client: httpx.AsyncClient, smtp_server: tuple[Inbox, int], use_smtp: Any
) -> None:
    inbox, port = smtp_server
    use_smtp(port)
    channel = await make_channel(client, kind="email", name="Finance", target="ops@example.com")
    assert channel["kinds"] == ["budget", "low_balance", "runway", "commitment", "anomaly"]
    assert channel["has_secret"] is False

    answer = await client.post(f"/notification-channels/{channel['id']}/test")

    assert answer.status_code == 200, answer.text
    assert (answer.json()["status"], answer.json()["attempts"]) == ("sent", 1)
    assert answer.json()["response_status"] == 250
    assert len(inbox.envelopes) == 1
    envelope = inbox.envelopes[0]
    assert envelope.mail_from == "costwatch@example.com"
    assert envelope.rcpt_tos == ["ops@example.com"]
    mail = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert mail["From"] == "costwatch@example.com"
    assert mail["To"] == "ops@example.com"
    assert mail["Subject"] == "[CostWatch] Test notification"
    body = mail.get_body(("plain",))
    assert body is not None
    assert 'notification channel "Finance"' in body.get_content()
    assert "budget, low_balance, runway, commitment, anomaly" in body.get_content()
    log = (await client.get(f"/notification-channels/{channel['id']}/deliveries")).json()
    assert [(row["event"], row["event_id"], row["status"]) for row in log] == [
        ("test", None, "sent")
    ]
    assert log[0]["finished_at"] is not None


async def test_a_webhook_is_signed_and_verifiable(
    client: httpx.AsyncClient, httpserver: HTTPServer
) -> None:
    received: list[Request] = []

    def capture(request: Request) -> Response:
        received.append(request)
        return Response("ok")

    httpserver.expect_request("/hook", method="POST").respond_with_handler(capture)
    channel = await make_channel(
        client, kind="webhook", target=httpserver.url_for("/hook"), secret=SECRET,
        kinds=["runway", "budget", "budget"],
    )  # fmt: skip
    assert channel["kinds"] == ["budget", "runway"]
    assert channel["has_secret"] is True

    answer = await client.post(f"/notification-channels/{channel['id']}/test")

    assert answer.status_code == 200, answer.text
    assert len(received) == 1
    request = received[0]
    raw = request.get_data()
    assert request.headers["Content-Type"] == "application/json"
    verify(request.headers["X-CostWatch-Signature"], raw, SECRET)
    with pytest.raises(AssertionError, match="bad signature"):
        verify(request.headers["X-CostWatch-Signature"], raw, "another-secret-of-some-length")
    with pytest.raises(AssertionError, match="bad signature"):
        verify(request.headers["X-CostWatch-Signature"], raw.replace(b"Ops", b"Opz"), SECRET)
    payload = json.loads(raw)
    assert payload["event"] == "test"
    assert payload["alert"]["kind"] == "test"
    assert payload["alert"]["subject"] == "Ops"
    assert payload["sent_at"].endswith("Z")
    assert SECRET.encode() not in raw


async def test_slack_gets_text_and_blocks(
    client: httpx.AsyncClient, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/services/T1/B2/xyz", method="POST").respond_with_data("ok")
    channel = await make_channel(
        client, kind="slack", name="#costs <team>", target=httpserver.url_for("/services/T1/B2/xyz")
    )

    answer = await client.post(f"/notification-channels/{channel['id']}/test")

    assert answer.status_code == 200, answer.text
    request, _ = httpserver.log[0]
    payload = request.get_json()
    assert "X-CostWatch-Signature" not in request.headers
    assert payload["text"].startswith("Test notification: ")
    # Slack's mrkdwn: & < > escaped.
    assert "&lt;team&gt;" in payload["text"]
    assert payload["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Test notification"},
    }
    assert payload["blocks"][1]["type"] == "section"
    assert "&lt;team&gt;" in payload["blocks"][1]["text"]["text"]


async def test_a_500_is_retried_until_it_succeeds(
    client: httpx.AsyncClient, httpserver: HTTPServer
) -> None:
    httpserver.expect_oneshot_request("/hook").respond_with_data("busy", status=500)
    httpserver.expect_oneshot_request("/hook").respond_with_data("slow down", status=429)
    httpserver.expect_request("/hook").respond_with_data("ok")
    channel = await make_channel(
        client, kind="webhook", target=httpserver.url_for("/hook"), secret=SECRET
    )

    answer = await client.post(f"/notification-channels/{channel['id']}/test")

    assert answer.status_code == 200, answer.text
    assert (answer.json()["status"], answer.json()["attempts"]) == ("sent", 3)
    assert [response.status_code for _, response in httpserver.log] == [500, 429, 200]
    # Each try is signed afresh, and each signature holds.
    for request, _ in httpserver.log:
        verify(request.headers["X-CostWatch-Signature"], request.get_data(), SECRET)


async def test_a_4xx_is_not_retried_and_answers_502_with_the_reason(
    client: httpx.AsyncClient, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/hook").respond_with_data("no such hook", status=404)
    channel = await make_channel(client, kind="slack", target=httpserver.url_for("/hook"))

    answer = await client.post(f"/notification-channels/{channel['id']}/test")

    assert answer.status_code == 502
    assert "the receiver answered 404 NOT FOUND: no such hook" in answer.json()["detail"]
    assert len(httpserver.log) == 1
    log = (await client.get(f"/notification-channels/{channel['id']}/deliveries")).json()
    assert [(row["status"], row["attempts"], row["response_status"]) for row in log] == [
        ("failed", 1, 404)
    ]
    # The Slack URL is a credential: never in an error.
    assert httpserver.url_for("/hook") not in answer.text


async def test_a_receiver_down_for_good_gets_a_bounded_number_of_tries(
    client: httpx.AsyncClient, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/hook").respond_with_data("down", status=503)
    channel = await make_channel(client, kind="slack", target=httpserver.url_for("/hook"))

    answer = await client.post(f"/notification-channels/{channel['id']}/test")

    assert answer.status_code == 502
    assert "failed after 3 tries" in answer.json()["detail"]
    assert len(httpserver.log) == 3


async def test_an_unreachable_smtp_server_is_a_readable_error_without_the_password(
    client: httpx.AsyncClient,
    use_smtp: Any,
    connection: AsyncConnection,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    port = free_port()  # nobody listens there
    use_smtp(port, user="mailer", password=SMTP_PASSWORD)
    channel = await make_channel(client, kind="email", target="ops@example.com")

    answer = await client.post(f"/notification-channels/{channel['id']}/test")

    assert answer.status_code == 502
    detail = answer.json()["detail"]
    assert f"cannot reach the SMTP server 127.0.0.1:{port}" in detail
    assert "failed after 3 tries" in detail
    log = await client.get(f"/notification-channels/{channel['id']}/deliveries")
    assert log.json()[0]["attempts"] == 3
    for text in (answer.text, log.text, caplog.text):
        assert SMTP_PASSWORD not in text


async def test_an_smtp_refusal_is_final(
    client: httpx.AsyncClient, smtp_server: tuple[Inbox, int], use_smtp: Any
) -> None:
    inbox, port = smtp_server
    inbox.refuse = "550 5.1.1 No such mailbox"
    use_smtp(port)
    channel = await make_channel(client, kind="email", target="nobody@example.com")

    answer = await client.post(f"/notification-channels/{channel['id']}/test")

    assert answer.status_code == 502
    assert "refused the address: 550 5.1.1 No such mailbox" in answer.json()["detail"]
    log = (await client.get(f"/notification-channels/{channel['id']}/deliveries")).json()
    assert (log[0]["attempts"], log[0]["response_status"]) == (1, 550)
    assert inbox.envelopes == []


async def test_email_without_an_smtp_server_configured_says_so(client: httpx.AsyncClient) -> None:
    channel = await make_channel(client, kind="email", target="ops@example.com", enabled=False)

    answer = await client.post(f"/notification-channels/{channel['id']}/test")

    assert answer.status_code == 502
    assert "no SMTP server is configured (set COSTWATCH_SMTP_HOST" in answer.json()["detail"]


async def test_the_secret_is_write_only_encrypted_and_never_logged(
    client: httpx.AsyncClient,
    app: FastAPI,
    connection: AsyncConnection,
    httpserver: HTTPServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    httpserver.expect_request("/hook").respond_with_data("nope", status=400)
    made = await make_channel(
        client, kind="webhook", target=httpserver.url_for("/hook"), secret=SECRET
    )
    new_secret = SECRET[::-1]
    answers = [
        await client.get("/notification-channels"),
        await client.put(f"/notification-channels/{made['id']}", json={"secret": new_secret}),
        await client.post(f"/notification-channels/{made['id']}/test"),
        await client.get(f"/notification-channels/{made['id']}/deliveries"),
        await client.put(f"/notification-channels/{made['id']}", json={"secret": " short"}),
        await client.get("/audit"),
    ]

    assert [answer.status_code for answer in answers] == [200, 200, 502, 200, 422, 200]
    for answer in answers:
        assert SECRET not in answer.text
        assert new_secret not in answer.text
    assert SECRET not in caplog.text and new_secret not in caplog.text
    stored = (await connection.execute(select(NotificationChannel.secret))).scalar_one()
    assert stored is not None and new_secret not in stored
    vault: Vault = app.state.vault
    assert vault.decrypt(stored) == {"secret": new_secret}
    request, _ = httpserver.log[0]
    verify(request.headers["X-CostWatch-Signature"], request.get_data(), new_secret)
    audit = (await client.get("/audit", params={"entity": "notification_channel"})).json()
    sealed = [entry["after"]["secret"] for entry in audit if "secret" in (entry["after"] or {})]
    assert sealed and set(sealed) == {"(secret)"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "email", "target": "https://example.com/hook"}, "target"),
        ({"kind": "email", "target": "ops@example.com\r\nBcc: all@example.com"}, "target"),
        ({"kind": "email", "target": "ops@example.com", "secret": SECRET}, "secret"),
        ({"kind": "slack", "target": "ops@example.com"}, "target"),
        ({"kind": "slack", "target": "ftp://example.com/x"}, "target"),
        ({"kind": "webhook", "target": "https://example.com/hook"}, "secret"),
        ({"kind": "webhook", "target": "https://example.com/hook", "secret": "short"}, "secret"),
        ({"kind": "webhook", "target": "http:// x", "secret": SECRET}, "target"),
        ({"kind": "sms", "target": "+15551234567"}, "kind"),
        ({"kind": "email", "target": "ops@example.com", "kinds": []}, "kinds"),
        ({"kind": "email", "target": "ops@example.com", "kinds": ["weather"]}, "kinds"),
        ({"kind": "email", "target": "ops@example.com", "name": " "}, "name"),
    ],
)
async def test_bad_channels_are_422(client: httpx.AsyncClient, body: JSON, field: str) -> None:
    answer = await client.post("/notification-channels", json={"name": "x", **body})

    assert answer.status_code == 422, answer.text
    assert field in answer.text
    assert (await client.get("/notification-channels")).json() == []


async def test_update_delete_and_unknown_ids(client: httpx.AsyncClient) -> None:
    hook = await make_channel(
        client, kind="webhook", target="https://example.com/hook", secret=SECRET
    )
    url = f"/notification-channels/{hook['id']}"

    changed = await client.put(url, json={"name": "Bridge", "enabled": False, "kinds": ["anomaly"]})
    assert changed.status_code == 200
    assert (changed.json()["name"], changed.json()["enabled"]) == ("Bridge", False)
    assert (changed.json()["kinds"], changed.json()["has_secret"]) == (["anomaly"], True)
    # The new target must suit the kind; a webhook keeps its secret.
    assert (await client.put(url, json={"target": "ops@example.com"})).status_code == 422
    assert (await client.put(url, json={"name": None})).status_code == 422
    # Becoming an email channel drops the signing key; becoming a webhook again needs one.
    to_email = await client.put(url, json={"kind": "email", "target": "ops@example.com"})
    assert to_email.status_code == 200
    assert (to_email.json()["kind"], to_email.json()["has_secret"]) == ("email", False)
    back = await client.put(url, json={"kind": "webhook", "target": "https://example.com/h"})
    assert back.status_code == 422
    assert "secret" in back.text
    assert (await client.get("/notification-channels")).json()[0]["kind"] == "email"

    assert (await client.delete(url)).status_code == 204
    assert (await client.delete(url)).status_code == 404
    assert (await client.put(url, json={"name": "x"})).status_code == 404
    assert (await client.post(f"{url}/test")).status_code == 404
    assert (await client.get(f"{url}/deliveries")).status_code == 404
    assert (await client.get("/notification-channels/0/deliveries")).status_code == 422


async def test_the_alert_engine_finds_the_enabled_channels_of_a_kind(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    budget = await make_channel(client, kind="email", target="a@example.com", kinds=["budget"])
    everything = await make_channel(client, kind="email", target="b@example.com")
    await make_channel(client, kind="email", target="c@example.com", enabled=False)

    async with sessions() as session:
        repo = ChannelRepository(session)
        assert [c.id for c in await repo.receiving("budget")] == [budget["id"], everything["id"]]
        assert [c.id for c in await repo.receiving("runway")] == [everything["id"]]


async def test_key_rotation_re_encrypts_webhook_secrets(
    app: FastAPI, concurrent_client: tuple[httpx.AsyncClient, AsyncEngine]
) -> None:
    client, engine = concurrent_client
    await make_channel(client, kind="webhook", target="https://example.com/h", secret=SECRET)
    old_key = app.state.settings.effective_encryption_keys[0]
    new_key = Fernet.generate_key().decode()

    assert await rotate_keys(engine, Vault([new_key, old_key])) == 1

    async with engine.connect() as connection:
        stored = (await connection.execute(select(NotificationChannel.secret))).scalar_one()
    assert stored is not None
    assert Vault([new_key]).decrypt(stored) == {"secret": SECRET}
    with pytest.raises(UnreadableCredentials):
        Vault([old_key]).decrypt(stored)
