"""The declarative base of every table, its naming convention and shared column types."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    TIMESTAMP,
    BigInteger,
    Dialect,
    FetchedValue,
    Integer,
    MetaData,
    Numeric,
    func,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.types import TypeDecorator, TypeEngine

from costwatch.money import quantize

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


class Money(TypeDecorator[Decimal]):
    """An amount of money: ``DECIMAL(precision, 2)`` on MySQL, integer cents on SQLite.

    SQLite has no decimal type: a NUMERIC column keeps ``0.1`` as a binary float and ``SUM``
    adds floats, so large totals came out dollars wrong. Cents in an INTEGER column are exact,
    and SQLite sums integers exactly (up to 9.2e18 cents). The Python side sees a ``Decimal``
    with two places on both engines; ``SUM``/``MIN``/``COALESCE`` of a Money column keep this
    type, and an expression that loses it (a product) is given it back with ``type_coerce``.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int = 12) -> None:
        super().__init__(precision, 2)
        self.precision = precision

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        """BIGINT of cents on SQLite, DECIMAL elsewhere."""
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(self.precision, 2))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        """Dollars in, cents to SQLite."""
        if value is None or dialect.name != "sqlite":
            return value
        return int(quantize(Decimal(value)).scaleb(2))

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        """Cents from SQLite back to dollars; MySQL's Decimal as it is."""
        if value is None:
            return None
        if dialect.name != "sqlite":
            return Decimal(value)
        # A float only if SQLite overflowed to REAL (past 9.2e18 cents): str keeps it readable.
        cents = Decimal(value) if isinstance(value, int) else Decimal(str(value))
        return quantize(cents.scaleb(-2))

    def __repr__(self) -> str:
        return f"Money({self.precision})"


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
