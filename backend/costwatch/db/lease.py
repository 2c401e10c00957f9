"""Leases in the ``scheduler_lease`` table: work that one process of the deployment does at a time.

A lease row is taken or renewed with one conditional UPDATE, so the database picks exactly one
holder, on MySQL, MariaDB (Galera included: a row replicates, ``GET_LOCK`` does not) and SQLite.
A holder that dies stops renewing, and another process takes the lease once it has expired.
"""

from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from costwatch import clock
from costwatch.models import SchedulerLease

LEASE = "scheduler"
"""The lease of the periodic work (provider syncs, scheduled alert evaluations)."""
ALERTS_LEASE = "alerts"
"""The lease of one alert evaluation at a time (after writes and on schedule)."""


async def claim(
    factory: async_sessionmaker[AsyncSession], holder: str, ttl: timedelta, name: str = LEASE
) -> bool:
    """Take or renew the lease for ``ttl``; True when ``holder`` holds it afterwards."""
    now = clock.now()
    async with factory() as session, session.begin():
        await session.execute(
            update(SchedulerLease)
            .where(
                SchedulerLease.name == name,
                or_(
                    SchedulerLease.holder == holder,
                    SchedulerLease.holder.is_(None),
                    SchedulerLease.expires_at < now,
                ),
            )
            .values(holder=holder, expires_at=now + ttl)
        )
        # Read back rather than trust the row count (MySQL counts only rows whose values
        # changed, unless the driver asks for found rows).
        current = await session.execute(
            select(SchedulerLease.holder).where(SchedulerLease.name == name)
        )
        return current.scalar_one_or_none() == holder


async def release(
    factory: async_sessionmaker[AsyncSession], holder: str, name: str = LEASE
) -> None:
    """Give the lease up (at shutdown), so that another process takes it at once."""
    async with factory() as session, session.begin():
        await session.execute(
            update(SchedulerLease)
            .where(SchedulerLease.name == name, SchedulerLease.holder == holder)
            .values(holder=None, expires_at=None)
        )


async def lock_lease_row(session: AsyncSession, name: str) -> None:
    """Lock a lease's row until the session's transaction ends (a queue for writers)."""
    await session.execute(
        select(SchedulerLease.name).where(SchedulerLease.name == name).with_for_update()
    )
