"""Sending one message to one channel, with bounded retries, recorded in the delivery log.

- Email: through the deployment's SMTP server (``COSTWATCH_SMTP_*``) with aiosmtplib.
- Slack: an incoming webhook's JSON (``text`` and ``blocks``).
- Webhook: a POST of ``{"event", "alert", "sent_at"}`` signed with the channel's secret:
  ``X-CostWatch-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">``.

A try that fails for a reason that may pass (network error, timeout, HTTP 5xx or 429, SMTP
4xx) is repeated after ``backoff x 2^(n-1)`` seconds, up to ``attempts`` tries; any other
failure (HTTP 4xx, SMTP 5xx, no SMTP server configured) is final at once. Errors are recorded
and logged without the SMTP password nor the channel's secret, and without the target URL
(a Slack webhook URL is itself a credential).
"""

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

import aiosmtplib
import httpx
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from costwatch import clock
from costwatch.config import Settings
from costwatch.db.session import write_transaction
from costwatch.models import NotificationChannel, NotificationDelivery
from costwatch.notifications.repository import DeliveryRepository
from costwatch.vault import Vault

SIGNATURE_HEADER = "X-CostWatch-Signature"
ERROR_LENGTH = 500
_REPLY_LENGTH = 200
_DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}

log = logging.getLogger("costwatch.notifications")


@dataclass(frozen=True)
class SmtpConfig:
    """The SMTP server email channels send through."""

    host: str = ""
    port: int | None = None
    user: str = ""
    password: str = field(default="", repr=False)
    sender: str = "costwatch@localhost"
    security: str = "starttls"  # starttls | tls | none

    @classmethod
    def from_settings(cls, settings: Settings) -> "SmtpConfig":
        """The ``COSTWATCH_SMTP_*`` settings."""
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            user=settings.smtp_user,
            password=settings.smtp_password,
            sender=settings.smtp_from,
            security=settings.smtp_security,
        )

    @property
    def effective_port(self) -> int:
        """The configured port, else the usual one of the security mode."""
        return self.port or _DEFAULT_PORTS[self.security]


@dataclass(frozen=True)
class DeliveryPolicy:
    """How often and how long a message is tried."""

    attempts: int = 3
    backoff: float = 1.0
    timeout: float = 10.0

    @classmethod
    def from_settings(cls, settings: Settings) -> "DeliveryPolicy":
        """The ``COSTWATCH_NOTIFY_*`` settings."""
        return cls(
            attempts=settings.notify_attempts,
            backoff=settings.notify_backoff_seconds,
            timeout=settings.notify_timeout_seconds,
        )

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed try ``attempt`` (1-based)."""
        return float(self.backoff * 2 ** (attempt - 1))


@dataclass(frozen=True)
class Message:
    """What to tell a channel: an alert event (or a test), in words and as data."""

    event: str  # "test" | "alert.opened" | "alert.resolved"
    subject: str  # one line: the email's subject, Slack's header
    text: str  # the body
    alert: dict[str, Any]  # JSON-ready, the event as GET /alerts shows it
    event_id: int | None = None


@dataclass(frozen=True)
class Destination:
    """A channel's address, with its secret decrypted (never logged)."""

    id: int
    kind: str
    name: str
    target: str
    secret: str | None = field(default=None, repr=False)


@dataclass
class Outcome:
    """How a delivery ended."""

    sent: bool
    attempts: int
    error: str | None = None
    response_status: int | None = None


class _Failure(Exception):
    """A failed try: ``retry`` if another one may succeed."""

    def __init__(self, message: str, *, retry: bool, status: int | None = None) -> None:
        super().__init__(message)
        self.retry = retry
        self.status = status


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-CostWatch-Signature`` value of a body sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def webhook_body(message: Message, sent_at: datetime) -> bytes:
    """The JSON a generic webhook receives."""
    payload = {
        "event": message.event,
        "alert": message.alert,
        "sent_at": sent_at.isoformat().replace("+00:00", "Z"),
    }
    return json.dumps(payload, separators=(",", ":"), sort_keys=True, default=str).encode()


def _mrkdwn(text: str) -> str:
    """Text safe in Slack's mrkdwn (``&``, ``<`` and ``>`` escaped)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_body(message: Message) -> dict[str, Any]:
    """Slack's incoming-webhook JSON: ``text`` (the fallback) and ``blocks``."""
    return {
        "text": _mrkdwn(f"{message.subject}: {message.text}")[:3000],
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": message.subject[:150]}},
            {"type": "section", "text": {"type": "mrkdwn", "text": _mrkdwn(message.text)[:3000]}},
        ],
    }


def email_message(smtp: SmtpConfig, to: str, message: Message) -> EmailMessage:
    """The email of a message."""
    email = EmailMessage()
    email["From"] = smtp.sender
    email["To"] = to
    email["Subject"] = f"[CostWatch] {message.subject}"
    email["Date"] = formatdate(usegmt=True)
    email["Message-ID"] = make_msgid(domain=smtp.sender.rpartition("@")[2] or None)
    email.set_content(message.text)
    return email


def _reply(response: httpx.Response) -> str:
    """The receiver's answer, short and on one line."""
    text = " ".join(response.text.split())[:_REPLY_LENGTH]
    reason = response.reason_phrase or ""
    return f"{response.status_code} {reason}".strip() + (f": {text}" if text else "")


async def _post(
    client: httpx.AsyncClient, target: str, content: bytes, headers: dict[str, str]
) -> int:
    try:
        response = await client.post(target, content=content, headers=headers)
    except httpx.TimeoutException as exc:
        raise _Failure("the receiver did not answer in time", retry=True) from exc
    except httpx.TransportError as exc:
        raise _Failure(f"cannot reach the receiver ({type(exc).__name__})", retry=True) from exc
    status = response.status_code
    if 200 <= status < 300:
        return status
    retry = status == 429 or status >= 500
    raise _Failure(f"the receiver answered {_reply(response)}", retry=retry, status=status)


async def _send_email(smtp: SmtpConfig, policy: DeliveryPolicy, to: str, message: Message) -> int:
    if not smtp.host:
        raise _Failure(
            "no SMTP server is configured (set COSTWATCH_SMTP_HOST and the other"
            " COSTWATCH_SMTP_* settings)",
            retry=False,
        )
    where = f"{smtp.host}:{smtp.effective_port}"
    try:
        errors, reply = await aiosmtplib.send(
            email_message(smtp, to, message),
            hostname=smtp.host,
            port=smtp.effective_port,
            username=smtp.user or None,
            password=smtp.password or None,
            use_tls=smtp.security == "tls",
            start_tls=smtp.security == "starttls",
            timeout=policy.timeout,
        )
    except aiosmtplib.SMTPRecipientsRefused as exc:
        codes = [error.code for error in exc.recipients]
        raise _Failure(
            f"the SMTP server {where} refused the address: "
            + "; ".join(f"{error.code} {error.message}" for error in exc.recipients),
            retry=all(400 <= code < 500 for code in codes),
            status=codes[0] if codes else None,
        ) from exc
    except aiosmtplib.SMTPResponseException as exc:
        raise _Failure(
            f"the SMTP server {where} answered {exc.code} {exc.message}",
            retry=400 <= exc.code < 500,
            status=exc.code,
        ) from exc
    except (aiosmtplib.SMTPTimeoutError, TimeoutError) as exc:
        raise _Failure(f"the SMTP server {where} did not answer in time", retry=True) from exc
    except (aiosmtplib.SMTPConnectError, aiosmtplib.SMTPServerDisconnected, OSError) as exc:
        raise _Failure(f"cannot reach the SMTP server {where}: {exc}", retry=True) from exc
    except aiosmtplib.SMTPException as exc:
        raise _Failure(f"the SMTP server {where} failed: {exc}", retry=False) from exc
    del errors
    code, _, _ = reply.partition(" ")
    return int(code) if code.isdigit() else 250


async def _try(
    destination: Destination,
    message: Message,
    smtp: SmtpConfig,
    policy: DeliveryPolicy,
    client: httpx.AsyncClient,
) -> int:
    """One try; the receiver's status (HTTP status or SMTP reply code)."""
    if destination.kind == "email":
        return await _send_email(smtp, policy, destination.target, message)
    if destination.kind == "slack":
        content = json.dumps(slack_body(message)).encode()
        headers = {"Content-Type": "application/json"}
        return await _post(client, destination.target, content, headers)
    sent_at = clock.now().replace(tzinfo=UTC)
    content = webhook_body(message, sent_at)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "CostWatch-Webhook/1",
        SIGNATURE_HEADER: sign(destination.secret or "", int(sent_at.timestamp()), content),
    }
    return await _post(client, destination.target, content, headers)


def scrub(message: str, secrets: list[str]) -> str:
    """The message without any secret in it, cut to what the column holds."""
    for value in secrets:
        if value:
            message = message.replace(value, "(secret)")
    return message[:ERROR_LENGTH]


async def send(
    destination: Destination,
    message: Message,
    smtp: SmtpConfig,
    policy: DeliveryPolicy,
    client: httpx.AsyncClient | None = None,
) -> Outcome:
    """Send a message, retrying what may pass; never raises for the receiver's failures."""
    secrets = [smtp.password, destination.secret or ""]
    if destination.kind != "email":
        secrets.append(destination.target)  # a Slack URL is a credential
    async with contextlib.AsyncExitStack() as stack:
        if client is None:
            client = await stack.enter_async_context(
                httpx.AsyncClient(timeout=policy.timeout, follow_redirects=False)
            )
        attempt = 0
        while True:
            attempt += 1
            try:
                status = await _try(destination, message, smtp, policy, client)
            except _Failure as failure:
                error = scrub(str(failure), secrets)
                if failure.retry and attempt < policy.attempts:
                    log.info(
                        "notification to channel %s failed (try %d of %d), retrying: %s",
                        destination.id, attempt, policy.attempts, error,
                    )  # fmt: skip
                    await asyncio.sleep(policy.delay(attempt))
                    continue
                log.warning(
                    "notification to channel %s failed after %d tries: %s",
                    destination.id, attempt, error,
                )  # fmt: skip
                return Outcome(False, attempt, error, failure.status)
            return Outcome(True, attempt, None, status)


@dataclass
class Notifier:
    """Delivers messages to channels and keeps the delivery log."""

    factory: async_sessionmaker[AsyncSession]
    write_lock: asyncio.Lock | None
    vault: Vault
    smtp: SmtpConfig
    policy: DeliveryPolicy
    client: httpx.AsyncClient | None = None

    @classmethod
    def of_app(cls, state: Any) -> "Notifier":
        """The app's notifier (``app.state``): its database, key, SMTP server, retry policy."""
        return cls(
            state.sessionmaker, state.write_lock, state.vault, state.smtp, state.delivery_policy
        )

    async def deliver(self, channel: NotificationChannel, message: Message) -> NotificationDelivery:
        """Send ``message`` to ``channel`` now; the delivery as recorded (sent or failed).

        The log row is written before the first try (status ``sending``) and completed after
        the last, each in a short transaction of its own: nothing is held while waiting on
        the receiver.
        """
        delivery = await self._deliver(channel, message, once=False)
        assert delivery is not None  # only a once-only delivery can be refused
        return delivery

    async def deliver_once(
        self, channel: NotificationChannel, message: Message
    ) -> NotificationDelivery | None:
        """As :meth:`deliver`, unless this event was already delivered to this channel: None.

        The log row's unique key (event, channel, kind of message) decides: of two processes
        sending the same event to the same channel, the one whose row is stored first sends.
        """
        return await self._deliver(channel, message, once=True)

    async def _deliver(
        self, channel: NotificationChannel, message: Message, *, once: bool
    ) -> NotificationDelivery | None:
        secret = self.vault.decrypt(channel.secret)["secret"] if channel.secret else None
        destination = Destination(channel.id, channel.kind, channel.name, channel.target, secret)
        actor = f"notify:{channel.id}"
        try:
            async with write_transaction(self.factory, self.write_lock, actor=actor) as session:
                delivery = await DeliveryRepository(session).add(
                    channel_id=channel.id,
                    event_id=message.event_id,
                    event=message.event,
                    status="sending",
                    attempts=0,
                    started_at=clock.now(),
                )
        except IntegrityError:
            if not once:
                raise
            return None
        outcome = await send(destination, message, self.smtp, self.policy, self.client)
        async with write_transaction(self.factory, self.write_lock, actor=actor) as session:
            repo = DeliveryRepository(session)
            stored = await repo.get(delivery.id, for_update=True)
            if stored is None:  # the channel was deleted meanwhile
                stored = delivery
            else:
                await repo.update(
                    stored,
                    status="sent" if outcome.sent else "failed",
                    attempts=outcome.attempts,
                    response_status=outcome.response_status,
                    error=outcome.error,
                    finished_at=clock.now(),
                )
        return stored
