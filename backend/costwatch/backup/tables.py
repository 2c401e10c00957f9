r"""Which tables a backup holds, in what order, and how each column is written and read back.

Adding a table to backups is one line in ``TABLES`` (after the tables it refers to); every
other table of the schema must be named in ``NOT_BACKED_UP`` with the reason, and a test
checks that each table of ``Base.metadata`` is in exactly one of the two, so a new table
cannot be forgotten silently.

Cells are lossless text, unlike the spreadsheet-friendly ``format=csv`` exports: ``\N`` is
NULL (so that an empty string stays an empty string), a text starting with a backslash gets
one more in front, money and rates are plain decimals with their stored places, dates and
timestamps ISO 8601, booleans ``true``/``false``. Reading a cell checks it against the
column: its type, its length, its digits (SQLite would store what MySQL refuses), NOT NULL.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    Numeric,
    String,
    Table,
)

from costwatch.models import (
    AlertEvent,
    Base,
    Budget,
    FxRate,
    InfraInvoice,
    LicensePlan,
    NotificationChannel,
    NotificationDelivery,
    Provider,
    ProviderConnection,
    Service,
    ServiceCategory,
    SyncRun,
    UsageConsumption,
    UsageTopup,
)
from costwatch.models.base import ScaledDecimal

NULL = "\\N"
ESCAPE = "\\"


@dataclass(frozen=True)
class BackupTable:
    """A table in backups.

    ``secret``: the table holds encrypted secrets (or belongs to one that does): it is
    exported only when asked for (``secrets=true``), as the ciphertexts, which only a
    deployment with the same encryption key can read.
    """

    model: type[Base]
    secret: bool = False
    table: Table = field(init=False)

    def __post_init__(self) -> None:
        table = Base.metadata.tables[self.model.__tablename__]
        object.__setattr__(self, "table", table)

    @property
    def name(self) -> str:
        """The table's name."""
        return self.table.name

    @property
    def file(self) -> str:
        """Its file in the zip."""
        return f"{self.table.name}.csv"


# Parents before children: a restore inserts in this order.
TABLES: tuple[BackupTable, ...] = (
    BackupTable(ServiceCategory),
    BackupTable(Provider),
    BackupTable(Service),
    BackupTable(InfraInvoice),
    BackupTable(LicensePlan),
    BackupTable(UsageTopup),
    BackupTable(UsageConsumption),
    BackupTable(FxRate),
    BackupTable(Budget),
    # The events, so that a restored deployment does not open (and send) them all again.
    BackupTable(AlertEvent),
    BackupTable(ProviderConnection, secret=True),
    BackupTable(SyncRun, secret=True),
    BackupTable(NotificationChannel, secret=True),
    BackupTable(NotificationDelivery, secret=True),
)

NOT_BACKED_UP: dict[str, str] = {
    "admin_user": "the deployment's own login, not ledger data",
    "api_token": "credentials of the deployment, not ledger data",
    "audit_log": "the history of this deployment; a restore adds one entry to it",
    "data_version": "bookkeeping of the response cache; moved by the restore",
    "login_throttle": "short-lived bookkeeping of failed logins",
    "scheduler_lease": "which process runs the periodic work",
    "usage_consumption_month": "derived from usage_consumption: rebuilt by the restore",
    "usage_consumption_day": "derived from usage_consumption: rebuilt by the restore",
    "usage_consumption_week": "derived from usage_consumption: rebuilt by the restore",
    "usage_balance": "derived from top-ups and consumption: rebuilt by the restore",
    "invoice_month_total": "derived from infra_invoice: rebuilt by the restore",
    "license_cost_change": "derived from license_plan: rebuilt by the restore",
}

BY_FILE = {table.file: table for table in TABLES}


def encode(value: Any) -> str:
    """A stored value as a backup cell."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str):
        return ESCAPE + value if value.startswith(ESCAPE) else value
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)


class CellError(ValueError):
    """A cell that does not fit its column; the message says why."""


INTEGER = re.compile(r"-?[0-9]{1,19}")
DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _integer(bits: int) -> Callable[[str], Any]:
    low, high = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1

    def read(text: str) -> int:
        if not INTEGER.fullmatch(text) or not low <= int(text) <= high:
            raise CellError(f"`{text[:40]}` is not a whole number of {bits} bits.")
        return int(text)

    return read


def _decimal(precision: int, scale: int) -> Callable[[str], Any]:
    def read(text: str) -> Decimal:
        try:
            value = Decimal(text) if DECIMAL.fullmatch(text) else None
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            value = None
        if value is None:
            raise CellError(f"`{text[:40]}` is not a decimal number.")
        places = -int(value.as_tuple().exponent)
        whole = len(text.lstrip("-").split(".")[0].lstrip("0"))
        if places > scale or whole > precision - scale:
            raise CellError(
                f"`{text[:40]}` does not fit DECIMAL({precision},{scale}): at most"
                f" {precision - scale} digits before the point and {scale} after it."
            )
        return value

    return read


def _boolean(text: str) -> bool:
    if text not in ("true", "false"):
        raise CellError(f"`{text[:40]}` is not `true` or `false`.")
    return text == "true"


def _day(text: str) -> date:
    try:
        if DAY.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise CellError(f"`{text[:40]}` is not a date (YYYY-MM-DD).")


def _moment(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text) if DAY.match(text) else None
    except ValueError:
        value = None
    if value is None or value.tzinfo is not None:
        raise CellError(f"`{text[:40]}` is not a timestamp (YYYY-MM-DDTHH:MM:SS, UTC).")
    return value


def _text(length: int | None) -> Callable[[str], Any]:
    def read(text: str) -> str:
        value = text[1:] if text.startswith(ESCAPE) else text
        if length is not None and len(value) > length:
            raise CellError(f"The text is longer than the column's {length} characters.")
        return value

    return read


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise CellError("The cell is not JSON.") from None


def _reader(column: Column[Any]) -> Callable[[str], Any]:
    kind = column.type
    # Most specific first: Money is a ScaledDecimal, TIMESTAMP a DateTime, CHAR a String.
    if isinstance(kind, ScaledDecimal):
        return _decimal(kind.precision, kind.scale)
    if isinstance(kind, Numeric):
        return _decimal(kind.precision or 38, kind.scale or 0)
    if isinstance(kind, Boolean):
        return _boolean
    if isinstance(kind, BigInteger):
        return _integer(64)
    if isinstance(kind, Integer):
        return _integer(32)
    if isinstance(kind, DateTime):
        return _moment
    if isinstance(kind, Date):
        return _day
    if isinstance(kind, String):
        return _text(kind.length)
    if isinstance(kind, JSON):
        return _json
    raise TypeError(f"no backup reader for {column.table.name}.{column.name} ({kind!r})")


def readers(table: Table) -> dict[str, Callable[[str], Any]]:
    """How to read each column of ``table`` from a cell (NULL checked too)."""

    def reader(column: Column[Any]) -> Callable[[str], Any]:
        read = _reader(column)
        nullable = bool(column.nullable) and not column.primary_key

        def cell(text: str) -> Any:
            if text == NULL:
                if not nullable:
                    raise CellError("The column may not be empty (NULL).")
                return None
            return read(text)

        return cell

    return {column.name: reader(column) for column in table.columns}


READERS = {table.name: readers(table.table) for table in TABLES}
