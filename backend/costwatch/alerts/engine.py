"""One evaluation: run the rules, store each condition's event once, notify each event once.

Exactly once, however many processes evaluate at the same moment:

1. **Events.** ``alert_event`` has a unique key (kind, subject, threshold, period). A condition
   not yet stored is INSERTed inside a savepoint; when another process inserted the same key
   first, the database refuses the second insert (on MariaDB it waits for the first
   transaction, then fails with a duplicate key), and this run updates the stored event
   instead. Only the inserting run counts it as opened.
2. **Notifications.** ``notification_delivery`` has a unique key (event, channel, "alert.opened").
   Before sending, a run inserts that row in its own transaction; a run that loses the insert
   does not send. So every channel receives one message per event, even with two processes
   notifying at once; and a process that dies mid-way leaves the others to finish the events
   it had not reached (``notified_at`` is still empty).

The rules read in one transaction; the events are written in another (keys in sorted order,
so two runs lock rows in the same order); messages go out after that commits, each delivery
in short transactions of its own, so no lock is held while a receiver is slow.
"""

import asyncio
import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from costwatch import clock
from costwatch.alerts.repository import AlertRepository, Key, StoredEvent
from costwatch.alerts.rules import Condition, Findings, Parameters, find_all
from costwatch.alerts.schemas import AlertRead, Evaluation
from costwatch.db.errors import is_retryable
from costwatch.db.lease import ALERTS_LEASE, lock_lease_row
from costwatch.db.session import write_transaction
from costwatch.models import AlertEvent
from costwatch.notifications.delivery import Message, Notifier
from costwatch.notifications.repository import ChannelRepository

MESSAGE_LENGTH = 500
SEEN_RESOLUTION = timedelta(hours=1)
"""``last_seen`` moves at most this often while nothing else changes (each move is a write)."""
RETRIES = 6
ACTOR = "alerts"

log = logging.getLogger("costwatch.alerts")


@dataclass
class _Outcome:
    opened: int = 0
    resolved: int = 0


def _transient(exc: BaseException) -> bool:
    """A deadlock, lock-wait timeout or Galera certification failure: try the run again.

    MariaDB rolls the whole transaction back on a deadlock, savepoints included: the error
    that surfaces is then the failed ``ROLLBACK TO SAVEPOINT``, with the deadlock as its
    context. The chain is searched.
    """
    seen: BaseException | None = exc
    while seen is not None:
        if is_retryable(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _new_row(condition: Condition, now: datetime) -> dict[str, object]:
    return {
        "kind": condition.kind,
        "subject_key": condition.subject_key,
        "threshold": condition.threshold,
        "period": condition.period,
        "subject": condition.subject[:200],
        "service_id": condition.service_id,
        "budget_id": condition.budget_id,
        "message": condition.message[:MESSAGE_LENGTH],
        "state": "open",
        "first_seen": now,
        "last_seen": now,
    }


async def _insert(
    session: AsyncSession, new: list[Condition], now: datetime
) -> tuple[int, list[StoredEvent]]:
    """Insert the conditions not stored yet; how many this run opened, and which others had.

    The others are the events another process stored first, locked now, to be refreshed like
    any stored event.
    """
    repo = AlertRepository(session)
    try:
        async with session.begin_nested():
            await repo.insert_many([_new_row(condition, now) for condition in new])
        return len(new), []
    except IntegrityError:
        pass  # another process stored some of them first: one at a time, to find which
    opened = 0
    theirs: list[StoredEvent] = []
    for condition in new:
        try:
            async with session.begin_nested():
                await repo.insert_many([_new_row(condition, now)])
            opened += 1
        except IntegrityError:
            # Its transaction has committed now: the key exists.
            event = await repo.find_locked(condition.key)
            if event is None:  # pragma: no cover - the key exists, or the insert worked
                raise
            theirs.append(event)
    return opened, theirs


async def _store(session: AsyncSession, findings: list[Findings], now: datetime) -> _Outcome:
    """Insert the new conditions, refresh the known ones, resolve the cleared ones.

    A few statements whatever the number of events: the stored events are read in one go and
    only the changes are written, each kind of change in one statement. An evaluation that
    finds what the last one found writes nothing (until ``last_seen`` is due to move).
    """
    repo = AlertRepository(session)
    outcome = _Outcome()
    # Runs store one after the other: each waits here for the one before to commit. Without
    # it, two runs inserting neighbouring keys deadlock on InnoDB's gap locks (and retry).
    # Not what makes events unique (the key does that, on Galera too, where this lock is
    # local to a node): it only saves conflicts.
    await lock_lease_row(session, ALERTS_LEASE)
    conditions: dict[Key, Condition] = {}
    for found in findings:
        for condition in found.conditions:
            conditions.setdefault(condition.key, condition)
    # Every unresolved event, locked: the run may refresh or resolve any of them.
    unresolved = await repo.unresolved()
    stored = {event.key: event for event in unresolved}
    # The other conditions are new, or back within the period of a resolved event. A plain
    # read first: a locking read of a key that does not exist would lock the gap on MariaDB,
    # and two runs inserting into the same gap would deadlock.
    others = [key for key in sorted(conditions) if key not in stored]
    back = await repo.stored(others) if others else []
    if back:
        for event in await repo.lock([event.id for event in back]):
            stored[event.key] = event
    new = [conditions[key] for key in others if key not in stored]
    if new:
        outcome.opened, theirs = await _insert(session, new, now)
        stored.update((event.key, event) for event in theirs)
    seen: list[int] = []
    changed: dict[int, str] = {}
    reopened: dict[int, str] = {}
    for key, condition in conditions.items():
        known = stored.get(key)
        if known is None:
            continue  # inserted by this run
        message = condition.message[:MESSAGE_LENGTH]
        if known.state == "resolved":
            # The condition is back within the same period: the same event, open again (its
            # notification went out already).
            reopened[known.id] = message
        elif known.message != message:
            changed[known.id] = message
        elif now - known.last_seen >= SEEN_RESOLUTION:
            seen.append(known.id)
    if reopened:
        await repo.set_messages(reopened, now, reopen=True)
    if changed:
        await repo.set_messages(changed, now, reopen=False)
    if seen:
        await repo.set_seen(seen, now)
    kinds = {found.kind: found for found in findings}
    cleared = []
    for event in unresolved:
        judge = kinds.get(event.kind)
        if judge is None or event.key in conditions or not judge.covers(event):
            continue
        cleared.append(event.id)
    if cleared:
        await repo.resolve(cleared, now)
        outcome.resolved += len(cleared)
    return outcome


def message_of(event: AlertEvent) -> Message:
    """The notification of an opened event."""
    alert = AlertRead.model_validate(event).model_dump(mode="json")
    titles = {
        "budget": f"Budget {event.subject} reached {event.threshold} %",
        "low_balance": f"Low balance: {event.subject}",
        "runway": f"{event.subject} runs out within {event.threshold} days",
        "commitment": f"Commitment of {event.subject} ends within {event.threshold} days",
        "anomaly": f"Unusual spend: {event.subject} ({event.period})",
    }
    return Message(
        event="alert.opened",
        subject=titles.get(event.kind, event.subject),
        text=event.message,
        alert=alert,
        event_id=event.id,
    )


async def notify_pending(notifier: Notifier) -> int:
    """Tell every channel about the open events not yet notified; deliveries sent."""
    async with notifier.factory() as session:
        events = await AlertRepository(session).to_notify()
        channels = {
            kind: await ChannelRepository(session).receiving(kind)
            for kind in {event.kind for event in events}
        }
    # Events no channel receives have nobody to tell: marked at once, not one transaction
    # each (a first run on a large ledger opens a thousand events).
    untold = [event.id for event in events if not channels[event.kind]]
    if untold:
        async with write_transaction(notifier.factory, notifier.write_lock, actor=ACTOR) as s:
            await AlertRepository(s).mark_notified(untold, clock.now())
    sent = 0
    for event in events:
        if not channels[event.kind]:
            continue
        message = message_of(event)
        for channel in channels[event.kind]:
            delivery = await notifier.deliver_once(channel, message)
            if delivery is not None and delivery.status == "sent":
                sent += 1
        async with write_transaction(notifier.factory, notifier.write_lock, actor=ACTOR) as s:
            await AlertRepository(s).mark_notified([event.id], clock.now())
    return sent


async def evaluate(
    factory: async_sessionmaker[AsyncSession],
    write_lock: asyncio.Lock | None,
    notifier: Notifier,
    params: Parameters,
) -> Evaluation:
    """Run every rule now, store the events, notify the new ones."""
    for attempt in range(1, RETRIES + 1):
        try:
            async with factory() as session:
                findings = await find_all(session, params)
            async with write_transaction(factory, write_lock, actor=ACTOR) as session:
                outcome = await _store(session, findings, clock.now())
            break
        except DBAPIError as exc:
            if attempt == RETRIES or not _transient(exc):
                raise
            log.info("alert evaluation met a lock conflict (try %d), again", attempt)
            await asyncio.sleep(random.uniform(0.05, 0.2) * attempt)  # noqa: S311 - jitter
    notified = await notify_pending(notifier)
    if outcome.opened or outcome.resolved or notified:
        log.info(
            "alerts: %d opened, %d resolved, %d notified",
            outcome.opened, outcome.resolved, notified,
        )  # fmt: skip
    return Evaluation(opened=outcome.opened, resolved=outcome.resolved, notified=notified)
