"""API tokens for scripts: made once and shown once, stored hashed, ``read`` or ``write``."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from costwatch import clock
from costwatch.auth.repository import LAST_USED_EVERY, ApiTokenRepository
from costwatch.auth.schemas import ApiTokenCreate
from costwatch.errors import Invalid, NotFound
from costwatch.models import ApiToken

PREFIX = "cw_"
SHOWN_PREFIX_LENGTH = 10  # "cw_" and 7 characters: enough to tell tokens apart in a list

# When this process last noted each token's use (by its hash: ids can be reused after a
# delete on SQLite): most requests then skip the write.
_touched: dict[str, datetime] = {}


@dataclass(frozen=True)
class Identity:
    """Who a valid token speaks for, and the data version read with it."""

    actor: str  # "admin" or "token:<name>"
    can_write: bool
    data_version: int


def hash_token(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_api_token(token: str) -> bool:
    """API tokens start with ``cw_``; anything else is a login (JWT) token."""
    return token.startswith(PREFIX)


async def check_api_token(session: AsyncSession, token: str) -> Identity | None:
    """The identity of a valid, unexpired API token; ``None`` for any other.

    Deleted tokens are gone from the table, so they fail here at once, on every replica.
    """
    repo = ApiTokenRepository(session)
    token_hash = hash_token(token)
    state = await repo.state(token_hash)
    if state is None:
        return None
    token_id, name, scope, expires_at, data_version = state
    now = clock.now()
    if expires_at is not None and expires_at <= now:
        return None
    last = _touched.get(token_hash)
    if last is None or now - last >= LAST_USED_EVERY:
        _touched[token_hash] = now
        await repo.touch(token_id, now)
        # A read request's transaction is normally just ended; this one has a write to keep.
        session.info["commit_reads"] = True
    return Identity(actor=f"token:{name}", can_write=scope == "write", data_version=data_version)


async def create_api_token(session: AsyncSession, body: ApiTokenCreate) -> tuple[ApiToken, str]:
    """Make a token; returns the stored row and the token itself (never stored, shown once)."""
    if body.expires_at is not None and body.expires_at <= clock.now():
        raise Invalid("expires_at", "must be in the future")
    token = PREFIX + secrets.token_urlsafe(32)
    row = await ApiTokenRepository(session).add(
        name=body.name,
        scope=body.scope,
        token_hash=hash_token(token),
        prefix=token[:SHOWN_PREFIX_LENGTH],
        expires_at=body.expires_at,
    )
    return row, token


async def list_api_tokens(
    session: AsyncSession, *, limit: int, offset: int
) -> tuple[list[ApiToken], int]:
    """A page of tokens, newest first."""
    return await ApiTokenRepository(session).list_page(limit=limit, offset=offset)


async def delete_api_token(session: AsyncSession, token_id: int) -> None:
    """Revoke a token: it stops working at once, everywhere."""
    repo = ApiTokenRepository(session)
    row = await repo.get(token_id, for_update=True)
    if row is None:
        raise NotFound(f"API token {token_id} does not exist.")
    await repo.delete(row)
    _touched.pop(row.token_hash, None)
