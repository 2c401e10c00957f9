"""Real receivers on loopback for the notification tests: an SMTP server and HTTP servers."""

import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fastapi import FastAPI

from costwatch.notifications.delivery import DeliveryPolicy, SmtpConfig


def free_port() -> int:
    """A loopback port nobody listens on (right now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Inbox:
    """What the SMTP server received; ``refuse`` makes it refuse recipients with a reply."""

    envelopes: list[Any] = field(default_factory=list)
    refuse: str | None = None

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    """aiosmtpd's SMTP server on loopback, in its own thread."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def app_state(app: FastAPI) -> Iterator[Callable[[str, Any], None]]:
    """Set an attribute of ``app.state`` for one test (monkeypatch would delete it after:
    Starlette's State keeps its values outside ``__dict__``)."""
    saved: dict[str, Any] = {}

    def put(name: str, value: Any) -> None:
        saved.setdefault(name, getattr(app.state, name))
        setattr(app.state, name, value)

    yield put
    for name, value in saved.items():
        setattr(app.state, name, value)


@pytest.fixture(autouse=True)
def quick_policy(app_state: Callable[[str, Any], None]) -> DeliveryPolicy:
    """Three tries, backing off in milliseconds: the receivers fail on purpose."""
    policy = DeliveryPolicy(attempts=3, backoff=0.01, timeout=5.0)
    app_state("delivery_policy", policy)
    return policy


@pytest.fixture
def use_smtp(app_state: Callable[[str, Any], None]) -> Callable[..., SmtpConfig]:
    """Point the app at an SMTP server."""

    def point(port: int, **extra: Any) -> SmtpConfig:
        config = SmtpConfig(
            host="127.0.0.1", port=port, security="none", sender="costwatch@example.com", **extra
        )
        app_state("smtp", config)
        return config

    return point
