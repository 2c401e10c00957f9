"""The ``login_throttle`` table: recent wrong logins per client address and email."""

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from costwatch.models.base import Base


class LoginThrottle(Base):
    """Wrong logins of one (address, email) pair in the current window.

    In the database, not in a process, so that every worker and replica sees the same count.
    ``key`` is a hash of the pair: no address or email is kept in clear.
    """

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    # UTC, without a zone (as every timestamp of the schema).
    window_start: Mapped[datetime] = mapped_column(DateTime())
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime())
