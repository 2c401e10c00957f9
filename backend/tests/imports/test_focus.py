"""FOCUS import: exact sums, versions and formats, preview and commit, refusals."""

import asyncio
import csv
import gzip
import io
from collections.abc import AsyncIterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from costwatch.app import create_app
from costwatch.config import Settings
from costwatch.errors import Invalid
from costwatch.imports import upload as upload_module
from costwatch.imports.focus import aggregate, detect_version
from costwatch.models import AuditEntry, InfraInvoice, Provider, Service
from tests.conftest import Bind, use_database
from tests.factories import make_invoice, make_provider, make_service

JSON = dict[str, Any]
FIXTURES = Path(__file__).parent.parent / "fixtures" / "focus"
MESSY = FIXTURES / "focus-1.2-messy.csv"

# focus-1.2-messy.csv summed by hand (BilledCost), then rounded once to cents:
# EC2 2025-03: 10.12345678901 + 5.00499999999 - 1.5 (Credit) + 1.20 (Tax) = 14.828456789
# S3 2025-03: 0.00499999999 + 0.005 = 0.00999999999 (a NULL cost is skipped)
# Virtual Machines, Spot 2025-03: 100.10 + 19.019 (Tax, "eur") = 119.119
# Oracle 2025-03: 1.00 - 2.00 (Credit) = -1.00: negative, skipped
MESSY_BILLED = {
    ("AWS", "Amazon EC2", "2025-03-01", "USD"): "14.83",
    ("AWS", "Amazon S3", "2025-03-01", "USD"): "0.01",
    ("Microsoft", "Azure Storage", "2025-03-01", "EUR"): "1.10",
    ("Microsoft", "Virtual Machines, Spot", "2025-03-01", "EUR"): "119.12",
    ("Oracle", "Oracle Cloud Compute", "2025-03-01", "USD"): "-1.00",
    ("AWS", "Amazon EC2", "2025-04-01", "USD"): "7.78",
    ("AWS", "Amazon S3", "2025-04-01", "USD"): "2.35",
}


async def upload(
    client: httpx.AsyncClient,
    content: bytes,
    *,
    name: str = "focus.csv",
    dry_run: bool = True,
    **params: str,
) -> httpx.Response:
    return await client.post(
        "/imports/focus",
        params={"dry_run": str(dry_run).lower(), **params},
        files={"file": (name, content, "application/octet-stream")},
    )


def spreadsheet_months(path: Path, column: str = "BilledCost") -> dict[tuple[str, str], str]:
    """A FOCUS CSV's cost summed per billing month and currency by hand, rounded once."""
    sums: dict[tuple[str, str], Decimal] = {}
    with path.open(newline="", encoding="utf-8-sig") as file:
        for row in csv.DictReader(file):
            values = [(row[name] or "").strip() for name in (column, "BillingPeriodStart")]
            currency = (row["BillingCurrency"] or "").strip().upper()
            if "" in values or "NULL" in values or currency in ("", "NULL"):
                continue
            key = (values[1][:7] + "-01", currency)
            sums[key] = sums.get(key, Decimal(0)) + Decimal(values[0])
    return {key: str(total.quantize(Decimal("0.01"), ROUND_HALF_UP)) for key, total in sums.items()}


def amounts(body: JSON) -> dict[tuple[str, str, str, str], str]:
    return {
        (g["provider"], g["service"], g["month"], g["currency"]): g["amount"]
        for g in body["groups"]
    }


def actions(body: JSON) -> dict[tuple[str, str, str], str]:
    return {(g["provider"], g["service"], g["month"]): g["action"] for g in body["groups"]}


def message(response: httpx.Response) -> str:
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert detail[0]["loc"] == ["body", "file"]
    return str(detail[0]["msg"])


async def invoice_count(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return int((await session.execute(select(func.count(InfraInvoice.id)))).scalar_one())


def hand_sum(path: Path, column: str = "BilledCost") -> dict[tuple[str, str, str, str], str]:
    """The file summed in Python, row by row, the way a spreadsheet would."""
    sums: dict[tuple[str, str, str, str], Decimal] = {}
    with path.open(newline="", encoding="utf-8") as file:
        for row in csv.DictReader(file):
            provider = row.get("ServiceProviderName") or row["ProviderName"]
            key = (
                provider,
                row["ServiceName"],
                row["BillingPeriodStart"][:7] + "-01",
                row["BillingCurrency"].upper(),
            )
            if all(
                row[name] not in ("", "NULL")
                for name in (column, "BillingPeriodStart", "BillingCurrency")
            ):
                sums[key] = sums.get(key, Decimal(0)) + Decimal(row[column])
    return {
        key: str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
        for key, value in sums.items()
    }


# --- Reading the file ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "version"),
    [
        ("focus-1.0-sample.csv", "1.0"),
        ("focus-1.1-small.csv", "1.1"),
        ("focus-1.2-messy.csv", "1.2"),
        ("focus-1.3-azure-sample.csv", "1.3"),
        ("focus-1.3-marketplace.csv", "1.3"),
    ],
)
def test_real_and_made_files_sum_to_the_hand_sum(name: str, version: str) -> None:
    result = aggregate(FIXTURES / name)
    assert result.focus_version == version
    found = {
        (g.provider, g.service, f"{g.month}", g.currency): str(g.amount) for g in result.groups
    }
    if name != "focus-1.1-small.csv":  # its months carry milliseconds: summed below
        assert found == hand_sum(FIXTURES / name)
    assert sum(g.rows for g in result.groups) + sum(s.rows for s in result.skipped) == (result.rows)


def test_the_real_1_0_sample() -> None:
    result = aggregate(FIXTURES / "focus-1.0-sample.csv")
    assert result.rows == 1000
    groups = {(g.provider, g.service, f"{g.month}"): g.amount for g in result.groups}
    assert groups[("AWS", "Amazon Elastic Compute Cloud", "2024-09-01")] == Decimal("16.04")
    # A credit larger than the month's charges: the total is negative.
    assert groups[("Microsoft", "Azure Machine Learning", "2024-09-01")] == Decimal("-0.15")
    assert groups[("Oracle", "COMPUTE", "2024-10-01")] == Decimal("0.24")
    by_provider = aggregate(FIXTURES / "focus-1.0-sample.csv", group_by="provider")
    assert [(g.service, f"{g.month}", str(g.amount)) for g in by_provider.groups] == [
        ("AWS", "2024-09-01", "18.01"),
        ("Microsoft", "2024-09-01", "1.98"),
        ("Oracle", "2024-09-01", "0.30"),
        ("Oracle", "2024-10-01", "0.24"),
    ]


def test_messy_1_2_file() -> None:
    result = aggregate(MESSY)
    found = {
        (g.provider, g.service, f"{g.month}", g.currency): str(g.amount) for g in result.groups
    }
    assert found == MESSY_BILLED
    assert result.rows == 16
    assert [(s.column, s.rows) for s in result.skipped] == [
        ("BilledCost", 1),
        ("BillingPeriodStart", 1),
        ("BillingCurrency", 1),
    ]
    # EffectiveCost: 9.5 + 5.00499999999 - 1.5 + 1.20 = 14.20499999999 -> 14.20, which a
    # DECIMAL(38,10) reading would have made 14.205 -> 14.21.
    effective = aggregate(MESSY, cost="effective")
    assert {(g.service, f"{g.month}"): str(g.amount) for g in effective.groups}[
        ("Amazon EC2", "2025-03-01")
    ] == "14.20"


def test_1_1_two_currencies_and_milliseconds() -> None:
    result = aggregate(FIXTURES / "focus-1.1-small.csv")
    assert [(g.service, f"{g.month}", g.currency, str(g.amount)) for g in result.groups] == [
        ("BigQuery", "2025-01-01", "JPY", "12.35"),
        ("Cloud Storage", "2025-01-01", "USD", "0.75"),
        ("BigQuery", "2025-02-01", "JPY", "1000.01"),  # 1000.005, half up
    ]
    by_account = aggregate(FIXTURES / "focus-1.1-small.csv", group_by="sub_account")
    assert [(g.service, g.currency, str(g.amount)) for g in by_account.groups] == [
        ("proj-one", "JPY", "12.35"),
        ("proj-one", "USD", "0.50"),
        ("proj-two", "USD", "0.25"),
        ("proj-two", "JPY", "1000.01"),
    ]


def test_1_3_names_the_provider_by_service_provider_name() -> None:
    result = aggregate(FIXTURES / "focus-1.3-marketplace.csv")
    assert [(g.provider, g.service, str(g.amount)) for g in result.groups] == [
        ("Datadog", "Datadog Pro", "275.01"),  # 250.00 + 25.005 tax
        ("Microsoft Azure", "Virtual Machines", "100.00"),
    ]


def test_gzip_and_parquet_give_the_same_groups(tmp_path: Path) -> None:
    gz = tmp_path / "export.csv.gz"
    gz.write_bytes(gzip.compress(MESSY.read_bytes()))
    parquet = tmp_path / "export.parquet"
    with duckdb.connect() as db:
        # Typed columns, as real Parquet exports have them: costs DECIMAL, periods TIMESTAMP.
        db.execute(
            "COPY (SELECT * REPLACE (TRY_CAST(BilledCost AS DECIMAL(38,12)) AS BilledCost,"  # noqa: S608
            " TRY_CAST(BillingPeriodStart AS TIMESTAMP) AS BillingPeriodStart)"
            f" FROM read_csv('{MESSY}', all_varchar=true, nullstr=['NULL', '']))"
            f" TO '{parquet}' (FORMAT parquet)"
        )
    plain = aggregate(MESSY)
    for path, kind in ((gz, "csv.gz"), (parquet, "parquet")):
        other = aggregate(path)
        assert other.file_format == kind
        assert other.groups == plain.groups
        assert other.rows == plain.rows
        assert other.skipped == plain.skipped


def test_version_detection() -> None:
    assert detect_version(["BilledCost", "ProviderName"]) == "1.0"
    assert detect_version(["billedcost", "skumeter"]) == "1.1"
    assert detect_version(["InvoiceId", "ServiceSubcategory"]) == "1.2"
    assert detect_version(["ServiceProviderName", "InvoiceId"]) == "1.3"


def write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="") as file:
        csv.writer(file).writerows(rows)
    return path


HEADER = ["ProviderName", "ServiceName", "BillingPeriodStart", "BillingCurrency", "BilledCost"]
GOOD = ["AWS", "EC2", "2025-03-01", "USD", "1.00"]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([HEADER, GOOD, ["AWS", "EC2", "2025-03-01", "USD", "1,5"]], "row 2, column BilledCost"),
        (
            [HEADER, GOOD, GOOD, ["AWS", "EC2", "2025-03-01", "USD", "abc"]],
            "row 3, column BilledCost",
        ),
        ([HEADER, ["AWS", "EC2", "yesterday", "USD", "1"]], "row 1, column BillingPeriodStart"),
        (
            [HEADER, GOOD, ["AWS", "EC2", "2025-02-30", "USD", "1"]],
            "row 2, column BillingPeriodStart",
        ),
        (
            [HEADER, GOOD, ["AWS", "EC2", "1999-12-01", "USD", "1"]],
            "row 2, column BillingPeriodStart",
        ),
        ([HEADER, GOOD, ["AWS", "EC2", "2025-03-01", "ABC", "1"]], "row 2, column BillingCurrency"),
        ([HEADER, GOOD, [*GOOD, "extra"]], "Line 3 of the file (row 2 after the header)"),
        ([HEADER[:4], GOOD[:4]], "no BilledCost column"),
        ([HEADER[1:], GOOD[1:]], "no ProviderName column"),
        ([[*HEADER, "billedcost"], [*GOOD, "1"]], "appears twice"),
        ([], "The file is empty"),
    ],
)
def test_bad_files_name_the_row_and_column(
    tmp_path: Path, rows: list[list[str]], expected: str
) -> None:
    with pytest.raises(Invalid) as caught:
        aggregate(write(tmp_path / "bad.csv", rows))
    assert expected in caught.value.detail


def test_unterminated_quote_and_bad_encoding(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(",".join(HEADER) + '\nAWS,EC2,2025-03-01,USD,1\nAWS,"EC2,2025-03-01,USD,1\n')
    with pytest.raises(Invalid, match=r"Line 3 of the file .*unterminated quote"):
        aggregate(path)
    path.write_bytes(b"\xff\xfeProviderName\n")
    with pytest.raises(Invalid, match="not UTF-8"):
        aggregate(path)
    path.write_bytes(b"PAR1 but not really parquet")
    with pytest.raises(Invalid, match="Parquet file cannot be read"):
        aggregate(path)


# --- The API ---------------------------------------------------------------------------------


async def test_dry_run_previews_and_stores_nothing(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    response = await upload(client, MESSY.read_bytes())
    assert response.status_code == 200, response.text
    body = response.json()
    assert amounts(body) == MESSY_BILLED
    assert body["focus_version"] == "1.2"
    assert (body["rows"], body["skipped"], body["committed"]) == (16, 3, False)
    assert body["months"] == ["2025-03-01", "2025-04-01"]
    assert [r["reason"] for r in body["skipped_reasons"]] == [
        "BilledCost is empty",
        "BillingPeriodStart is empty",
        "BillingCurrency is empty",
    ]
    # The invoices a commit stores, per month (Oracle's negative month is skipped) ...
    assert {(t["month"], t["currency"]): (t["amount"], t["groups"]) for t in body["totals"]} == {
        ("2025-03-01", "EUR"): ("120.22", 2),
        ("2025-03-01", "USD"): ("14.84", 2),  # 14.83 + 0.01
        ("2025-04-01", "USD"): ("10.13", 2),  # 7.78 + 2.35
    }
    # ... and the file's own total, as a spreadsheet sums it (every charge, rounded once).
    assert {(t["month"], t["currency"]): t["file_amount"] for t in body["totals"]} == (
        spreadsheet_months(MESSY)
    )
    assert spreadsheet_months(MESSY)[("2025-04-01", "USD")] == "10.12"
    oracle = next(g for g in body["groups"] if g["provider"] == "Oracle")
    assert oracle["action"] == "skip"
    assert "negative" in oracle["error"]
    assert body["counts"] == {"create": 6, "skip": 1}
    assert all(g["service_id"] is None for g in body["groups"])
    assert await invoice_count(sessions) == 0
    async with sessions() as session:
        assert (await session.execute(select(func.count(Provider.id)))).scalar_one() == 0


async def test_commit_then_again_then_a_corrected_file(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    aws = await make_provider(client, "aws")  # matched ignoring case
    ec2 = await make_service(client, "infrastructure", "Amazon EC2", provider_id=aws["id"])
    license_s3 = await make_service(client, "license", "Amazon S3", provider_id=aws["id"])
    first = await upload(client, MESSY.read_bytes(), dry_run=False)
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["committed"] is True
    ec2_march = next(g for g in body["groups"] if g["service"] == "Amazon EC2")
    assert ec2_march["service_id"] == ec2["id"]
    assert ec2_march["invoice_id"] is not None
    assert await invoice_count(sessions) == 6
    async with sessions() as session:
        stored = {
            (row.name, f"{row.invoice_month}", row.currency): str(row.amount)
            for row in (
                await session.execute(
                    select(
                        Service.name,
                        InfraInvoice.invoice_month,
                        InfraInvoice.currency,
                        InfraInvoice.amount,
                    ).join(Service)
                )
            ).all()
        }
        audit = (
            await session.execute(
                select(AuditEntry.entity, func.count())
                .group_by(AuditEntry.entity)
                .where(AuditEntry.actor == "admin")
            )
        ).all()
    assert stored[("Amazon EC2", "2025-03-01", "USD")] == "14.83"
    assert stored[("Virtual Machines, Spot", "2025-03-01", "EUR")] == "119.12"
    assert dict(audit)["infra_invoice"] == 6
    # "aws" (made above) and Microsoft; Oracle's only group is skipped (negative).
    assert dict(audit)["provider"] == 2
    s3 = next(g for g in body["groups"] if g["service"] == "Amazon S3")
    assert s3["action"] == "create"
    assert s3["provider_id"] == aws["id"]
    assert s3["service_id"] != license_s3["id"]  # a new Infrastructure service
    # The same file again: nothing changes.
    again = (await upload(client, MESSY.read_bytes(), dry_run=False)).json()
    assert set(actions(again).values()) == {"unchanged", "skip"}
    assert again["counts"] == {"unchanged": 6, "skip": 1}
    # A corrected file: March of EC2 is now 20.00; the other groups stay.
    text = MESSY.read_text().replace("10.12345678901", "15.29500000000")
    corrected = (await upload(client, text.encode(), dry_run=False)).json()
    ec2_group = next(
        g
        for g in corrected["groups"]
        if g["service"] == "Amazon EC2" and g["month"] == "2025-03-01"
    )
    assert (ec2_group["action"], ec2_group["amount"], ec2_group["previous_amount"]) == (
        "replace",
        "20.00",
        "14.83",
    )
    assert corrected["counts"] == {"replace": 1, "unchanged": 5, "skip": 1}
    listed = (await client.get("/invoices", params={"service_id": ec2["id"]})).json()
    assert {(i["invoice_month"], i["amount"]) for i in listed} == {
        ("2025-03-01", "20.00"),
        ("2025-04-01", "7.78"),
    }


async def test_a_currency_conflict_is_shown_and_refuses_the_commit(
    client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    microsoft = await make_provider(client, "Microsoft")
    vms = await make_service(
        client, "infrastructure", "Virtual Machines, Spot", provider_id=microsoft["id"]
    )
    await make_invoice(client, vms["id"], "2025-03", "5.00", "USD")
    preview = (await upload(client, MESSY.read_bytes())).json()
    conflict = next(g for g in preview["groups"] if g["action"] == "conflict")
    assert conflict["service"] == "Virtual Machines, Spot"
    assert "in USD" in conflict["error"]
    assert preview["conflicts"] == 1
    refused = await upload(client, MESSY.read_bytes(), dry_run=False)
    assert refused.status_code == 422
    assert refused.json()["detail"].startswith("Nothing was imported: 1 group(s)")
    assert refused.json()["committed"] is False
    assert await invoice_count(sessions) == 1  # only the one made above


async def test_two_currencies_for_one_service_and_month_conflict(
    client: httpx.AsyncClient,
) -> None:
    rows = [HEADER, GOOD, ["AWS", "EC2", "2025-03-01", "EUR", "2.00"]]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    body = (await upload(client, buffer.getvalue().encode())).json()
    assert [g["action"] for g in body["groups"]] == ["conflict", "conflict"]
    assert "several currencies (EUR, USD)" in body["groups"][0]["error"]


async def test_bad_file_is_a_422_naming_row_and_column(client: httpx.AsyncClient) -> None:
    text = ",".join(HEADER) + "\nAWS,EC2,2025-03-01,USD,1\nAWS,EC2,2025-03-01,USD,NaN?\n"
    assert "row 2, column BilledCost" in message(await upload(client, text.encode()))
    missing = await client.post("/imports/focus", files={"other": ("a", b"x")})
    assert "multipart field `file`" in message(missing)
    wrong = await upload(client, MESSY.read_bytes(), cost="list")
    assert wrong.status_code == 422


async def test_group_by_provider_and_sub_account(client: httpx.AsyncClient) -> None:
    data = (FIXTURES / "focus-1.0-sample.csv").read_bytes()
    body = (await upload(client, data, group_by="provider")).json()
    assert amounts(body)[("AWS", "AWS", "2024-09-01", "USD")] == "18.01"
    body = (await upload(client, MESSY.read_bytes(), group_by="sub_account")).json()
    # The Tax row of EC2 has no sub-account.
    assert amounts(body)[("AWS", "(no sub-account)", "2025-03-01", "USD")] == "1.20"


async def test_the_focus_route_needs_a_token(anon: httpx.AsyncClient) -> None:
    response = await upload(anon, MESSY.read_bytes())
    assert response.status_code == 401


@pytest.fixture
async def small_upload_app(settings: Settings, bind: Bind, token: str) -> AsyncIterator[FastAPI]:
    app = create_app(settings.model_copy(update={"max_upload_bytes": 4096}), None)
    use_database(app, bind)
    yield app


async def test_uploads_over_the_limit_are_a_413(small_upload_app: FastAPI, token: str) -> None:
    transport = httpx.ASGITransport(app=small_upload_app)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://t", headers=headers) as c:
        small = await upload(c, (FIXTURES / "focus-1.3-marketplace.csv").read_bytes())
        assert small.status_code == 200, small.text
        big = await upload(c, MESSY.read_bytes() + b"\n" * 100)
        assert big.status_code == 413


async def test_the_upload_is_received_in_batches(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(upload_module, "BATCH", 1000)  # many writes for a 4 kB file
    response = await client.post(
        "/imports/focus",
        data={"note": "ignored"},
        files={"file": ("focus.csv", MESSY.read_bytes(), "text/csv")},
    )
    assert response.status_code == 200, response.text
    assert amounts(response.json()) == MESSY_BILLED


async def test_bodies_that_are_not_one_file(client: httpx.AsyncClient) -> None:
    not_multipart = await client.post("/imports/focus", content=MESSY.read_bytes())
    assert "multipart/form-data" in message(not_multipart)
    two = await client.post(
        "/imports/focus",
        files=[("file", ("a.csv", b"x", "text/csv")), ("file", ("b.csv", b"y", "text/csv"))],
    )
    assert (two.status_code, two.json()["detail"]) == (
        400,
        "Send one file only (the multipart field `file`).",
    )
    many = await client.post(
        "/imports/focus",
        data={f"f{n}": "x" for n in range(5)},
        files={"file": ("a.csv", b"x", "text/csv")},
    )
    assert many.status_code == 400
    assert "more than 4 parts" in many.json()["detail"]
    broken = await client.post(
        "/imports/focus",
        content=b'--b\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc\r\n--x',
        headers={"Content-Type": "multipart/form-data; boundary=b"},
    )
    assert broken.status_code == 400
    assert "ends before its closing boundary" in broken.json()["detail"]


@pytest.fixture
def parts(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Small batches and parts (an upload arrives in many of each); each upload's parts kept."""
    monkeypatch.setattr(upload_module, "BATCH", 1000)
    monkeypatch.setattr(upload_module, "PART_BYTES", 1500)
    started: list[Any] = []
    original = upload_module._Parts.start

    def start(*args: Any) -> Any:
        made = original(*args)
        if made is not None:
            started.append(made)
        return made

    monkeypatch.setattr(upload_module._Parts, "start", start)
    return started


async def upload_in_chunks(
    client: httpx.AsyncClient, content: bytes, chunk: int = 700
) -> httpx.Response:
    """Upload as a browser's body arrives: a multipart body in many small pieces."""
    body = (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="f.csv"\r\n\r\n'
        + content
        + b"\r\n--b--\r\n"
    )

    async def pieces() -> AsyncIterator[bytes]:
        for start in range(0, len(body), chunk):
            yield body[start : start + chunk]

    return await client.post(
        "/imports/focus",
        content=pieces(),
        headers={"Content-Type": "multipart/form-data; boundary=b"},
    )


async def test_a_large_csv_is_summed_in_parts_while_it_arrives(
    client: httpx.AsyncClient, parts: list[Any]
) -> None:
    response = await upload_in_chunks(client, MESSY.read_bytes())
    assert response.status_code == 200, response.text
    assert amounts(response.json()) == MESSY_BILLED
    (received,) = parts
    # Cut at record ends (the file has a quoted cell over two lines): each part read alone.
    assert len(received.paths) >= 2
    assert not received.failed
    assert received.header == MESSY.read_bytes().split(b"\n", 1)[0] + b"\n"
    # A bad value is seen in a part; its row, in the whole file put back together.
    rows = [HEADER, *[GOOD] * 40, ["AWS", "EC2", "2025-03-01", "USD", "twelve"], *[GOOD] * 40]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    bad = await upload_in_chunks(client, buffer.getvalue().encode())
    assert "row 41, column BilledCost" in message(bad)
    # A broken line far into the file: its part fails, the whole file names the line.
    broken = buffer.getvalue().replace("twelve", '1,"x') + "AWS,EC2,2025-03-01,USD,1\n" * 200
    assert "Line 42 of the file" in message(await upload_in_chunks(client, broken.encode()))
    assert parts[-1].failed
    # A missing column is known from the first batch: refused at once.
    missing = "ProviderName,ServiceName,BillingCurrency,BilledCost\n" + "AWS,EC2,USD,1\n" * 200
    assert "no BillingPeriodStart column" in message(await upload(client, missing.encode()))
    assert len(parts) == 3


@pytest.mark.parametrize(("batch", "part"), [(97, 300), (256, 256), (1000, 1500), (4096, 5000)])
async def test_cells_over_several_lines_sum_right_wherever_the_parts_end(
    client: httpx.AsyncClient,
    parts: list[Any],
    monkeypatch: pytest.MonkeyPatch,
    batch: int,
    part: int,
) -> None:
    monkeypatch.setattr(upload_module, "BATCH", batch)
    monkeypatch.setattr(upload_module, "PART_BYTES", part)
    # Every record has a quoted cell with line breaks, doubled quotes and commas: most line
    # breaks are inside quotes, and a part ending at one is refused, then the file summed whole.
    header = [*HEADER, "Tags"]
    rows = [header]
    expected = Decimal(0)
    for n in range(300):
        cost = Decimal(n) / 7
        cost = cost.quantize(Decimal("0.00000000001"))
        expected += cost
        tags = f'{{"team": "a,b",\n"note": "line\r\nbreak",\n"n": {n}}}'
        rows.append(["AWS", "EC2", "2025-03-01T00:00:00Z", "USD", str(cost), tags])
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    response = await upload_in_chunks(client, buffer.getvalue().encode(), chunk=batch // 3 + 1)
    assert response.status_code == 200, response.text
    assert amounts(response.json()) == {
        ("AWS", "EC2", "2025-03-01", "USD"): str(expected.quantize(Decimal("0.01"), ROUND_HALF_UP))
    }
    assert response.json()["rows"] == 300
    (received,) = parts
    assert len(received.paths) > 3


async def test_a_part_ending_inside_quotes_is_refused_and_the_file_summed_whole(
    client: httpx.AsyncClient, parts: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(upload_module, "BATCH", 200)
    monkeypatch.setattr(upload_module, "PART_BYTES", 100)
    header = ",".join([*HEADER, "Tags"]) + "\n"
    plain = "AWS,EC2,2025-03-01,USD,1.25,x\n"
    # The first batch's last line break is inside the quoted cell: the first part ends in it.
    quoted = 'AWS,EC2,2025-03-01,USD,2.50,"a\n' + "b" * 20 + '\nc"\n'
    head = header + plain * ((200 - len(header) - 10) // len(plain))
    content = head + quoted + plain * 30
    assert content.encode().rfind(b"\n", 0, 200) > len(head)  # the cut is inside the quotes
    response = await upload_in_chunks(client, content.encode(), chunk=64)
    assert response.status_code == 200, response.text
    rows = content.count(plain) + 1
    expected = Decimal("1.25") * (rows - 1) + Decimal("2.50")
    assert amounts(response.json()) == {("AWS", "EC2", "2025-03-01", "USD"): str(expected)}
    assert response.json()["rows"] == rows
    (received,) = parts
    assert received.failed  # DuckDB refused the part, not summed it wrong
    # A file of records on one line each is summed in its parts.
    again = await upload_in_chunks(client, (header + plain * 60).encode(), chunk=64)
    assert amounts(again.json()) == {("AWS", "EC2", "2025-03-01", "USD"): "75.00"}
    assert len(parts[1].paths) > 3
    assert not parts[1].failed


async def test_a_real_export_sums_the_same_in_parts(
    client: httpx.AsyncClient, parts: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(upload_module, "BATCH", 64 * 1024)
    monkeypatch.setattr(upload_module, "PART_BYTES", 100 * 1024)
    sample = FIXTURES / "focus-1.0-sample.csv"
    whole = aggregate(sample)
    response = await upload_in_chunks(client, sample.read_bytes(), chunk=16 * 1024)
    assert response.status_code == 200, response.text
    assert amounts(response.json()) == {
        (g.provider, g.service, g.month.isoformat(), g.currency): str(g.amount)
        for g in whole.groups
    }
    assert response.json()["rows"] == whole.rows
    (received,) = parts
    assert len(received.paths) >= 5
    assert not received.failed


async def test_gzip_and_long_headers_are_summed_once_received(
    client: httpx.AsyncClient, parts: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    gz = await upload(client, gzip.compress(MESSY.read_bytes()), name="focus.csv.gz")
    assert amounts(gz.json()) == MESSY_BILLED
    monkeypatch.setattr(upload_module, "HEADER_BYTES", 100)  # the header ends further on
    plain = await upload(client, MESSY.read_bytes())
    assert amounts(plain.json()) == MESSY_BILLED
    assert parts == []


async def test_an_upload_cut_off_by_the_limit_stops_its_parts(
    small_upload_app: FastAPI, token: str, parts: list[Any]
) -> None:
    transport = httpx.ASGITransport(app=small_upload_app)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://t", headers=headers) as c:
        header = ",".join(HEADER).encode() + b"\n"

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it comes
            yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n'
            yield header
            for _ in range(10):
                yield b"AWS,EC2,2025-03-01,USD,1\n" * 40

        response = await c.post(
            "/imports/focus",
            content=chunks(),
            headers={"Content-Type": "multipart/form-data; boundary=b"},
        )
        assert response.status_code == 413
    (received,) = parts
    assert received.failed
    assert received._summing.done()


async def test_the_file_may_be_the_body_itself(
    client: httpx.AsyncClient, parts: list[Any], tmp_path: Path
) -> None:
    """What a script sends most cheaply (``curl -T bill.csv -H 'Content-Type: text/csv'``)."""

    async def send(content: bytes, kind: str, chunk: int = 700) -> httpx.Response:
        async def pieces() -> AsyncIterator[bytes]:
            for start in range(0, len(content), chunk):
                yield content[start : start + chunk]

        return await client.post("/imports/focus", content=pieces(), headers={"Content-Type": kind})

    plain = await send(MESSY.read_bytes(), "text/csv; charset=utf-8")
    assert plain.status_code == 200, plain.text
    assert amounts(plain.json()) == MESSY_BILLED
    (received,) = parts  # large enough here to be summed in parts
    assert len(received.paths) >= 2
    assert not received.failed
    zipped = await send(gzip.compress(MESSY.read_bytes()), "application/gzip")
    assert amounts(zipped.json()) == MESSY_BILLED
    parquet = tmp_path / "export.parquet"
    with duckdb.connect() as db:
        db.execute(
            f"COPY (SELECT * FROM read_csv('{MESSY}', all_varchar=true)) TO '{parquet}'"  # noqa: S608
            " (FORMAT parquet)"
        )
    typed = await send(parquet.read_bytes(), "application/vnd.apache.parquet")
    assert amounts(typed.json()) == MESSY_BILLED
    octets = await send(parquet.read_bytes(), "application/octet-stream")
    assert amounts(octets.json()) == MESSY_BILLED
    assert len(parts) == 1  # gzip and Parquet: summed once received
    # Nothing to read, or a body that is not a file.
    assert "The file is empty" in message(await send(b"", "text/csv"))
    refused = await send(b'{"file": "x"}', "application/json")
    assert "multipart field `file`" in message(refused)
    assert "Content-Type text/csv" in message(refused)


async def test_many_uploads_summed_in_parts_at_once(
    concurrent_client: tuple[httpx.AsyncClient, Any], parts: list[Any]
) -> None:
    # More uploads than the event loop's pool has threads (6 on 2 cores): each summing thread
    # waits for its parts as long as its upload lasts, and must not starve the others' writes.
    client, _ = concurrent_client
    many = 10
    answers = await asyncio.wait_for(
        asyncio.gather(*(upload_in_chunks(client, MESSY.read_bytes()) for _ in range(many))),
        timeout=120,
    )
    assert [a.status_code for a in answers] == [200] * many
    assert all(amounts(a.json()) == MESSY_BILLED for a in answers)
    assert len(parts) == many
    assert not any(received.failed for received in parts)


def test_batches_fill_two_buffers_again_and_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(upload_module, "BATCH", 10)
    batches = upload_module._Batches()
    data = bytes(range(256)) * 3
    received = bytearray()
    buffers: list[bytearray] = []  # held, so that no id is used again by a new buffer
    for start in range(0, len(data), 7):  # pieces that straddle the batches' ends
        batches.add(data[start : start + 7])
        while batches.full:
            full = batches.full.pop(0)
            assert len(full) == 10
            received += full
            buffers.append(full)
            batches.release(full)  # written: filled again
    received += batches.rest()
    assert bytes(received) == data
    # Written before the next one filled, a buffer is filled again: no fresh one per batch.
    assert len(buffers) == len(data) // 10
    assert len({id(buffer) for buffer in buffers}) <= 2
