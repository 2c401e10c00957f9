"""The audit trail: every create, update and delete of a record, in the same transaction.

Session hooks, so that no write path can forget it: before a flush the pending changes are
collected (an update keeps the fields it changes, before and after; a delete keeps the row as
it was), after the flush (when new rows have their ids) the entries are inserted through the
same connection. The actor and the request id come from ``session.info`` (set by the auth
dependency); work outside a request is recorded as ``system``.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from costwatch import clock
from costwatch.models import AuditEntry, Base

# Bookkeeping and derived tables: not records anyone changes by hand.
NOT_AUDITED = frozenset(
    {
        "audit_log",
        "data_version",
        "login_throttle",
        "usage_consumption_month",
        "usage_consumption_day",
        "usage_consumption_week",
        "usage_balance",
        "invoice_month_total",
        "license_cost_change",
        "sync_run",
        # Written by the rules, not by hand, and already a history of its own (first and last
        # seen, acknowledged, resolved): auditing it would add a row per event per hour.
        "alert_event",
    }
)
# Kept by the database; they say nothing about who changed what.
SKIPPED_COLUMNS = frozenset({"created_at", "updated_at"})
# Recorded as changed, never with their values.
SECRET_COLUMNS = frozenset({"password_hash", "token_hash", "credentials", "secret"})
HIDDEN = "(secret)"

ACTOR_KEY = "audit_actor"
REQUEST_ID_KEY = "audit_request_id"
_PENDING_KEY = "audit_pending"


def set_actor(session: Session, actor: str, request_id: str | None) -> None:
    """Name who makes the changes of this session's transactions."""
    session.info[ACTOR_KEY] = actor
    session.info[REQUEST_ID_KEY] = request_id


def _audited(row: object) -> bool:
    return isinstance(row, Base) and row.__tablename__ not in NOT_AUDITED


def _plain(column: str, value: Any) -> Any:
    if column in SECRET_COLUMNS:
        return HIDDEN
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _values(row: Base) -> dict[str, Any]:
    state = inspect(row)
    return {
        attr.key: _plain(attr.key, attr.value)
        for attr in state.attrs
        if attr.key in state.mapper.columns and attr.key not in SKIPPED_COLUMNS
    }


def _changes(row: Base) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(row)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for attr in state.attrs:
        if attr.key not in state.mapper.columns or attr.key in SKIPPED_COLUMNS:
            continue
        history = attr.history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old == new:
            continue
        before[attr.key] = _plain(attr.key, old)
        after[attr.key] = _plain(attr.key, new)
    return before, after


@event.listens_for(Session, "before_flush")
def _collect(session: Session, *_: Any) -> None:
    pending: list[tuple[str, Base, dict[str, Any] | None, dict[str, Any] | None]]
    pending = session.info.setdefault(_PENDING_KEY, [])
    for row in session.deleted:
        if _audited(row):
            pending.append(("delete", row, _values(row), None))
    for row in session.dirty:
        if _audited(row):
            before, after = _changes(row)
            if after:
                pending.append(("update", row, before, after))
    for row in session.new:
        if _audited(row):
            pending.append(("create", row, None, None))  # values once the flush gave an id


@event.listens_for(Session, "after_flush")
def _write(session: Session, *_: Any) -> None:
    pending = session.info.pop(_PENDING_KEY, [])
    if not pending:
        return
    now = clock.now()
    actor = session.info.get(ACTOR_KEY, "system")
    request_id = session.info.get(REQUEST_ID_KEY)
    entries = []
    for action, row, before, after in pending:
        if action == "create":
            after = _values(row)
        # A new row has its id now; a deleted one had it before.
        row_id = (before or {}).get("id") if action == "delete" else getattr(row, "id", None)
        entries.append(
            {
                "at": now,
                "actor": actor,
                "action": action,
                "entity": row.__tablename__,
                "entity_id": row_id if isinstance(row_id, int) else None,
                "before": before,
                "after": after,
                "request_id": request_id,
            }
        )
    session.connection().execute(insert(AuditEntry), entries)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)


async def audit_summary(
    session: AsyncSession, action: str, entity: str, details: dict[str, Any]
) -> None:
    """One entry for a bulk operation (an import, a restore) instead of one per row.

    ``action`` names the operation (``import``, ``restore``), ``entity`` what it wrote, and
    ``details`` (JSON) what it did: counts, the file's checksum. A file of 100,000 rows is
    one entry that says so, not 100,000 copies of the file in the log.
    """
    connection = await session.connection()
    await connection.execute(
        insert(Base.metadata.tables[AuditEntry.__tablename__]),
        {
            "at": clock.now(),
            "actor": session.info.get(ACTOR_KEY, "system"),
            "action": action,
            "entity": entity,
            "entity_id": None,
            "before": None,
            "after": details,
            "request_id": session.info.get(REQUEST_ID_KEY),
        },
    )
