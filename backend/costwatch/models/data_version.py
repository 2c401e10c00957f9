"""The ``data_version`` table: one row counting the write transactions (see db.data_version)."""

from sqlalchemy import BigInteger, Integer
from sqlalchemy.orm import Mapped, mapped_column

from costwatch.models.base import Base


class DataVersion(Base):
    """One row: how many write transactions the data has seen."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
