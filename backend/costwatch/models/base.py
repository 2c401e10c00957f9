"""The declarative base of every table, its naming convention and shared column types."""

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
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


class ScaledDecimal(TypeDecorator[Decimal]):
    """An exact decimal: ``DECIMAL(precision, scale)`` on MySQL, a scaled integer on SQLite.

    SQLite has no decimal type: a NUMERIC column keeps ``0.1`` as a binary float and ``SUM``
    adds floats, so large totals came out wrong. The value x 10^scale in an INTEGER column is
    exact, and SQLite sums integers exactly (up to 9.2e18 units of the last place). The Python
    side sees a ``Decimal`` with ``scale`` places on both engines; ``SUM``/``MIN``/``COALESCE``
    keep this type, and an expression that loses it (a product) is given it back with
    ``type_coerce``.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int, scale: int) -> None:
        super().__init__(precision, scale)
        self.precision = precision
        self.scale = scale
        self._unit = Decimal(1).scaleb(-scale)

    def _round(self, value: Decimal) -> Decimal:
        return value.quantize(self._unit, rounding=ROUND_HALF_UP)

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        """BIGINT of the last place's units on SQLite, DECIMAL elsewhere."""
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(self.precision, self.scale))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        """The decimal in, an integer of units of the last place to SQLite."""
        if value is None or dialect.name != "sqlite":
            return value
        return int(self._round(Decimal(value)).scaleb(self.scale))

    def result_processor(self, dialect: Dialect, coltype: object) -> Any:
        """SQLite's units through ``process_result_value``; elsewhere a lighter conversion.

        The MySQL drivers hand a DECIMAL over as a ``Decimal`` already: it is kept as it is,
        without the two calls a value costs through ``TypeDecorator``'s chain (a third of
        the time of reading many amounts). Anything else (an integer literal) is converted.
        """
        if dialect.name == "sqlite":
            return super().result_processor(dialect, coltype)

        def to_decimal(value: Any) -> Decimal | None:
            if value is None or type(value) is Decimal:
                return value
            return Decimal(value)

        return to_decimal

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        """Units from SQLite back to the decimal; MySQL's Decimal as it is."""
        if value is None:
            return None
        if dialect.name != "sqlite":
            return Decimal(value)
        # A float only if SQLite overflowed to REAL (past 9.2e18 units): str keeps it readable.
        units = Decimal(value) if isinstance(value, int) else Decimal(str(value))
        return self._round(units.scaleb(-self.scale))

    def __repr__(self) -> str:
        return f"ScaledDecimal({self.precision}, {self.scale})"


class Money(ScaledDecimal):
    """An amount of money: ``DECIMAL(precision, 2)`` on MySQL, integer cents on SQLite."""

    cache_ok = True

    def __init__(self, precision: int = 12) -> None:
        super().__init__(precision, 2)

    def _round(self, value: Decimal) -> Decimal:
        return quantize(value)

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
