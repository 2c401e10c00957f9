"""The declarative base of every table, its naming convention and shared column types."""

from datetime import datetime
from typing import Any

from sqlalchemy import TIMESTAMP, BigInteger, FetchedValue, Integer, MetaData, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.expression import FunctionElement

# Constraint names must be stable for Alembic to drop them again on MySQL.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uk_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# BIGINT AUTO_INCREMENT on MySQL; SQLite only autoincrements an INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class now_on_update(FunctionElement[datetime]):  # noqa: N801 - reads like the SQL it renders
    """``CURRENT_TIMESTAMP``, with ``ON UPDATE CURRENT_TIMESTAMP`` on MySQL/MariaDB.

    SQLAlchemy's ``server_onupdate`` does not emit the MySQL clause, so it is rendered here.
    """

    type = TIMESTAMP()
    inherit_cache = True


@compiles(now_on_update)
def _now_default(element: now_on_update, compiler: Any, **kw: Any) -> str:
    return "CURRENT_TIMESTAMP"


@compiles(now_on_update, "mysql")
@compiles(now_on_update, "mariadb")
def _now_on_update_mysql(element: now_on_update, compiler: Any, **kw: Any) -> str:
    return "CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP"


class Base(DeclarativeBase):
    """Base of every table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class IdMixin:
    """``id BIGINT PRIMARY KEY AUTO_INCREMENT``."""

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)


class TimestampMixin:
    """``created_at`` / ``updated_at`` kept by the database (and by the ORM on SQLite)."""

    created_at: Mapped[datetime] = mapped_column(
        TIMESTAMP(), nullable=False, server_default=func.current_timestamp()
    )
    # The ORM sets updated_at itself too: SQLite has no ON UPDATE clause.
    updated_at: Mapped[datetime] = mapped_column(
        TIMESTAMP(),
        nullable=False,
        server_default=now_on_update(),
        onupdate=func.current_timestamp(),
        server_onupdate=FetchedValue(),
    )
