"""A data version, bumped by every transaction that writes.

Every transaction that changes a row also increments ``data_version.version``, in the same
transaction. Anything computed from the data at version N stays exact for as long as the
version is N: ``http_cache`` uses that to serve GET responses again until the next write.
The version lives in the database, so this holds across worker processes and replicas.
"""

from typing import Any

from sqlalchemy import event, update
from sqlalchemy.orm import Session, SessionTransaction

from costwatch.models.data_version import DataVersion


@event.listens_for(Session, "before_flush")
def _note_changes(session: Session, *_: Any) -> None:
    if session.new or session.dirty or session.deleted:
        session.info["data_changed"] = True


@event.listens_for(Session, "before_commit")
def _bump_version(session: Session) -> None:
    # SQLAlchemy fires this at each SAVEPOINT's release too. The bump waits for the outermost
    # commit: an UPDATE of the one version row locks it until the transaction ends, so a bump
    # at a savepoint made every other writer wait from there on (behind a login's password
    # check; behind the hundreds of savepoints of an alert evaluation, past the lock wait
    # timeout: 503s right after a start).
    if session.in_nested_transaction():
        return
    # Flush first: changes still pending would otherwise be noticed only after the bump.
    session.flush()
    if session.info.pop("data_changed", False):
        session.execute(update(DataVersion).values(version=DataVersion.version + 1))


@event.listens_for(Session, "after_transaction_end")
def _forget_changes(session: Session, transaction: SessionTransaction) -> None:
    # Only when the outermost transaction ends: a SAVEPOINT rolled back leaves the changes
    # made before it, which the commit must still count.
    if transaction.parent is None:
        session.info.pop("data_changed", None)


def mark_changed(session: Session) -> None:
    """Note a change made with a Core statement (the ORM notices its own)."""
    session.info["data_changed"] = True
