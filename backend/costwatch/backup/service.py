"""Export the ledger as one zip file, and restore such a file into an empty ledger.

The file: one CSV per table of ``tables.TABLES`` (header = the columns, then the rows by id,
cells as ``tables.encode`` writes them) and ``manifest.json`` (format version, the schema's
Alembic revision, when, whether secrets are in it, and each file's row count and SHA-256).

- Export streams: each table is read in pages of ``BATCH_ROWS`` by id (keyset, not offset)
  and each page is compressed and handed on as it is read; the manifest comes last (the zip's
  central directory says where it is). All pages are read in one transaction, a snapshot on
  SQLite (WAL) and, with REPEATABLE READ, on MySQL/MariaDB: the tables agree with each other.
- Restore checks before it writes: the manifest (format, version, same schema revision as
  this database), that the ledger is empty (409 otherwise), every file's checksum; then reads
  each file in table order, checking every cell against its column and every reference
  against the ids read before it, and inserts in chunks with the ids of the file, so that
  references hold. Any error is a 422 naming the file, the row and the column; all of it runs
  in the caller's one transaction, so an error stores nothing. The consumption month totals
  (derived data, not in the file) are summed from the rows as they are read and stored at
  the end, the data version moves, and one audit entry records the restore.
- Ids: MySQL's AUTO_INCREMENT moves past the largest id inserted, and SQLite gives a new
  row the largest rowid + 1: new records after a restore never reuse an id.
"""

import csv
import hashlib
import io
import zipfile
import zlib
from collections.abc import AsyncIterator, Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import IO, Any

from pydantic import ValidationError
from sqlalchemy import Row, Table, delete, insert, select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from costwatch import __version__, clock
from costwatch.backup.schemas import FORMAT_VERSION, Manifest, ManifestFile, RestoreReport
from costwatch.backup.tables import BY_FILE, READERS, TABLES, BackupTable, CellError, encode
from costwatch.db.audit_trail import audit_summary
from costwatch.db.data_version import mark_changed
from costwatch.errors import Conflict, Invalid
from costwatch.invoices.repository import rebuild_month_totals
from costwatch.licenses.repository import rebuild_cost_changes
from costwatch.migrate import current_revision
from costwatch.models import Base, ServiceCategory, UsageConsumption
from costwatch.usage.repository import ConsumptionRepository, month_totals, rebuild_totals
from costwatch.vault import UnreadableCredentials, Vault

BATCH_ROWS = 5_000
"""Rows read (export) or inserted (restore) at a time."""
MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 1024 * 1024
# What reading a damaged or unusual zip may raise (zlib's error is not an OSError; an
# encrypted member is a RuntimeError, an unknown compression a NotImplementedError).
UNREADABLE = (
    zipfile.BadZipFile,
    OSError,
    ValueError,
    EOFError,
    NotImplementedError,
    RuntimeError,
    zlib.error,
)
CATEGORIES = Base.metadata.tables[ServiceCategory.__tablename__]
SECRET_COLUMNS = ("credentials", "secret")
"""Columns holding Fernet tokens of ``costwatch.vault``: checked to open with this key."""


class BackupInvalid(Invalid):
    """A backup file that cannot be restored: where (file, row, column) and why."""

    def __init__(
        self,
        detail: str,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        where = ", ".join(
            part
            for part in (
                file,
                f"row {row}" if row is not None else None,
                f"column `{column}`" if column else None,
            )
            if part
        )
        super().__init__("file", f"{where}: {detail}" if where else detail)
        self.loc = ["file", *(part for part in (file, row, column) if part is not None)]


async def schema_revision(session: AsyncSession) -> str:
    """The Alembic revision of the database."""
    connection = await session.connection()
    revision = await connection.run_sync(current_revision)
    assert revision is not None, "the database is not migrated"
    return revision


async def begin_snapshot(session: AsyncSession) -> None:
    """Start the session's transaction as a snapshot of every table (see the module's doc).

    MySQL/MariaDB run READ COMMITTED here (``db.engine``): this one transaction asks for
    REPEATABLE READ, which reads every table as of its first read. Only a session of its own
    on the engine can change it (a test's session inside an open transaction cannot).
    """
    if session.get_bind().dialect.name != "sqlite" and isinstance(session.bind, AsyncEngine):
        await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


class _Sink:
    """Where the zip writer puts its bytes until the next chunk is handed on.

    No ``tell``/``seek``: ``zipfile`` then writes a stream (sizes after each file's data).
    """

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing to flush: the chunks wait for ``take``."""

    def close(self) -> None:
        """Nothing to close: the last chunk is taken after the zip is closed."""

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def _csv_bytes(rows: Sequence[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([[encode(value) for value in row] for row in rows])
    return buffer.getvalue().encode()


async def _pages(session: AsyncSession, table: Table) -> AsyncIterator[Sequence[Row[Any]]]:
    """Every row of ``table`` by id, ``BATCH_ROWS`` at a time (keyset: each page one seek)."""
    last: int | None = None
    while True:
        stmt = select(table).order_by(table.c.id).limit(BATCH_ROWS)
        if last is not None:
            stmt = stmt.where(table.c.id > last)
        rows = (await session.execute(stmt)).all()
        if rows:
            yield rows
        if len(rows) < BATCH_ROWS:
            return
        last = rows[-1].id


def tables_of(secrets: bool) -> list[BackupTable]:
    """The tables a backup holds, in restore order."""
    return [table for table in TABLES if secrets or not table.secret]


async def export_backup(
    session: AsyncSession, *, revision: str, secrets: bool = False
) -> AsyncIterator[bytes]:
    """The zip file of the whole ledger, in chunks (see the module's docstring)."""
    sink = _Sink()
    files = []
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for spec in tables_of(secrets):
            digest = hashlib.sha256()
            rows = 0
            # force_zip64: the size of a table is not known before it is written.
            with archive.open(spec.file, "w", force_zip64=True) as member:
                data = _csv_bytes([list(spec.table.columns.keys())])
                digest.update(data)
                member.write(data)
                async for page in _pages(session, spec.table):
                    data = _csv_bytes(page)
                    digest.update(data)
                    member.write(data)
                    rows += len(page)
                    yield sink.take()
            files.append(
                ManifestFile(name=spec.file, table=spec.name, rows=rows, sha256=digest.hexdigest())
            )
        manifest = Manifest(
            format_version=FORMAT_VERSION,
            schema_revision=revision,
            created_at=clock.now(),
            app_version=__version__,
            secrets=secrets,
            files=files,
        )
        archive.writestr(MANIFEST, manifest.model_dump_json(indent=2) + "\n")
    yield sink.take()


def _open(file: IO[bytes]) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(file)
    except UNREADABLE:
        raise BackupInvalid("The file is not a zip file (a backup made by GET /backup).") from None


def _manifest(archive: zipfile.ZipFile, revision: str) -> Manifest:
    try:
        info = archive.getinfo(MANIFEST)
    except KeyError:
        raise BackupInvalid("The zip has no manifest.json: it is not a CostWatch backup.") from None
    if info.file_size > MAX_MANIFEST_BYTES:
        raise BackupInvalid("manifest.json is too large to be a backup's manifest.", MANIFEST)
    try:
        manifest = Manifest.model_validate_json(archive.read(MANIFEST))
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "the file"
        raise BackupInvalid(f"{where}: {first['msg']}.", MANIFEST) from None
    except UNREADABLE:
        raise BackupInvalid("manifest.json cannot be read (the zip is damaged).") from None
    if manifest.format_version != FORMAT_VERSION:
        raise BackupInvalid(
            f"Backup format version {manifest.format_version}; this server reads"
            f" version {FORMAT_VERSION}.",
            MANIFEST,
        )
    if manifest.schema_revision != revision:
        raise BackupInvalid(
            f"The backup was made at schema revision {manifest.schema_revision}; this database"
            f" is at {revision}. Restore it with the CostWatch version that made it, or"
            " migrate that one and make a new backup.",
            MANIFEST,
        )
    expected = {table.file for table in tables_of(manifest.secrets)}
    names = [entry.name for entry in manifest.files]
    for entry in manifest.files:
        spec = BY_FILE.get(entry.name)
        if entry.name not in expected or spec is None or spec.name != entry.table:
            raise BackupInvalid(f"The manifest lists an unexpected file {entry.name!r}.", MANIFEST)
        if names.count(entry.name) > 1:
            raise BackupInvalid(f"The manifest lists {entry.name} twice.", MANIFEST)
    for name in sorted(expected - set(names)):
        raise BackupInvalid(f"The manifest does not list {name}.", MANIFEST)
    members = set(archive.namelist()) - {MANIFEST}
    for name in sorted(members - set(names)):
        raise BackupInvalid("The zip holds a file the manifest does not list.", name)
    for name in sorted(set(names) - members):
        raise BackupInvalid("The manifest lists this file but the zip does not hold it.", name)
    return manifest


def _check_sums(archive: zipfile.ZipFile, manifest: Manifest) -> None:
    for entry in manifest.files:
        digest = hashlib.sha256()
        try:
            with archive.open(entry.name) as member:
                while chunk := member.read(1024 * 1024):
                    digest.update(chunk)
        except UNREADABLE:
            raise BackupInvalid("The file cannot be read (the zip is damaged).", entry.name) from (
                None
            )
        if digest.hexdigest() != entry.sha256:
            raise BackupInvalid(
                "The file's SHA-256 is not the manifest's: it was changed or damaged.", entry.name
            )


async def _require_empty(session: AsyncSession) -> None:
    """409 unless every backed-up table but the categories (made by the migrations) is empty."""
    filled = []
    for spec in TABLES:
        if spec.model is ServiceCategory:
            continue
        stmt = select(spec.table.c.id).limit(1)
        if (await session.execute(stmt)).first() is not None:
            filled.append(spec.name)
    if filled:
        raise Conflict(
            "A backup is restored only into an empty ledger, and this one has records ("
            + ", ".join(filled)
            + "). Restore into a new database, or delete them first."
        )


def _records(archive: zipfile.ZipFile, name: str) -> Iterator[tuple[int, list[str]]]:
    """The records of a member with their numbers (0 is the header)."""
    member = archive.open(name)
    text = io.TextIOWrapper(member, encoding="utf-8", newline="")
    reader = csv.reader(text, strict=True)
    number = -1
    try:
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except (csv.Error, UnicodeDecodeError) as error:
                raise BackupInvalid(
                    f"Line {reader.line_num + 1} is not valid UTF-8 CSV ({error}).", name
                ) from None
            number += 1
            yield number, record
    finally:
        text.close()


class _Restorer:
    """Reads the files of a backup into the tables, checking as it goes."""

    def __init__(self, session: AsyncSession, vault: Vault) -> None:
        self.session = session
        self.vault = vault
        # Ids of every table some other table refers to, to check references as rows come.
        referred = {fk.column.table.name for spec in TABLES for fk in spec.table.foreign_keys}
        self.ids: dict[str, set[int]] = {name: set() for name in referred}
        # Consumption summed per service and month as it is read: the derived month totals.
        self.month_totals: dict[tuple[int, date, str], Decimal] = {}

    async def table(self, archive: zipfile.ZipFile, spec: BackupTable, entry: ManifestFile) -> int:
        """Insert the rows of one file; the number of rows."""
        readers = READERS[spec.name]
        records = _records(archive, spec.file)
        first = next(records, None)
        header = first[1] if first is not None else []
        if sorted(header) != sorted(readers) or len(set(header)) != len(header):
            raise BackupInvalid(
                f"The header must name the columns {', '.join(readers)}.", spec.file, 0
            )
        references = [
            (fk.parent.name, fk.column.table.name)
            for fk in spec.table.foreign_keys
            if fk.column.table.name in self.ids
        ]
        kept = self.ids.get(spec.name)
        secrets = [name for name in SECRET_COLUMNS if name in readers]
        rows = 0
        batch: list[dict[str, Any]] = []
        first_row = 1
        for number, record in records:
            if len(record) != len(header):
                raise BackupInvalid(
                    f"The row has {len(record)} cells; the header names {len(header)}.",
                    spec.file,
                    number,
                )
            values: dict[str, Any] = {}
            for column, text in zip(header, record, strict=True):
                try:
                    values[column] = readers[column](text)
                except CellError as error:
                    raise BackupInvalid(str(error), spec.file, number, column) from None
            for column, parent in references:
                value = values[column]
                if value is not None and value not in self.ids[parent]:
                    raise BackupInvalid(
                        f"It refers to {parent} {value}, which the backup does not hold.",
                        spec.file,
                        number,
                        column,
                    )
            for column in secrets:
                if values[column] is not None:
                    try:
                        self.vault.decrypt(values[column])
                    except UnreadableCredentials:
                        raise BackupInvalid(
                            "The secret was encrypted with another key: restore with the"
                            " COSTWATCH_ENCRYPTION_KEYS of the deployment that made the backup"
                            " (or make one without secrets).",
                            spec.file,
                            number,
                            column,
                        ) from None
            if kept is not None:
                kept.add(values["id"])
            batch.append(values)
            rows += 1
            if len(batch) >= BATCH_ROWS:
                await self._insert(spec, batch, first_row)
                batch, first_row = [], number + 1
        if batch:
            await self._insert(spec, batch, first_row)
        if rows != entry.rows:
            raise BackupInvalid(
                f"The file holds {rows} rows; the manifest says {entry.rows}.", spec.file
            )
        return rows

    async def _insert(self, spec: BackupTable, batch: list[dict[str, Any]], first: int) -> None:
        if spec.model is UsageConsumption:
            month_totals(batch, into=self.month_totals)
        connection = await self.session.connection()
        try:
            await connection.execute(insert(spec.table), batch)
        except (IntegrityError, DataError):
            raise BackupInvalid(
                f"Rows {first} to {first + len(batch) - 1}: a row repeats an id or a unique"
                " key of another row, or holds a value the database refuses.",
                spec.file,
            ) from None


async def restore_backup(session: AsyncSession, file: IO[bytes], vault: Vault) -> RestoreReport:
    """Restore a backup file into this (empty) ledger, in the session's transaction."""
    revision = await schema_revision(session)
    archive = _open(file)
    with archive:
        manifest = _manifest(archive, revision)
        await _require_empty(session)
        _check_sums(archive, manifest)
        entries = {entry.name: entry for entry in manifest.files}
        # The categories the migrations made give way to the backup's (same codes, its ids).
        await session.execute(delete(CATEGORIES))
        restorer = _Restorer(session, vault)
        counts = {}
        for spec in tables_of(manifest.secrets):
            counts[spec.name] = await restorer.table(archive, spec, entries[spec.file])
    # The month totals were summed while reading; the day totals and running balances are
    # derived in the database from the rows just restored (as the migration that made them).
    await ConsumptionRepository(session).store_monthly_totals(restorer.month_totals)
    await rebuild_totals(session, only=("days", "weeks", "balances"))
    # The summaries' invoice totals and license cost changes, likewise from the restored rows.
    await rebuild_month_totals(session)
    await rebuild_cost_changes(session)
    mark_changed(session.sync_session)
    report = RestoreReport(
        schema_revision=manifest.schema_revision,
        created_at=manifest.created_at,
        secrets=manifest.secrets,
        tables=counts,
    )
    await audit_summary(session, "restore", "backup", report.model_dump(mode="json"))
    return report
