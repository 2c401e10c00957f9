"""Backup and restore of the whole ledger: a round trip answers every report identically."""

import asyncio
import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet
from fastapi import FastAPI
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from costwatch.app import create_app
from costwatch.backup import __main__ as cli
from costwatch.backup import service as backup_service
from costwatch.backup.tables import NOT_BACKED_UP, NULL, READERS, TABLES, encode
from costwatch.config import Settings
from costwatch.db.engine import make_engine
from costwatch.demo import load_demo_data
from costwatch.errors import Conflict
from costwatch.migrate import upgrade_to_head
from costwatch.models import (
    Base,
    InvoiceMonthTotal,
    LicenseCostChange,
    Provider,
    UsageBalance,
    UsageConsumptionDay,
    UsageConsumptionMonth,
    UsageConsumptionWeek,
)
from costwatch.vault import Vault
from tests.conftest import TEST_URL, Bind, use_database
from tests.factories import make_consumption, make_provider, make_service, make_topup
from tests.usage.exact import assert_totals_exact

Sessions = async_sessionmaker[AsyncSession]
Files = dict[str, bytes]

# Every report and list the dashboard shows: a restore must answer each one identically.
REPORTS = [
    "/categories",
    "/providers?limit=1000",
    "/service?limit=1000",
    "/invoices?limit=1000",
    "/licenses?limit=1000",
    "/usage/topups?limit=1000",
    "/usage/consumption?limit=1000",
    "/usage/balances",
    "/usage/daily?days=120",
    "/summary",
    "/summary?view=cash",
    "/summary?year=2025&month=3",
    "/summary/by-service",
    "/summary/by-service?year=2025&month=5",
    "/summary/overview",
    "/summary/series?start=2024-01&end=2025-12",
    "/summary/series?start=2024-01&end=2025-12&view=cash",
    "/forecast",
    "/alerts/commitments",
    "/alerts/low-balance",
    "/fx-rates",
    "/connections",
    "/notification-channels",
]


async def seed(app: FastAPI, sessions: Sessions, client: httpx.AsyncClient) -> None:
    """The demo data (with a connection and channels), a rate, and awkward texts."""
    async with sessions() as session:
        await load_demo_data(session, app.state.vault)
        await session.commit()
    rate = await client.put("/fx-rates/EUR/2025-06", json={"rate": "0.9123456789"})
    assert rate.status_code in (200, 201), rate.text
    # NULL, an empty text and texts that look like the NULL marker must come back as they were.
    await make_provider(client, "\\N", website=None)
    await make_provider(client, "\\backslash", website="")


async def answers(client: httpx.AsyncClient, usage_ids: list[int]) -> dict[str, Any]:
    urls = [*REPORTS, *(f"/usage/events?service_id={sid}&limit=1000" for sid in usage_ids)]
    result = {}
    for url in urls:
        response = await client.get(url)
        assert response.status_code == 200, (url, response.text)
        result[url] = response.json()
    return result


async def usage_service_ids(client: httpx.AsyncClient) -> list[int]:
    balances = (await client.get("/usage/balances")).json()
    return [row["service_id"] for row in balances]


async def wipe(sessions: Sessions) -> None:
    """Delete every backed-up row (and the derived totals): an empty ledger again."""
    async with sessions() as session:
        for derived in (
            UsageConsumptionMonth,
            UsageConsumptionDay,
            UsageConsumptionWeek,
            UsageBalance,
            InvoiceMonthTotal,
            LicenseCostChange,
        ):
            await session.execute(delete(derived))
        for spec in reversed(TABLES[1:]):
            await session.execute(delete(spec.table))
        await session.commit()


async def download(client: httpx.AsyncClient, *, secrets: bool = False) -> bytes:
    response = await client.get("/backup", params={"secrets": str(secrets).lower()})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="costwatch-backup-'
    )
    return response.content


async def upload(client: httpx.AsyncClient, content: bytes) -> httpx.Response:
    return await client.post("/restore", files={"file": ("backup.zip", content, "application/zip")})


def unzip(content: bytes) -> Files:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(files: Files, *, fix_sums: bool = True) -> bytes:
    """The files as a zip; the manifest's checksums and counts made to match them."""
    if fix_sums and "manifest.json" in files:
        manifest = json.loads(files["manifest.json"])
        for entry in manifest["files"]:
            if entry["name"] in files:
                data = files[entry["name"]]
                entry["sha256"] = hashlib.sha256(data).hexdigest()
                entry["rows"] = max(len(data.decode().splitlines()) - 1, 0)
        files = {**files, "manifest.json": json.dumps(manifest).encode()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def rows_of(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(), newline="")))


def csv_of(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode()


async def count(sessions: Sessions, model: type[Base]) -> int:
    async with sessions() as session:
        stmt = select(func.count()).select_from(model)
        return int((await session.execute(stmt)).scalar_one())


def test_every_table_is_backed_up_or_left_out_with_a_reason() -> None:
    backed_up = [spec.name for spec in TABLES]
    assert len(set(backed_up)) == len(backed_up)
    assert set(backed_up) | set(NOT_BACKED_UP) == set(Base.metadata.tables)
    assert not set(backed_up) & set(NOT_BACKED_UP)
    position = {name: index for index, name in enumerate(backed_up)}
    secret = {spec.name for spec in TABLES if spec.secret}
    for spec in TABLES:
        for fk in spec.table.foreign_keys:
            parent = fk.column.table.name
            # Parents come first, and a table in every backup never needs a secret one.
            assert position[parent] < position[spec.name], (spec.name, parent)
            assert spec.secret or parent not in secret, (spec.name, parent)


@pytest.mark.parametrize("secrets", [True, False])
async def test_a_restored_backup_answers_every_report_identically(
    app: FastAPI,
    client: httpx.AsyncClient,
    sessions: Sessions,
    secrets: bool,
    connection: AsyncConnection,
) -> None:
    await seed(app, sessions, client)
    usage_ids = await usage_service_ids(client)
    before = await answers(client, usage_ids)
    content = await download(client, secrets=secrets)
    files = unzip(content)
    manifest = json.loads(files["manifest.json"])
    assert manifest["format"] == "costwatch-backup"
    assert manifest["format_version"] == 1
    assert manifest["secrets"] is secrets
    assert ("provider_connection.csv" in files) is secrets
    for entry in manifest["files"]:
        assert hashlib.sha256(files[entry["name"]]).hexdigest() == entry["sha256"]
        assert len(rows_of(files[entry["name"]])) == entry["rows"] + 1
    # The ciphertext travels as it is stored, never in clear.
    assert b"sk-admin-demo" not in content

    await wipe(sessions)
    restored = await upload(client, content)

    assert restored.status_code == 200, restored.text
    body = restored.json()
    assert body["secrets"] is secrets
    assert body["tables"]["usage_consumption"] == manifest["files"][6]["rows"]
    after = await answers(client, usage_ids)
    if not secrets:
        assert after.pop("/connections") == []
        assert after.pop("/notification-channels") == []
        before.pop("/connections")
        before.pop("/notification-channels")
    for url, answer in before.items():
        assert after[url] == answer, url
    # The derived totals the restore rebuilt, each as its writers would have kept it.
    await assert_totals_exact(connection)
    # New records continue after the restored ids (MySQL's AUTO_INCREMENT, SQLite's rowid).
    biggest = max(row["id"] for row in before["/providers?limit=1000"])
    new = await make_provider(client, "After the restore")
    assert new["id"] > biggest
    # One audit entry says who restored what.
    audit = (await client.get("/audit", params={"entity": "backup"})).json()
    assert [(row["action"], row["actor"]) for row in audit] == [("restore", "admin")]
    assert audit[0]["after"]["tables"]["provider"] == len(before["/providers?limit=1000"])


async def test_secrets_come_back_usable(
    app: FastAPI, client: httpx.AsyncClient, sessions: Sessions
) -> None:
    await seed(app, sessions, client)
    content = await download(client, secrets=True)
    await wipe(sessions)
    assert (await upload(client, content)).status_code == 200
    channels = (await client.get("/notification-channels")).json()
    assert [row["has_secret"] for row in channels if row["kind"] == "webhook"] == [True]
    connections = (await client.get("/connections")).json()
    assert [row["has_credentials"] for row in connections] == [True]


async def test_secrets_of_another_deployment_are_refused(
    app: FastAPI, client: httpx.AsyncClient, sessions: Sessions
) -> None:
    await seed(app, sessions, client)
    files = unzip(await download(client, secrets=True))
    rows = rows_of(files["provider_connection.csv"])
    column = rows[0].index("credentials")
    other = Vault([Fernet.generate_key().decode()])
    rows[1][column] = other.encrypt({"api_key": "sk-elsewhere"})
    files["provider_connection.csv"] = csv_of(rows)
    await wipe(sessions)

    response = await upload(client, rezip(files))

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["file", "provider_connection.csv", 1, "credentials"]
    assert "encrypted with another key" in error["msg"]
    assert "sk-elsewhere" not in response.text
    assert await count(sessions, Provider) == 0


async def test_a_restore_needs_an_empty_ledger(
    app: FastAPI, client: httpx.AsyncClient, sessions: Sessions
) -> None:
    await seed(app, sessions, client)
    content = await download(client)
    providers = await count(sessions, Provider)

    response = await upload(client, content)

    assert response.status_code == 409
    assert "empty ledger" in response.json()["detail"]
    assert "provider" in response.json()["detail"]
    assert await count(sessions, Provider) == providers


def _edit_manifest(files: Files, change: Callable[[dict[str, Any]], object]) -> bytes:
    manifest = json.loads(files["manifest.json"])
    change(manifest)
    return rezip({**files, "manifest.json": json.dumps(manifest).encode()}, fix_sums=False)


def _cell(files: Files, name: str, row: int, column: str) -> str:
    rows = rows_of(files[name])
    return rows[row][rows[0].index(column)]


def _edit_cell(
    files: Files, name: str, row: int, column: str, value: str, *, fix_sums: bool = True
) -> bytes:
    """The backup with one cell changed (and its checksum made to match, unless not)."""
    rows = rows_of(files[name])
    rows[row][rows[0].index(column)] = value
    return rezip({**files, name: csv_of(rows)}, fix_sums=fix_sums)


BROKEN: list[tuple[str, Callable[[Files], bytes], list[Any], str]] = [
    (
        "a bad amount",
        lambda f: _edit_cell(f, "infra_invoice.csv", 2, "amount", "12.345"),
        ["file", "infra_invoice.csv", 2, "amount"],
        "does not fit DECIMAL(12,2)",
    ),
    (
        "a bad date",
        lambda f: _edit_cell(f, "usage_topup.csv", 1, "topup_date", "2025-13-01"),
        ["file", "usage_topup.csv", 1, "topup_date"],
        "is not a date",
    ),
    (
        "NULL where a value is required",
        lambda f: _edit_cell(f, "service.csv", 3, "name", NULL),
        ["file", "service.csv", 3, "name"],
        "may not be empty",
    ),
    (
        "a text too long",
        lambda f: _edit_cell(f, "provider.csv", 1, "name", "x" * 129),
        ["file", "provider.csv", 1, "name"],
        "longer than the column's 128",
    ),
    (
        "a reference to nothing",
        lambda f: _edit_cell(f, "license_plan.csv", 1, "service_id", "999999"),
        ["file", "license_plan.csv", 1, "service_id"],
        "refers to service 999999",
    ),
    (
        "a repeated id",
        lambda f: _edit_cell(f, "provider.csv", 2, "id", _cell(f, "provider.csv", 1, "id")),
        ["file", "provider.csv"],
        "repeats an id or a unique key",
    ),
    (
        "a changed file",
        lambda f: _edit_cell(f, "infra_invoice.csv", 1, "amount", "1.00", fix_sums=False),
        ["file", "infra_invoice.csv"],
        "SHA-256",
    ),
    (
        "a wrong header",
        lambda f: _edit_cell(f, "provider.csv", 0, "website", "homepage"),
        ["file", "provider.csv", 0],
        "header must name the columns",
    ),
    (
        "a short row",
        lambda f: rezip({**f, "provider.csv": f["provider.csv"] + b"1,2\r\n"}),
        ["file", "provider.csv", 12],
        "The row has 2 cells",
    ),
    (
        "a wrong row count",
        lambda f: _edit_manifest(f, lambda m: m["files"][7].update(rows=3)),
        ["file", "fx_rate.csv"],
        "the manifest says 3",
    ),
    (
        "another schema revision",
        lambda f: _edit_manifest(f, lambda m: m.update(schema_revision="0001")),
        ["file", "manifest.json"],
        "schema revision 0001",
    ),
    (
        "another format version",
        lambda f: _edit_manifest(f, lambda m: m.update(format_version=2)),
        ["file", "manifest.json"],
        "format version 2",
    ),
    (
        "a manifest of another shape",
        lambda f: _edit_manifest(f, lambda m: m.update(files="all")),
        ["file", "manifest.json"],
        "files: Input should be a valid array",
    ),
    (
        "a table twice in the manifest",
        lambda f: _edit_manifest(f, lambda m: m["files"].append(m["files"][1])),
        ["file", "manifest.json"],
        "lists provider.csv twice",
    ),
    (
        "a table the manifest leaves out",
        lambda f: _edit_manifest(f, lambda m: m["files"].pop(1)),
        ["file", "manifest.json"],
        "does not list provider.csv",
    ),
    (
        "a secret table in a backup without secrets",
        lambda f: _edit_manifest(
            f,
            lambda m: m["files"].append(
                {**m["files"][1], "name": "sync_run.csv", "table": "sync_run"}
            ),
        ),
        ["file", "manifest.json"],
        "unexpected file 'sync_run.csv'",
    ),
    (
        "a manifest that is not JSON",
        lambda f: rezip({**f, "manifest.json": b"{"}, fix_sums=False),
        ["file", "manifest.json"],
        "Invalid JSON",
    ),
    (
        "no manifest",
        lambda f: rezip({k: v for k, v in f.items() if k != "manifest.json"}),
        ["file"],
        "no manifest.json",
    ),
    (
        "a missing table",
        lambda f: rezip({k: v for k, v in f.items() if k != "service.csv"}),
        ["file", "service.csv"],
        "the zip does not hold it",
    ),
    (
        "a file too many",
        lambda f: rezip({**f, "notes.txt": b"hello"}),
        ["file", "notes.txt"],
        "does not list",
    ),
    ("not a zip", lambda f: b"PK not really a zip", ["file"], "not a zip file"),
    (
        "a damaged zip",
        lambda f: rezip(f).replace(f["provider.csv"][:60], f["provider.csv"][:59] + b"#"),
        ["file", "provider.csv"],
        "the zip is damaged",
    ),
]


@pytest.mark.parametrize(
    ("broken", "loc", "message"),
    [(case[1], case[2], case[3]) for case in BROKEN],
    ids=[case[0] for case in BROKEN],
)
async def test_a_broken_backup_is_a_422_naming_where_and_stores_nothing(
    app: FastAPI,
    client: httpx.AsyncClient,
    sessions: Sessions,
    broken: Callable[[Files], bytes],
    loc: list[Any],
    message: str,
) -> None:
    await seed(app, sessions, client)
    files = unzip(await download(client))
    await wipe(sessions)

    response = await upload(client, broken(files))

    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert error["loc"] == loc, error
    assert message in error["msg"]
    assert await count(sessions, Provider) == 0


async def test_a_restore_needs_a_file_and_a_writing_token(anon: httpx.AsyncClient) -> None:
    assert (await upload(anon, b"x")).status_code == 401
    assert (await anon.get("/backup")).status_code == 401


async def test_a_restore_without_a_file_is_a_422(client: httpx.AsyncClient) -> None:
    response = await client.post("/restore", data={"other": "x"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "file"]


async def test_the_export_streams_page_by_page(
    client: httpx.AsyncClient, sessions: Sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = await make_service(client, "usage", "Tokens")
    await make_topup(client, service["id"], "2025-01-02", "100.00")
    for day in range(1, 8):
        await make_consumption(client, service["id"], f"2025-02-0{day}", f"{day}.25")
    monkeypatch.setattr(backup_service, "BATCH_ROWS", 3)
    async with sessions() as session:
        revision = await backup_service.schema_revision(session)
        chunks = [chunk async for chunk in backup_service.export_backup(session, revision=revision)]
    # A chunk per page of consumption (3 + 3 + 1 rows), at least: never all at once.
    assert len([chunk for chunk in chunks if chunk]) >= 3
    files = unzip(b"".join(chunks))
    consumption = rows_of(files["usage_consumption.csv"])
    assert [row[consumption[0].index("amount_consumed")] for row in consumption[1:]] == [
        f"{day}.25" for day in range(1, 8)
    ]


def test_cells_read_back_what_was_written() -> None:
    readers = READERS["provider"]
    for value in ["", "\\N", "\\", "\\\\x", "plain", "=1+2"]:
        assert readers["name"](encode(value)) == value
    assert readers["website"](encode(None)) is None
    assert READERS["service"]["active"]("false") is False
    consumption = READERS["usage_consumption"]
    with pytest.raises(ValueError, match="not a whole number"):
        consumption["service_id"]("1.5")
    with pytest.raises(ValueError, match="not a whole number"):
        consumption["service_id"](str(2**63))
    with pytest.raises(ValueError, match="not a decimal"):
        consumption["amount_consumed"]("1e3")
    with pytest.raises(ValueError, match="not `true`"):
        READERS["service"]["active"]("yes")
    with pytest.raises(ValueError, match="not a timestamp"):
        consumption["created_at"]("2025-01-01T00:00:00+02:00")
    with pytest.raises(ValueError, match="not a timestamp"):
        consumption["created_at"]("yesterday")


async def test_the_command_line_exports_and_restores(
    app: FastAPI, engine: AsyncEngine, tmp_path: Path
) -> None:
    factory = async_sessionmaker(engine, expire_on_commit=False)
    async with factory() as session:
        added = await load_demo_data(session, app.state.vault)
        await session.commit()
    path = tmp_path / "ledger.zip"

    manifest = await cli.export_file(engine, path, secrets=True)

    assert path.exists() and not (tmp_path / "ledger.zip.part").exists()
    counts = {entry.table: entry.rows for entry in manifest.files}
    assert counts["service"] == added["services"]
    assert counts["usage_consumption"] == added["consumption"]
    async with factory() as session:
        before = (await session.execute(select(UsageConsumptionMonth))).scalars().all()
        totals = sorted((row.service_id, row.month, row.amount) for row in before)
    await wipe(factory)

    report = await cli.restore_file(engine, path, app.state.vault)

    assert report.tables == counts
    async with factory() as session:
        after = (await session.execute(select(UsageConsumptionMonth))).scalars().all()
        assert sorted((row.service_id, row.month, row.amount) for row in after) == totals
    # A second restore finds the ledger full: refused, nothing changed.
    with pytest.raises(Conflict):
        await cli.restore_file(engine, path, app.state.vault)


def test_the_command_line_reports_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    if not TEST_URL.startswith("sqlite"):
        pytest.skip("the command line's own database is a SQLite file here")
    monkeypatch.setenv("COSTWATCH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COSTWATCH_ENV", "development")
    monkeypatch.delenv("COSTWATCH_DATABASE_URL", raising=False)
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")

    # Not migrated yet: migrate first, as the server does at start.
    async def migrate() -> None:
        engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'costwatch.db'}")
        await upgrade_to_head(engine)
        await engine.dispose()

    asyncio.run(migrate())
    assert cli.main(["restore", str(bad)]) == 1
    assert "not a zip file" in capsys.readouterr().err
    assert cli.main(["restore", str(tmp_path / "missing.zip")]) == 1
    assert cli.main(["export", str(tmp_path / "out.zip")]) == 0
    assert "wrote" in capsys.readouterr().out
    assert cli.main(["restore", str(tmp_path / "out.zip")]) == 0
    assert "restored" in capsys.readouterr().out


async def test_a_read_only_token_may_download_but_not_restore(
    client: httpx.AsyncClient, sessions: Sessions
) -> None:
    created = await client.post("/tokens", json={"name": "backups", "scope": "read"})
    assert created.status_code == 201, created.text
    reader = {"Authorization": f"Bearer {created.json()['token']}"}
    content = (await client.get("/backup", headers=reader)).content
    await wipe(sessions)

    refused = await client.post(
        "/restore", files={"file": ("b.zip", content, "application/zip")}, headers=reader
    )

    assert refused.status_code == 403
    assert "only read" in refused.json()["detail"]


async def test_a_restore_over_the_upload_limit_is_a_413(
    settings: Settings, bind: Bind, token: str
) -> None:
    small = create_app(settings.model_copy(update={"max_upload_bytes": 4096}), None)
    use_database(small, bind)
    transport = httpx.ASGITransport(app=small)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://t", headers=headers) as c:
        response = await upload(c, b"PK" + b"x" * 5000)
    assert response.status_code == 413
