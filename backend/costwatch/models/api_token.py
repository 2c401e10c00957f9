"""The ``api_token`` table: long-lived tokens for scripts, stored as hashes."""

from datetime import datetime

from sqlalchemy import CHAR, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from costwatch.models.base import Base, IdMixin, TimestampMixin


class ApiToken(IdMixin, TimestampMixin, Base):
    """A token a script sends as ``Authorization: Bearer cw_...``.

    Only the SHA-256 of the token is kept: the token itself is shown once, when it is made.
    (A fast hash is enough here: the token is 256 random bits, not a password to guess.)
    """

    __tablename__ = "api_token"

    name: Mapped[str] = mapped_column(String(100))
    scope: Mapped[str] = mapped_column(String(10))  # read | write
    token_hash: Mapped[str] = mapped_column(CHAR(64), unique=True)
    # The first characters of the token, to tell tokens apart in a list.
    prefix: Mapped[str] = mapped_column(String(16))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime())
