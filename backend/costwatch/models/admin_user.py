"""The ``admin_user`` table."""

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from costwatch.models.base import Base, IdMixin, TimestampMixin


class AdminUser(IdMixin, TimestampMixin, Base):
    """The admin who signs in to the dashboard and the API."""

    __tablename__ = "admin_user"

    email: Mapped[str] = mapped_column(String(255), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # Carried in every token; bumping it on a password change revokes all older tokens.
    token_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
