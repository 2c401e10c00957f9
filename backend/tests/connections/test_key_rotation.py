"""Rotating the encryption key: re-encrypt with the first key, every key still decrypts."""

import asyncio

import httpx
import pytest
from cryptography.fernet import Fernet
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from costwatch.connections import __main__ as command
from costwatch.connections.keys import rotate_keys
from costwatch.models import ProviderConnection
from costwatch.vault import KeyError_, UnreadableCredentials, Vault
from tests.factories import make_service

SECRET = "sk-admin-rotate-me-0001"


async def stored(engine: AsyncEngine) -> str:
    async with engine.connect() as connection:
        return str((await connection.execute(select(ProviderConnection.credentials))).scalar_one())


async def test_rotation_re_encrypts_with_the_first_key(
    app: FastAPI,
    concurrent_client: tuple[httpx.AsyncClient, AsyncEngine],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    client, engine = concurrent_client
    service = await make_service(client, "usage", name="OpenAI")
    body = {
        "kind": "openai",
        "name": "org",
        "service_id": service["id"],
        "credentials": {"api_key": SECRET},
    }
    assert (await client.post("/connections", json=body)).status_code == 201
    old_vault: Vault = app.state.vault
    before = await stored(engine)
    new_key = Fernet.generate_key().decode()
    old_key = app.state.settings.effective_encryption_keys[0]

    assert await rotate_keys(engine, Vault([new_key, old_key])) == 1

    after = await stored(engine)
    assert after != before
    assert Vault([new_key]).decrypt(after) == {"api_key": SECRET}
    with pytest.raises(UnreadableCredentials):
        old_vault.decrypt(after)  # the old key alone no longer opens it

    # The same from the command line, with the settings from the environment.
    newest = Fernet.generate_key().decode()
    monkeypatch.setenv("COSTWATCH_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("COSTWATCH_ENCRYPTION_KEYS", f"{newest},{new_key}")
    monkeypatch.setenv("COSTWATCH_ENV", "test")
    assert await asyncio.to_thread(command.main, ["rotate-keys"]) == 0
    assert "re-encrypted 1 stored secret(s)" in capsys.readouterr().out
    assert Vault([newest]).decrypt(await stored(engine)) == {"api_key": SECRET}

    # A key set that opens nothing changes nothing and says why.
    monkeypatch.setenv("COSTWATCH_ENCRYPTION_KEYS", Fernet.generate_key().decode())
    unchanged = await stored(engine)
    assert await asyncio.to_thread(command.main, ["rotate-keys"]) == 1
    assert "enter them again" in capsys.readouterr().err
    assert await stored(engine) == unchanged
    assert SECRET not in unchanged


def test_a_malformed_key_is_refused_without_repeating_it() -> None:
    with pytest.raises(KeyError_) as caught:
        Vault([Fernet.generate_key().decode(), "not-a-real-key-but-secret"])
    assert "key 2" in str(caught.value)
    assert "not-a-real-key-but-secret" not in str(caught.value)
    with pytest.raises(KeyError_):
        Vault([])


def test_the_command_refuses_bad_settings(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COSTWATCH_ENCRYPTION_KEYS", "short")
    monkeypatch.setenv("COSTWATCH_ENV", "test")
    assert command.main(["rotate-keys"]) == 2
    assert "not a Fernet key" in capsys.readouterr().err
