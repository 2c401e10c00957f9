"""Wrong logins are throttled per client address and email, across replicas (contract)."""

import asyncio
import threading
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from costwatch import clock
from costwatch.app import create_app
from costwatch.auth import security
from costwatch.config import Settings
from costwatch.models import AdminUser
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD

START = datetime(2025, 7, 15, 12, 0, 0)
Client = Callable[[str], httpx.AsyncClient]


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    """Set the server's clock (UTC)."""

    def move(value: datetime) -> None:
        monkeypatch.setattr(clock, "now", lambda: value)

    move(START)
    return move


@pytest.fixture
async def from_address(
    settings: Settings, engine: AsyncEngine, admin: AdminUser
) -> AsyncIterator[Client]:
    """Clients of separate app instances (replicas) calling from a given address."""
    clients: list[httpx.AsyncClient] = []

    def make(address: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=create_app(settings, engine), client=(address, 4321))
        client = httpx.AsyncClient(transport=transport, base_url="http://test")
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


async def login(client: httpx.AsyncClient, password: str, email: str = ADMIN_EMAIL) -> Any:
    return await client.post("/auth/login", data={"username": email, "password": password})


async def test_sixth_wrong_login_is_429_until_the_window_passes(
    from_address: Client, now: Callable[[datetime], None]
) -> None:
    client = from_address("203.0.113.7")
    for _ in range(5):
        assert (await login(client, "wrong password")).status_code == 401

    refused = await login(client, ADMIN_PASSWORD)  # even the right password waits
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == str(15 * 60)
    assert "access_token" not in refused.text

    now(START + timedelta(minutes=10))
    later = await login(client, ADMIN_PASSWORD)
    assert later.status_code == 429
    assert later.headers["Retry-After"] == str(5 * 60)

    now(START + timedelta(minutes=15, seconds=1))
    assert (await login(client, ADMIN_PASSWORD)).status_code == 200


async def test_the_count_is_shared_by_every_replica(
    from_address: Client, now: Callable[[datetime], None]
) -> None:
    replicas = [from_address("198.51.100.1") for _ in range(3)]
    for attempt in range(5):
        response = await login(replicas[attempt % 3], "wrong password")
        assert response.status_code == 401
    for replica in replicas:
        assert (await login(replica, ADMIN_PASSWORD)).status_code == 429


async def test_other_addresses_and_emails_are_not_blocked(
    from_address: Client, now: Callable[[datetime], None]
) -> None:
    attacker = from_address("192.0.2.66")
    for _ in range(6):
        await login(attacker, "wrong password")
    assert (await login(attacker, ADMIN_PASSWORD)).status_code == 429
    # The admin, from their own address, still signs in.
    assert (await login(from_address("192.0.2.10"), ADMIN_PASSWORD)).status_code == 200
    # The attacker's address with another email is counted apart (and fails as usual).
    assert (await login(attacker, "x", email="someone@example.com")).status_code == 401


async def test_a_successful_login_clears_the_count(
    from_address: Client, now: Callable[[datetime], None]
) -> None:
    client = from_address("203.0.113.8")
    for _ in range(4):
        assert (await login(client, "wrong password")).status_code == 401
    assert (await login(client, ADMIN_PASSWORD)).status_code == 200
    for _ in range(4):
        assert (await login(client, "wrong password")).status_code == 401
    assert (await login(client, ADMIN_PASSWORD)).status_code == 200


async def test_the_email_is_compared_without_case(
    from_address: Client, now: Callable[[datetime], None]
) -> None:
    client = from_address("203.0.113.9")
    for email in ["Admin@Example.com", "ADMIN@EXAMPLE.COM", "admin@example.com "] * 2:
        await login(client, "wrong password", email=email.strip())
    assert (await login(client, ADMIN_PASSWORD)).status_code == 429


async def test_passwords_are_checked_off_the_event_loop(
    from_address: Client, now: Callable[[datetime], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[str] = []
    real = security._hasher

    class Recording:
        """Argon2 as configured, noting which thread runs each check."""

        def verify(self, password: str, hashed: str) -> bool:
            threads.append(threading.current_thread().name)
            return real.verify(password, hashed)

    monkeypatch.setattr(security, "_hasher", Recording())
    client = from_address("203.0.113.10")
    assert (await login(client, ADMIN_PASSWORD)).status_code == 200
    assert (await login(client, "wrong password")).status_code == 401
    assert len(threads) == 2
    assert threading.main_thread().name not in threads


async def test_simultaneous_wrong_logins_are_each_counted(
    from_address: Client, now: Callable[[datetime], None]
) -> None:
    client = from_address("203.0.113.11")
    responses = await asyncio.gather(*(login(client, "wrong password") for _ in range(10)))
    codes = sorted(response.status_code for response in responses)
    # The pair's row is locked while each try is checked: five are refused as wrong, the
    # rest as throttled, never more than five checked.
    assert codes == [401] * 5 + [429] * 5
