"""Reading a CSV file of records through the API's own validation, row by row.

- The columns are the fields of the record's create schema (``InvoiceCreate``...), in any
  order; an empty cell is a field not given (its default applies, or "Field required").
- Each row is validated by that schema, then written by the domain's own create function
  (``create_invoice``...): the same rules as ``POST /invoices``, not a copy. A row's write
  runs in a savepoint, so a row that breaks a rule is undone alone and the rows after it are
  still checked (a duplicate inside the file is caught because the earlier row is written).
  Consumption, the bulk record, goes through ``create_consumptions``: the same rule function
  checked once per service, one insert per chunk of rows, each month's total updated once.
- A commit writes one audit entry for the file (``import``, with the row count); rows written
  by the create functions are audited as the API's are, except consumption's bulk insert
  (100,000 rows are one entry, not 100,000).
- A dry run, or a commit with any bad row, rolls everything back: a commit stores all the
  rows or none. A dry run of consumption checks the rules and the month totals without
  inserting the rows (nothing else could refuse them; see ``create_consumptions``).
- Rows are numbered from 1 for the first record after the header (the header is 0); blank
  lines keep their number and are skipped.
"""

import csv
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any, Protocol

from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from costwatch.csv_import.schemas import ImportReport, RecordKind, RowError
from costwatch.db.audit_trail import audit_summary
from costwatch.errors import DomainError, Invalid
from costwatch.invoices.schemas import InvoiceCreate
from costwatch.invoices.service import create_invoice
from costwatch.licenses.schemas import LicenseCreate
from costwatch.licenses.service import create_license
from costwatch.usage.schemas import ConsumptionCreate, TopupCreate
from costwatch.usage.service import create_consumption, create_consumptions, create_topup

CHUNK_ROWS = 50_000
"""Rows of a bulk record type validated and written at a time."""

CLASH = "This record clashes with one already stored."
TOO_LARGE = "This would make a stored total larger than the database can hold."


class CreateMany(Protocol):
    """Many rows at once: the errors by service id (the rules are per service).

    With ``check_only``, what a dry run needs (the rules, the totals) without the rows.
    """

    async def __call__(
        self, session: AsyncSession, bodies: Sequence[Any], *, check_only: bool = False
    ) -> dict[int, DomainError]:
        """Write (or only check) ``bodies``."""


@dataclass(frozen=True)
class Importer:
    """How one record type is validated and written."""

    schema: type[BaseModel]
    entity: str  # the table the records go to, named in the audit log
    create: Callable[[AsyncSession, Any], Awaitable[object]]
    create_many: CreateMany | None
    example: dict[str, Any]


def _example(schema: type[BaseModel]) -> dict[str, Any]:
    extra = schema.model_config.get("json_schema_extra")
    examples = extra.get("examples") if isinstance(extra, dict) else None
    if isinstance(examples, list) and examples and isinstance(examples[0], dict):
        return dict(examples[0])
    return {}


IMPORTERS: dict[str, Importer] = {
    "invoices": Importer(
        InvoiceCreate, "infra_invoice", create_invoice, None, _example(InvoiceCreate)
    ),
    "licenses": Importer(
        LicenseCreate, "license_plan", create_license, None, _example(LicenseCreate)
    ),
    "topups": Importer(TopupCreate, "usage_topup", create_topup, None, _example(TopupCreate)),
    "consumption": Importer(
        ConsumptionCreate,
        "usage_consumption",
        create_consumption,
        create_consumptions,
        {**_example(ConsumptionCreate), "currency": None},
    ),
}


def columns(kind: RecordKind) -> list[str]:
    """The columns of a record type's CSV file."""
    return list(IMPORTERS[kind].schema.model_fields)


def template_row(kind: RecordKind) -> dict[str, Any]:
    """An example row of a record type (the schema's own example)."""
    example = IMPORTERS[kind].example
    return {name: example.get(name) for name in columns(kind)}


def _lines(file: IO[bytes]) -> Iterator[str]:
    """The file's lines as text, decoded one by one so that an error names its line."""
    for number, line in enumerate(file, start=1):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            raise Invalid("file", f"Line {number} of the file is not UTF-8 text.") from None
        yield text.removeprefix("\ufeff") if number == 1 else text


def _records(file: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    """The file's records with their numbers (0 is the header); a bad file is a 422."""
    reader = csv.reader(_lines(file))
    number = -1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            line = reader.line_num
            raise Invalid("file", f"Line {line} of the file is not valid CSV: {error}.") from None
        number += 1
        yield number, record


def _check_header(header: list[str], schema: type[BaseModel]) -> list[RowError]:
    known = schema.model_fields
    errors = []
    for name in header:
        if name not in known:
            expected = ", ".join(known)
            errors.append(RowError(row=0, field=name, message=f"Unknown column; use {expected}."))
        elif header.count(name) > 1:
            errors.append(RowError(row=0, field=name, message="The column appears twice."))
    for name, field in known.items():
        if field.is_required() and name not in header:
            errors.append(RowError(row=0, field=name, message="This column is required."))
    # A name twice gives one error.
    return list({(e.field, e.message): e for e in errors}.values())


def _parse(
    number: int, record: list[str], header: list[str], schema: type[BaseModel]
) -> tuple[BaseModel | None, list[RowError]]:
    errors = []
    if len(record) > len(header):
        errors.append(
            RowError(
                row=number,
                field=None,
                message=f"The row has {len(record)} cells; the header names {len(header)}.",
            )
        )
    values = {name: cell.strip() for name, cell in zip(header, record, strict=False)}
    try:
        body = schema.model_validate({name: text for name, text in values.items() if text})
    except ValidationError as error:
        for item in error.errors(include_url=False):
            field = str(item["loc"][0]) if item["loc"] else None
            message = item["msg"].removeprefix("Value error, ")
            errors.append(RowError(row=number, field=field, message=message))
        return None, errors
    return (None if errors else body), errors


def _domain_error(number: int, error: DomainError) -> RowError:
    field = str(error.loc[-1]) if isinstance(error, Invalid) else None
    return RowError(row=number, field=field, message=error.detail)


async def _write_one(
    session: AsyncSession, importer: Importer, number: int, body: BaseModel
) -> list[RowError]:
    try:
        async with session.begin_nested():
            await importer.create(session, body)
    except DomainError as error:
        return [_domain_error(number, error)]
    except IntegrityError:
        return [RowError(row=number, field=None, message=CLASH)]
    except DataError:
        return [RowError(row=number, field=None, message=TOO_LARGE)]
    return []


async def _write_many(
    session: AsyncSession, importer: Importer, rows: list[tuple[int, BaseModel]], dry_run: bool
) -> list[RowError]:
    assert importer.create_many is not None
    try:
        async with session.begin_nested():
            bodies = [body for _, body in rows]
            failed = await importer.create_many(session, bodies, check_only=dry_run)
    except (IntegrityError, DataError):  # find the row(s) at fault, one at a time
        errors = []
        for number, body in rows:
            errors += await _write_one(session, importer, number, body)
        return errors
    return [
        _domain_error(number, failed[service_id])
        for number, body in rows
        if (service_id := getattr(body, "service_id", None)) in failed
    ]


async def import_csv(
    session: AsyncSession, kind: RecordKind, file: IO[bytes], *, dry_run: bool
) -> ImportReport:
    """Check (and unless ``dry_run``, store) every row of a CSV file of ``kind`` records."""
    importer = IMPORTERS[kind]
    records = _records(file)
    first = next(records, None)
    if first is None:
        raise Invalid("file", "The file is empty; it needs a header row naming the columns.")
    header = [name.strip() for name in first[1]]
    errors = _check_header(header, importer.schema)
    rows = 0
    pending: list[tuple[int, BaseModel]] = []
    for number, record in records:
        if not any(cell.strip() for cell in record):
            continue
        rows += 1
        if errors and errors[0].row == 0:
            continue  # a bad header: the rows are only counted
        body, problems = _parse(number, record, header, importer.schema)
        errors += problems
        if body is None:
            continue
        if importer.create_many is None:
            errors += await _write_one(session, importer, number, body)
            continue
        pending.append((number, body))
        if len(pending) >= CHUNK_ROWS:
            errors += await _write_many(session, importer, pending, dry_run)
            pending = []
    if pending:
        errors += await _write_many(session, importer, pending, dry_run)
    errors.sort(key=lambda error: error.row)
    committed = not dry_run and not errors
    if committed:
        await audit_summary(session, "import", importer.entity, {"kind": kind, "rows": rows})
    else:
        await session.rollback()
    valid = 0 if errors and errors[0].row == 0 else rows - len({error.row for error in errors})
    return ImportReport(rows=rows, valid=valid, errors=errors, committed=committed)
