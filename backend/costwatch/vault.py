"""Secrets encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256).

Provider connections' credentials and notification channels' webhook signing keys.

``COSTWATCH_ENCRYPTION_KEYS`` holds one or more Fernet keys, comma-separated: the first encrypts,
every one decrypts (``MultiFernet``). To rotate, put a new key first, run
``python -m costwatch.connections rotate-keys`` (re-encrypts every stored secret with the
first key), then drop the old key. Secrets never leave this module in clear except to the
connector that sends them to the provider, or the notifier that signs with them.
"""

import binascii
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from costwatch.errors import Conflict


class KeyError_(ValueError):  # noqa: N801 - not the builtin KeyError
    """A configured encryption key is not a Fernet key."""


class UnreadableCredentials(Conflict):
    """Stored credentials that none of the configured keys decrypts (a key was dropped)."""

    def __init__(self) -> None:
        super().__init__(
            "The stored credentials cannot be decrypted with the configured encryption keys"
            " (was a key removed from COSTWATCH_ENCRYPTION_KEYS?); enter them again."
        )


class Vault:
    """Encrypts and decrypts credential objects (``{"api_key": ...}``)."""

    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise KeyError_("no encryption key is configured")
        fernets = []
        for number, key in enumerate(keys, start=1):
            try:
                fernets.append(Fernet(key.encode()))
            except (ValueError, binascii.Error) as exc:
                # Never repeat the key itself: it is a secret even when malformed.
                raise KeyError_(
                    f"COSTWATCH_ENCRYPTION_KEYS: key {number} is not a Fernet key"
                    " (32 bytes, URL-safe base64, 44 characters)"
                ) from exc
        self._fernet = MultiFernet(fernets)

    def encrypt(self, credentials: dict[str, str]) -> str:
        """The credentials as a Fernet token (text), encrypted with the first key."""
        return self._fernet.encrypt(json.dumps(credentials).encode()).decode()

    def decrypt(self, token: str) -> dict[str, str]:
        """The credentials of a token; :class:`UnreadableCredentials` if no key opens it."""
        try:
            data = json.loads(self._fernet.decrypt(token.encode()))
        except InvalidToken as exc:
            raise UnreadableCredentials from exc
        return {str(key): str(value) for key, value in data.items()}

    def rotate(self, token: str) -> str:
        """The same credentials, encrypted again with the first key."""
        try:
            return self._fernet.rotate(token.encode()).decode()
        except InvalidToken as exc:
            raise UnreadableCredentials from exc
