"""Reading a FOCUS billing export with DuckDB: one streaming pass, exact sums.

FOCUS (the FinOps Foundation's open billing format) has one row per charge; an export of a
large cloud account has millions. The file is never read into Python objects: DuckDB scans
it (CSV, gzipped CSV or Parquet) and sums the cost column per provider, group name, billing
period and currency, as ``DECIMAL(38,18)`` (exact), over every ``ChargeCategory`` (usage,
purchases, tax, credits and adjustments are all on the bill). Python then sees only the groups.

- Every CSV cell is read as text (``VARCHAR``, header names from the file's first line): no
  type guessing that could turn an 11-decimal cost into a float or fail on a JSON cell. The
  literal ``NULL`` token real exports write, and an empty cell, are null.
- A cost that is not a number, a billing period that is not a date, a currency that is not an
  ISO 4217 code: the file is refused (422), naming the row and the column; its totals would
  otherwise be wrong in silence. A row with no cost, no billing period or no currency at all
  carries nothing that can be placed: it is skipped and counted with its reason.
- The billing month is the date part of ``BillingPeriodStart`` (``2024-09-01 00:00:00``,
  ``2024-09-01T00:00:00Z``...; FOCUS periods start on the 1st, in UTC).
- Rounded once, to cents, after summing (half up, as everywhere in CostWatch).
"""

import csv
import gzip
import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Literal

import duckdb

from costwatch.calendar import MAX_YEAR, MIN_YEAR
from costwatch.currency import parse_currency
from costwatch.errors import Invalid
from costwatch.money import quantize

CostColumn = Literal["billed", "effective"]
GroupBy = Literal["service", "sub_account", "provider"]
FileFormat = Literal["csv", "csv.gz", "parquet"]

COST_COLUMNS: dict[str, str] = {"billed": "BilledCost", "effective": "EffectiveCost"}
NO_PROVIDER = "(no provider)"
NO_SERVICE = "(no service name)"
NO_SUB_ACCOUNT = "(no sub-account)"

# DuckDB's own threads and memory: the aggregation runs next to the API in the server process,
# and a 10-million-row file must stay well under a gigabyte resident.
DUCKDB_THREADS = 2
DUCKDB_MEMORY_LIMIT = "512MB"

# Every cost is read as DECIMAL(38,18): exact for the 11 to 14 decimals real exports write
# (DECIMAL(38,10) would round each 11-decimal cost first, and 1,000 such roundings can move a
# total across a half cent), with 20 digits before the point, far beyond any bill.
EXACT = "DECIMAL(38,18)"
EXACT_DIGITS = 40  # for adding such sums in Python without rounding

GZIP_MAGIC = b"\x1f\x8b"
PARQUET_MAGIC = b"PAR1"
_PERIOD = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?\s*", re.ASCII)
_CSV_LINE = re.compile(r"CSV Error on Line: (\d+)")

# Columns that name each FOCUS version's additions (the first match decides).
VERSION_MARKERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("1.3", ("ServiceProviderName", "HostProviderName", "AllocatedMethodId", "ContractApplied")),
    ("1.2", ("InvoiceId", "BillingAccountType", "SubAccountType", "PricingCurrency")),
    ("1.1", ("ServiceSubcategory", "SkuMeter", "SkuPriceDetails", "CapacityReservationId")),
)


@dataclass(frozen=True)
class Group:
    """The sum of one provider's group (service, sub-account...) for a month and currency."""

    provider: str
    service: str
    month: date
    currency: str
    amount: Decimal  # rounded once, to cents
    rows: int


@dataclass(frozen=True)
class Skipped:
    """Rows left out of every sum, and why."""

    reason: str
    column: str
    rows: int


@dataclass
class Aggregate:
    """What a FOCUS file adds up to."""

    focus_version: str
    file_format: FileFormat
    rows: int = 0
    groups: list[Group] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    # Every charge of a month and currency, summed exactly and rounded once (what a
    # spreadsheet sum of the file gives; the groups' rounded amounts may differ by cents).
    month_totals: dict[tuple[date, str], Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class Source:
    """The file, its format and its header (the column names as DuckDB sees them).

    ``more``: a plain CSV received in parts cut at record ends (see ``upload``), each with the
    header line: ``path`` and then each of ``more``, read in order as one file.
    """

    path: Path
    file_format: FileFormat
    columns: list[str]
    more: tuple[Path, ...] = ()


def _format(path: Path) -> FileFormat:
    with path.open("rb") as file:
        magic = file.read(4)
    if magic.startswith(GZIP_MAGIC):
        return "csv.gz"
    if magic == PARQUET_MAGIC:
        return "parquet"
    return "csv"


def _csv_header(path: Path, compressed: bool) -> list[str]:
    """The first record of the CSV file (the column names), read with Python's csv module."""
    raw = gzip.open(path, "rb") if compressed else path.open("rb")  # noqa: SIM115
    with raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text:
        try:
            header = next(csv.reader(text), None)
        except UnicodeDecodeError:
            raise Invalid("file", "Line 1 of the file is not UTF-8 text.") from None
        except (csv.Error, OSError, EOFError) as error:
            raise Invalid("file", f"The file cannot be read as CSV: {error}.") from None
    if not header or not any(name.strip() for name in header):
        raise Invalid("file", "The file is empty; a FOCUS export starts with a header row.")
    return [name.strip() for name in header]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def open_source(path: Path) -> Source:
    """Detect the format (by its first bytes, not its name) and read the header."""
    kind = _format(path)
    if kind == "parquet":
        try:
            with duckdb.connect() as db:
                described = db.execute(
                    f"DESCRIBE SELECT * FROM read_parquet({_literal(str(path))})"  # noqa: S608
                ).fetchall()
        except duckdb.Error as error:
            raise Invalid(
                "file", f"The Parquet file cannot be read: {_first_line(error)}"
            ) from None
        columns = [str(row[0]) for row in described]
    else:
        columns = _csv_header(path, kind == "csv.gz")
    return Source(path, kind, _checked(columns))


def _checked(columns: list[str]) -> list[str]:
    seen: set[str] = set()
    for name in columns:
        if not name:
            raise Invalid("file", "The header has a column without a name.")
        if name.lower() in seen:
            raise Invalid("file", f"The column {name!r} appears twice in the header.")
        seen.add(name.lower())
    return columns


def csv_header_from(head: bytes) -> tuple[list[str], int] | None:
    """The header of a plain CSV file from its first bytes, and its length; None if not all there.

    The length is in bytes, the header's line break included. For an upload summed while it
    arrives: the header ends at the first line break outside quotes. Gzip and Parquet are not
    read this way (DuckDB needs the whole file for them).
    """
    if head.startswith((GZIP_MAGIC, PARQUET_MAGIC)):
        return None
    start = 0
    while True:  # the first line break with an even number of quotes before it
        end = head.find(b"\n", start)
        if end < 0:
            return None
        if head.count(b'"', 0, end) % 2 == 0:
            break
        start = end + 1
    try:
        line = head[: end + 1].decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid("file", "Line 1 of the file is not UTF-8 text.") from None
    header = next(csv.reader(io.StringIO(line, newline="")), [])
    if not any(name.strip() for name in header):
        raise Invalid("file", "The file is empty; a FOCUS export starts with a header row.")
    return _checked([name.strip() for name in header]), end + 1


def detect_version(columns: list[str]) -> str:
    """The FOCUS version whose columns the header has (1.0 when none of the later ones)."""
    names = {name.lower() for name in columns}
    for version, markers in VERSION_MARKERS:
        if any(marker.lower() in names for marker in markers):
            return version
    return "1.0"


def _first_line(error: Exception) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


def _relation(source: Source) -> str:
    path = _literal(str(source.path))
    if source.file_format == "parquet":
        return f"read_parquet({path}, file_row_number=true)"
    if source.more:
        path = "[" + ", ".join(_literal(str(part)) for part in (source.path, *source.more)) + "]"
    columns = ", ".join(f"{_literal(name)}: 'VARCHAR'" for name in source.columns)
    compression = "'gzip'" if source.file_format == "csv.gz" else "'none'"
    # No sniffing: the header is known, every column is text, and a broken row is an error
    # that names its line (DuckDB's sniffer only says it could not guess the dialect).
    return (
        f"read_csv({path}, columns={{{columns}}}, header=true, auto_detect=false,"
        " delim=',', quote='\"', escape='\"', strict_mode=true, nullstr=['', 'NULL'],"
        f" compression={compression})"
    )


def _text(source: Source, column: str | None) -> str:
    """A column as trimmed text, null when empty or ``NULL`` (Parquet cells are typed)."""
    if column is None:
        return "NULL"
    name = _quote(column)
    if source.file_format == "parquet":
        return f"NULLIF(NULLIF(trim(CAST({name} AS VARCHAR)), ''), 'NULL')"
    return f"NULLIF(trim({name}), '')"


def _connect(threads: int = DUCKDB_THREADS) -> duckdb.DuckDBPyConnection:
    db = duckdb.connect(config={"threads": threads, "memory_limit": DUCKDB_MEMORY_LIMIT})
    db.execute("SET preserve_insertion_order = false")
    return db


def _column(columns: list[str], *names: str) -> str | None:
    """The header's spelling of the first of ``names`` it has (matched ignoring case)."""
    lowered = {name.lower(): name for name in columns}
    for name in names:
        if name.lower() in lowered:
            return lowered[name.lower()]
    return None


def _required(columns: list[str], version: str, *names: str) -> str:
    found = _column(columns, *names)
    if found is None:
        raise Invalid(
            "file",
            f"The file has no {names[0]} column, which FOCUS {version} requires"
            " (is this a FOCUS export?).",
        )
    return found


def _csv_error(error: duckdb.Error) -> Invalid:
    text = str(error)
    match = _CSV_LINE.search(text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # DuckDB's message: the line, the original text, then what is wrong with it.
    reason = next(
        (
            line
            for line in lines[1:]
            if not line.startswith(("Original Line", "Possible", "*", "file =", "CSV Error"))
        ),
        lines[0] if lines else "unreadable",
    )
    if match:
        line = int(match.group(1))
        return Invalid(
            "file", f"Line {line} of the file (row {line - 1} after the header): {reason}"
        )
    return Invalid("file", f"The file cannot be read as FOCUS CSV: {reason}")


@dataclass(frozen=True)
class _Keys:
    provider: str
    group: str
    period: str
    currency: str
    cost: str
    placeholder: str  # the group's name when its cell is empty


def _keys(source: Source, version: str, cost: CostColumn, group_by: GroupBy) -> _Keys:
    columns = source.columns
    _required(columns, version, "BillingPeriodStart")
    _required(columns, version, "BillingCurrency")
    cost_column = _required(columns, version, COST_COLUMNS[cost])
    provider_columns = ("ServiceProviderName", "ProviderName")
    provider_found = [name for name in (_column(columns, p) for p in provider_columns) if name]
    if not provider_found:
        raise Invalid(
            "file",
            f"The file has no {'ServiceProviderName' if version == '1.3' else 'ProviderName'}"
            " column, which names the provider.",
        )
    provider = f"COALESCE({', '.join(_text(source, name) for name in provider_found)})"
    if group_by == "service":
        group = _text(source, _required(columns, version, "ServiceName"))
    elif group_by == "sub_account":
        names = [_column(columns, "SubAccountName"), _column(columns, "SubAccountId")]
        present = [name for name in names if name]
        if not present:
            raise Invalid("file", "The file has no SubAccountName or SubAccountId column.")
        group = f"COALESCE({', '.join(_text(source, name) for name in present)})"
    else:
        group = provider
    return _Keys(
        provider=provider,
        group=group,
        period=_text(source, _column(columns, "BillingPeriodStart")),
        currency=_text(source, _column(columns, "BillingCurrency")),
        cost=_text(source, cost_column),
        placeholder={"service": NO_SERVICE, "sub_account": NO_SUB_ACCOUNT}.get(
            group_by, NO_PROVIDER
        ),
    )


def _month(text: str) -> date | None:
    match = _PERIOD.fullmatch(text)
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups())
    try:
        value = date(year, month, day)
    except ValueError:
        return None
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        return None
    return value.replace(day=1)


def _row_of(
    db: duckdb.DuckDBPyConnection, source: Source, condition: str, params: list[object]
) -> int | None:
    """The number of the first row (1 = the first after the header) where ``condition`` holds.

    Only when the file is refused: a second scan, in file order (one thread).
    """
    db.execute("SET threads = 1")
    db.execute("SET preserve_insertion_order = true")
    if source.file_format == "parquet":
        numbered = f"SELECT file_row_number + 1 AS n, * FROM {_relation(source)}"  # noqa: S608
    else:
        numbered = f"SELECT row_number() OVER () AS n, * FROM {_relation(source)}"  # noqa: S608
    query = f"SELECT min(n) FROM ({numbered}) WHERE {condition}"  # noqa: S608
    found = db.execute(query, params).fetchone()
    return int(found[0]) if found and found[0] is not None else None


def _where(row: int | None, column: str) -> str:
    return f"row {row}, column {column}" if row is not None else f"column {column}"


@dataclass(frozen=True)
class Plan:
    """What to sum in a file, checked against its header before any row is read."""

    source: Source
    version: str
    keys: _Keys
    cost_name: str


def plan(source: Source, *, cost: CostColumn, group_by: GroupBy) -> Plan:
    """Detect the version and find the columns (a 422 when one is missing)."""
    version = detect_version(source.columns)
    return Plan(source, version, _keys(source, version, cost, group_by), COST_COLUMNS[cost])


Partial = list[tuple[object, ...]]
"""DuckDB's groups before rounding: provider, group, period, currency, rows, rows without a
cost, rows with a cost that is not a number, exact sum. Partials of parts of one file add up."""


def partial(plan: Plan, *, threads: int = DUCKDB_THREADS) -> Partial:
    """The exact, unrounded groups of the plan's file (a 422 naming the line when unreadable).

    ``threads``: DuckDB's threads for this scan (one, while an upload is still arriving).
    """
    source, keys = plan.source, plan.keys
    decimal = f"TRY_CAST({keys.cost} AS {EXACT})"
    query = f"""
        SELECT provider, grp, period, currency,
               count(*) AS n,
               count(*) FILTER (WHERE cost_text IS NULL) AS no_cost,
               count(*) FILTER (WHERE cost_text IS NOT NULL AND cost IS NULL) AS bad_cost,
               sum(cost) AS amount
        FROM (
            SELECT {keys.provider} AS provider, {keys.group} AS grp, {keys.period} AS period,
                   {keys.currency} AS currency, {keys.cost} AS cost_text, {decimal} AS cost
            FROM {_relation(source)}
        )
        GROUP BY ALL
    """  # noqa: S608 (names are quoted, the path is a literal; nothing comes from a user's SQL)
    with _connect(threads) as db:
        try:
            return db.execute(query).fetchall()
        except duckdb.Error as error:
            if source.file_format == "parquet":
                raise Invalid(
                    "file", f"The Parquet file cannot be read: {_first_line(error)}"
                ) from None
            raise _csv_error(error) from None


def add_partials(partials: list[Partial]) -> Partial:
    """The groups of several parts of one file, added up exactly (counts and decimal sums)."""
    totals: dict[tuple[object, ...], list[object]] = {}
    # DECIMAL(38,18) sums have up to 38 digits: past the default context's 28, an addition
    # would round.
    with localcontext(prec=EXACT_DIGITS):
        _add_into(totals, partials)
    return [(*key, *values) for key, values in totals.items()]


def _add_into(totals: dict[tuple[object, ...], list[object]], partials: list[Partial]) -> None:
    for rows in partials:
        for provider, grp, period, currency, n, no_cost, bad_cost, amount in rows:
            key = (provider, grp, period, currency)
            entry = totals.get(key)
            if entry is None:
                totals[key] = [n, no_cost, bad_cost, amount]
                continue
            for index, value in enumerate((n, no_cost, bad_cost)):
                entry[index] = int(str(entry[index])) + int(str(value))
            if amount is not None:
                entry[3] = (
                    amount if entry[3] is None else Decimal(str(entry[3])) + Decimal(str(amount))
                )


def finish(plan: Plan, raw: Partial) -> Aggregate:
    """Round and check the groups of ``partial``: the file's ``Aggregate``.

    A bad value is refused naming its row, found by a second scan of the plan's file.
    """
    result = Aggregate(focus_version=plan.version, file_format=plan.source.file_format)
    with _connect() as db, localcontext(prec=EXACT_DIGITS):
        _collect(db, plan.source, plan.keys, plan.cost_name, raw, result)
    return result


def run(plan: Plan) -> Aggregate:
    """Sum the file of ``plan`` (see the module)."""
    return finish(plan, partial(plan))


def aggregate(
    path: Path, *, cost: CostColumn = "billed", group_by: GroupBy = "service"
) -> Aggregate:
    """Sum a FOCUS file per provider, group, billing month and currency (see the module)."""
    return run(plan(open_source(path), cost=cost, group_by=group_by))


def _collect(
    db: duckdb.DuckDBPyConnection,
    source: Source,
    keys: _Keys,
    cost_name: str,
    raw: list[tuple[object, ...]],
    result: Aggregate,
) -> None:
    """Turn DuckDB's groups into months and currencies; refuse bad values with their row."""
    sums: dict[tuple[str, str, date, str], list[Decimal | int]] = {}
    skipped = {"cost": 0, "period": 0, "currency": 0}
    months: dict[str, date | None] = {}
    currencies: dict[str, str | None] = {}
    for provider, grp, period, currency, n, no_cost, bad_cost, amount in raw:
        rows, empty_cost = int(str(n)), int(str(no_cost))
        result.rows += rows
        if int(str(bad_cost)):
            row = _row_of(
                db,
                source,
                f"{keys.cost} IS NOT NULL AND TRY_CAST({keys.cost} AS {EXACT}) IS NULL",
                [],
            )
            raise Invalid(
                "file", f"{_where(row, cost_name)}: the cost is not a number (or is too large)."
            )
        if empty_cost:
            skipped["cost"] += empty_cost
        priced = rows - empty_cost
        if not priced:
            continue
        if period is None:
            skipped["period"] += priced
            continue
        if currency is None:
            skipped["currency"] += priced
            continue
        period_text, currency_text = str(period), str(currency)
        if period_text not in months:
            months[period_text] = _month(period_text)
        month = months[period_text]
        if month is None:
            row = _row_of(db, source, f"{keys.period} = ?", [period_text])
            raise Invalid(
                "file",
                f"{_where(row, 'BillingPeriodStart')}: {period_text[:40]!r} is not a date"
                f" (YYYY-MM-DD, with or without a time) between {MIN_YEAR} and {MAX_YEAR}.",
            )
        if currency_text not in currencies:
            try:
                currencies[currency_text] = parse_currency(currency_text)
            except ValueError:
                currencies[currency_text] = None
        code = currencies[currency_text]
        if code is None:
            row = _row_of(db, source, f"{keys.currency} = ?", [currency_text])
            raise Invalid(
                "file",
                f"{_where(row, 'BillingCurrency')}: {currency_text[:40]!r} is not an ISO 4217"
                " currency code.",
            )
        key = (
            str(provider) if provider is not None else NO_PROVIDER,
            str(grp) if grp is not None else keys.placeholder,
            month,
            code,
        )
        entry = sums.setdefault(key, [Decimal(0), 0])
        entry[0] = Decimal(entry[0]) + (amount if isinstance(amount, Decimal) else Decimal(0))
        entry[1] = int(entry[1]) + priced
    months_exact: dict[tuple[date, str], Decimal] = {}
    for (_, _, month, code), (total, _) in sums.items():
        months_exact[(month, code)] = months_exact.get((month, code), Decimal(0)) + Decimal(total)
    result.month_totals = {key: quantize(total) for key, total in sorted(months_exact.items())}
    result.groups = [
        Group(provider, service, month, code, quantize(Decimal(total)), int(count))
        for (provider, service, month, code), (total, count) in sorted(
            sums.items(), key=lambda item: (item[0][2], item[0][0], item[0][1], item[0][3])
        )
    ]
    reasons = {
        "cost": (f"{cost_name} is empty", cost_name),
        "period": ("BillingPeriodStart is empty", "BillingPeriodStart"),
        "currency": ("BillingCurrency is empty", "BillingCurrency"),
    }
    result.skipped = [
        Skipped(reason=reasons[kind][0], column=reasons[kind][1], rows=count)
        for kind, count in skipped.items()
        if count
    ]
