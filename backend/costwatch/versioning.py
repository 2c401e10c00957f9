"""A data version, bumped by every transaction that writes.

Every transaction that changes a row also increments ``data_version.version``, in the same
transaction. Anything computed from the data at version N stays exact for as long as the
version is N: ``http_cache`` uses that to serve GET responses again until the next write.
The version lives in the database, so this holds across worker processes and replicas.
"""

from typing import Any

from sqlalchemy import BigInteger, Integer, event, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from costwatch.db import Base


class DataVersion(Base):
    """One row: how many write transactions the data has seen."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


@event.listens_for(Session, "before_flush")
def _note_changes(session: Session, *_: Any) -> None:
    if session.new or session.dirty or session.deleted:
        session.info["data_changed"] = True


@event.listens_for(Session, "before_commit")
def _bump_version(session: Session) -> None:
    # Flush first: changes still pending would otherwise be noticed only after the bump.
    session.flush()
    if session.info.pop("data_changed", False):
        session.execute(update(DataVersion).values(version=DataVersion.version + 1))


@event.listens_for(Session, "after_rollback")
def _forget_changes(session: Session) -> None:
    session.info.pop("data_changed", None)


def mark_changed(session: Session) -> None:
    """Note a change made with a Core statement (the ORM notices its own)."""
    session.info["data_changed"] = True
