"""Login throttling: after 5 wrong logins in 15 minutes, 429 until the window passes.

Counted per (client address, email) pair in the ``login_throttle`` table, so the count holds
across worker processes and replicas. The pair's row is locked while a login is checked: of
several simultaneous tries of one pair, each sees the failures of the ones before it.
"""

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from costwatch import clock
from costwatch.models import LoginThrottle

WINDOW = timedelta(minutes=15)
MAX_FAILURES = 5


@dataclass(frozen=True)
class Blocked:
    """The pair may not try again for ``retry_after`` seconds."""

    retry_after: int


def throttle_key(address: str, email: str) -> str:
    """The row key of an (address, email) pair; a hash, so neither is stored in clear."""
    return hashlib.sha256(f"{address}\n{email.strip().lower()}".encode()).hexdigest()


class ThrottleRepository:
    """Rows of ``login_throttle``."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock(self, key: str) -> LoginThrottle:
        """The pair's row, locked until the transaction ends; created when missing."""
        row = await self._locked(key)
        if row is not None:
            return row
        try:
            # A savepoint: if another request created the row first, only this insert fails.
            async with self.session.begin_nested():
                self.session.add(LoginThrottle(key=key, failures=0, window_start=clock.now()))
        except IntegrityError:
            pass
        row = await self._locked(key)
        assert row is not None  # inserted just now, by this request or another
        return row

    async def _locked(self, key: str) -> LoginThrottle | None:
        stmt = (
            select(LoginThrottle)
            .where(LoginThrottle.key == key)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def clear(self, key: str) -> None:
        """Forget the pair's failures (after a successful login)."""
        await self.session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))

    async def forget_before(self, moment: datetime) -> None:
        """Drop rows whose window and block both ended before ``moment``."""
        await self.session.execute(
            delete(LoginThrottle).where(
                LoginThrottle.window_start < moment - WINDOW,
                (LoginThrottle.blocked_until.is_(None)) | (LoginThrottle.blocked_until < moment),
            )
        )


def blocked(row: LoginThrottle, now: datetime) -> Blocked | None:
    """Whether the pair is blocked now, and for how long."""
    if row.blocked_until is None or row.blocked_until <= now:
        return None
    return Blocked(retry_after=max(1, math.ceil((row.blocked_until - now).total_seconds())))


def count_failure(row: LoginThrottle, now: datetime) -> None:
    """Add a wrong login to the pair's window; the fifth in a window blocks until it ends."""
    if now - row.window_start >= WINDOW:
        row.window_start, row.failures, row.blocked_until = now, 0, None
    row.failures += 1
    if row.failures >= MAX_FAILURES:
        row.blocked_until = row.window_start + WINDOW
