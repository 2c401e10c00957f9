"""Password hashing (Argon2 through pwdlib) and JSON Web Tokens (HS256 through PyJWT)."""

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

ALGORITHM = "HS256"
_hasher = PasswordHash((Argon2Hasher(),))
# Verified when the email is unknown, so a wrong email costs as much time as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-password-anyone-uses")


def hash_password(password: str) -> str:
    """An Argon2 hash of ``password``."""
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """Whether ``password`` matches; a missing hash still spends the time of a check."""
    if password_hash is None:
        _hasher.verify(password, _DUMMY_HASH)
        return False
    return _hasher.verify(password, password_hash)


def create_token(*, user_id: int, version: int, secret: str, minutes: int) -> str:
    """A signed token naming the admin and the token version it was issued under."""
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": str(user_id),
        "ver": version,
        "iat": now,
        "exp": now + timedelta(minutes=minutes),
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


# (token, key) -> (user id, token version, expiry as a POSIX time float; no money here)
_decoded: dict[tuple[str, str], tuple[int, int, float]] = {}
_DECODED_MAX = 4096


def decode_token_cached(token: str, secret: str) -> tuple[int, int] | None:
    """``decode_token``, remembering valid tokens until they expire (it runs on every request).

    Only the signature check is saved: the caller still compares the token version with the
    database, so a password change revokes a remembered token at once.
    """
    now = time.time()
    known = _decoded.get((token, secret))
    if known is not None and known[2] > now:
        return known[0], known[1]
    claims = _decode(token, secret)
    if claims is None:
        return None
    if len(_decoded) >= _DECODED_MAX:
        _decoded.clear()
    _decoded[(token, secret)] = (claims[0], claims[1], claims[2])
    return claims[0], claims[1]


def decode_token(token: str, secret: str) -> tuple[int, int] | None:
    """The (user id, token version) a valid, unexpired token carries, else ``None``."""
    claims = _decode(token, secret)
    return (claims[0], claims[1]) if claims else None


def _decode(token: str, secret: str) -> tuple[int, int, float] | None:  # exp: a float time
    """(user id, token version, expiry) of a valid token."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub", "ver"]}
        )
        return int(claims["sub"]), int(claims["ver"]), float(claims["exp"])  # time, float
    except (jwt.PyJWTError, ValueError, TypeError):
        return None
