"""The ``scheduler_lease`` table: which process runs the periodic work, and until when."""

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from costwatch.models.base import Base


class SchedulerLease(Base):
    """A lease: ``holder`` runs the periodic work of ``name`` until ``expires_at``.

    Every API process (workers and replicas alike) tries to take or renew it with one
    conditional UPDATE; the database decides, so exactly one of them holds it at a time, on
    MySQL, MariaDB (Galera included: unlike GET_LOCK, a row replicates) and SQLite. A holder
    that dies stops renewing, and another takes over once the lease has expired.
    """

    __tablename__ = "scheduler_lease"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(120))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime())
