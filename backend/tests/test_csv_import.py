"""CSV import of invoices, license plans, top-ups and consumption: dry run, commit, errors."""

import csv
import io
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from costwatch.app import create_app
from costwatch.config import Settings
from costwatch.csv_import import service as import_service
from costwatch.models import UsageConsumptionMonth
from costwatch.resilience import ResilienceMiddleware
from costwatch.usage.repository import ConsumptionRepository
from tests.conftest import Bind, use_database
from tests.factories import make_consumption, make_invoice, make_service, make_topup

JSON = dict[str, Any]


async def upload(
    client: httpx.AsyncClient, kind: str, text: str | bytes, *, dry_run: bool = True
) -> httpx.Response:
    content = text.encode() if isinstance(text, str) else text
    return await client.post(
        f"/imports/{kind}",
        params={"dry_run": str(dry_run).lower()},
        files={"file": (f"{kind}.csv", content, "text/csv")},
    )


def errors_of(body: JSON) -> list[tuple[int, str | None, str]]:
    return [(e["row"], e["field"], e["message"]) for e in body["errors"]]


@pytest.fixture
async def services(client: httpx.AsyncClient) -> dict[str, int]:
    infra = await make_service(client, "infrastructure", "Compute")
    lic = await make_service(client, "license", "Seats")
    usage = await make_service(client, "usage", "Tokens")
    other = await make_service(client, "usage", "Credits")
    return {"infra": infra["id"], "license": lic["id"], "usage": usage["id"], "other": other["id"]}


async def count(client: httpx.AsyncClient, path: str) -> int:
    return int((await client.get(path)).headers["x-total-count"])


@pytest.mark.parametrize(
    ("kind", "header"),
    [
        ("invoices", "service_id,invoice_month,amount,currency"),
        (
            "licenses",
            "service_id,monthly_unit_cost,qty,start_month,end_month,annual_commitment_end,currency"
            ",billing_cycle",
        ),
        ("topups", "service_id,topup_date,amount_purchased,currency"),
        ("consumption", "service_id,consumption_date,amount_consumed"),
    ],
)
async def test_template_is_the_header_and_an_example(
    client: httpx.AsyncClient, kind: str, header: str
) -> None:
    response = await client.get(f"/imports/{kind}/template")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="{kind}-template.csv"'
    )
    lines = response.text.splitlines()
    assert lines[0] == header
    assert len(lines) == 2
    assert lines[1].split(",")[0].isdigit()


async def test_consumption_template_example(client: httpx.AsyncClient) -> None:
    text = (await client.get("/imports/consumption/template")).text
    assert text == "service_id,consumption_date,amount_consumed\r\n6,2025-07-20,42.17\r\n"


async def test_invoice_dry_run_lists_every_bad_row_and_stores_nothing(
    client: httpx.AsyncClient, services: dict[str, int]
) -> None:
    infra, lic = services["infra"], services["license"]
    await make_invoice(client, infra, "2025-01", "10.00")
    text = (
        "service_id,invoice_month,amount,currency\n"
        f"{infra},2025-02,100.00,USD\n"  # 1 good
        f"{infra},2025-03,12.345,USD\n"  # 2 three decimals
        f"{lic},2025-04,5.00,USD\n"  # 3 a license service
        "999999,2025-04,5.00,USD\n"  # 4 no such service
        f"{infra},2025-02,1.00,USD\n"  # 5 the same month as row 1
        f"{infra},2025-01,1.00,USD\n"  # 6 the same month as a stored invoice
        f"{infra},,1.00,\n"  # 7 no month
        "\n"  # 8 blank: skipped, still counted as a line
        f"{infra},2025-13,1.00,USD\n"  # 9 no such month
        f"{infra},2025-05,7.50,\n"  # 10 good, currency defaults to USD
    )
    response = await upload(client, "invoices", text)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["rows"] == 9
    assert body["valid"] == 2
    assert body["committed"] is False
    found = errors_of(body)
    assert [(row, field) for row, field, _ in found] == [
        (2, "amount"),
        (3, "service_id"),
        (4, "service_id"),
        (5, None),
        (6, None),
        (7, "invoice_month"),
        (9, "invoice_month"),
    ]
    assert "at most two decimals" in found[0][2]
    assert found[1][2].startswith(f"Service {lic} is a User License service")
    assert found[1][2].endswith("not a Infrastructure service.")
    assert found[2][2] == "Service 999999 does not exist."
    assert found[5][2] == "Field required"
    assert await count(client, "/invoices") == 1  # only the one made before


async def test_invoice_commit_stores_every_row_with_the_audit(
    client: httpx.AsyncClient, services: dict[str, int]
) -> None:
    infra = services["infra"]
    text = (
        "invoice_month,amount,service_id\n"  # any column order
        f"2025-02,100.00,{infra}\n"
        f"2025-03,0.10,{infra}\n"
    )
    response = await upload(client, "invoices", text, dry_run=False)
    assert response.status_code == 200, response.text
    assert response.json() == {"rows": 2, "valid": 2, "errors": [], "committed": True}
    invoices = (await client.get("/invoices", params={"sort": "invoice_month"})).json()
    assert [(i["invoice_month"], i["amount"], i["currency"]) for i in invoices] == [
        ("2025-02-01", "100.00", "USD"),
        ("2025-03-01", "0.10", "USD"),
    ]
    audit = (await client.get("/audit", params={"entity": "infra_invoice"})).json()
    # Newest first: the file's entry, then a create per row (the API's own path).
    assert [(a["action"], a["actor"]) for a in audit] == [("import", "admin")] + [
        ("create", "admin")
    ] * 2
    assert audit[0]["after"] == {"kind": "invoices", "rows": 2}


async def test_a_commit_with_one_bad_row_stores_nothing(
    client: httpx.AsyncClient, services: dict[str, int]
) -> None:
    infra = services["infra"]
    text = f"service_id,invoice_month,amount\n{infra},2025-02,100.00\n{infra},2025-03,-1\n"
    response = await upload(client, "invoices", text, dry_run=False)
    assert response.status_code == 422
    body = response.json()
    assert body["committed"] is False
    assert body["detail"] == "Nothing was imported: 1 row(s) have errors (see `errors`)."
    assert errors_of(body) == [(2, "amount", "must be zero or more")]
    assert await count(client, "/invoices") == 0


async def test_licenses_import(client: httpx.AsyncClient, services: dict[str, int]) -> None:
    lic = services["license"]
    text = (
        "service_id,monthly_unit_cost,qty,start_month,end_month,annual_commitment_end\n"
        f"{lic},12.50,4,2025-01,,2025-12-31\n"
        f"{lic},13.00,5,2025-06,2025-03,\n"  # ends before it starts
        f"{lic},13.00,abc,2025-07,,\n"
    )
    body = (await upload(client, "licenses", text)).json()
    assert (body["rows"], body["valid"]) == (3, 1)
    assert [(row, field) for row, field, _ in errors_of(body)] == [(2, None), (3, "qty")]
    assert "end_month" in errors_of(body)[0][2]
    body = (await upload(client, "licenses", text.replace("2025-03", ""), dry_run=False)).json()
    assert errors_of(body) == [(3, "qty", errors_of(body)[0][2])]
    lines = text.splitlines()
    good = "\n".join([lines[0], lines[1], lines[2].replace("2025-03", "")])
    response = await upload(client, "licenses", good, dry_run=False)
    assert response.json()["committed"] is True
    plans = (await client.get("/licenses", params={"sort": "start_month"})).json()
    assert [(p["start_month"], p["monthly_cost"]) for p in plans] == [
        ("2025-01-01", "50.00"),
        ("2025-06-01", "65.00"),
    ]


async def test_topups_keep_one_currency_per_service(
    client: httpx.AsyncClient, services: dict[str, int]
) -> None:
    usage = services["usage"]
    text = (
        "service_id,topup_date,amount_purchased,currency\n"
        f"{usage},2025-06-01,100.00,EUR\n"
        f"{usage},2025-06-15,50.00,USD\n"
    )
    body = (await upload(client, "topups", text, dry_run=False)).json()
    assert errors_of(body) == [
        (
            2,
            "currency",
            f"Service {usage} is funded in EUR; a top-up in USD would mix currencies in its"
            " balance.",
        )
    ]
    assert await count(client, "/usage/topups") == 0


async def test_consumption_in_bulk_updates_balances(
    client: httpx.AsyncClient, services: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_service, "CHUNK_ROWS", 2)  # 5 rows: three chunks
    usage, other, infra = services["usage"], services["other"], services["infra"]
    # ARS: no bundled rate, so the summary keeps it apart (and a service keeps one currency).
    await make_topup(client, usage, "2025-06-01", "100.00", currency="ARS")
    await make_consumption(client, usage, "2025-06-02", "1.00")
    text = (
        "service_id,consumption_date,amount_consumed\n"
        f"{usage},2025-06-10,10.25\n"
        f"{other},2025-06-11,3.00\n"
        f"{infra},2025-06-12,4.00\n"  # not a usage service
        f"{usage},2025-07-01,20.00\n"
        f"{usage},2025-07-02,0\n"  # must be positive
    )
    body = (await upload(client, "consumption", text)).json()
    assert (body["rows"], body["valid"]) == (5, 3)
    assert [(row, field) for row, field, _ in errors_of(body)] == [
        (3, "service_id"),
        (5, "amount_consumed"),
    ]
    good = "\n".join(line for n, line in enumerate(text.splitlines()) if n not in (3, 5))
    body = (await upload(client, "consumption", good, dry_run=False)).json()
    assert body == {"rows": 3, "valid": 3, "errors": [], "committed": True}
    balance = (await client.get(f"/usage/balances/{usage}")).json()
    # 100.00 - 1.00 - 10.25 - 20.00, all in the service's currency.
    assert (balance["balance"], balance["currency"]) == ("68.75", "ARS")
    rows = (await client.get("/usage/consumption", params={"service_id": usage})).json()
    assert {r["currency"] for r in rows} == {"ARS"}
    summary = (await client.get("/summary", params={"year": 2025, "month": 7})).json()
    usage_july = next(c for c in summary["by_category"] if c["code"] == "usage")["amount"]
    assert summary["unconverted"] == [{"currency": "ARS", "amount": "20.00"}]
    assert usage_july == "0.00"
    events = (await client.get("/audit", params={"entity": "usage_consumption"})).json()
    # The one made by the API, and one entry for the three imported (not one each).
    assert [(e["action"], e["after"].get("rows")) for e in events] == [
        ("import", 3),
        ("create", None),
    ]


async def test_bad_headers(client: httpx.AsyncClient, services: dict[str, int]) -> None:
    text = "service_id,amount,amount,colour\n1,2,3,4\n1,2,3,4\n"
    body = (await upload(client, "invoices", text)).json()
    assert body["rows"] == 2
    assert body["valid"] == 0
    assert [(row, field) for row, field, _ in errors_of(body)] == [
        (0, "amount"),
        (0, "colour"),
        (0, "invoice_month"),
    ]
    assert errors_of(body)[1][2].startswith("Unknown column; use service_id, invoice_month")


async def test_extra_cells_bom_and_quoting(
    client: httpx.AsyncClient, services: dict[str, int]
) -> None:
    infra = services["infra"]
    text = (
        "\ufeffservice_id,invoice_month,amount\n"
        f'{infra},"2025-02"," 1.00 "\n'
        f"{infra},2025-03,2.00,extra\n"
    )
    body = (await upload(client, "invoices", text)).json()
    assert body["valid"] == 1
    assert errors_of(body) == [(2, None, "The row has 4 cells; the header names 3.")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty; it needs a header row naming the columns."),
        (
            b"service_id,invoice_month,amount\n1,2025-01,\xff\xfe\n",
            "Line 2 of the file is not UTF-8 text.",
        ),
        (
            b"service_id,invoice_month,amount\n1,2025-01," + b"9" * 200_000 + b"\n",
            "Line 2 of the file is not valid CSV: field larger than field limit (131072).",
        ),
    ],
)
async def test_unreadable_files_are_a_422(
    client: httpx.AsyncClient, content: bytes, message: str
) -> None:
    response = await upload(client, "invoices", content)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "file"]
    assert response.json()["detail"][0]["msg"] == message


async def test_the_file_field_is_required(client: httpx.AsyncClient) -> None:
    response = await client.post("/imports/invoices", data={"other": "x"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "file"]


async def test_imports_need_a_token(anon: httpx.AsyncClient) -> None:
    response = await upload(anon, "invoices", "service_id\n1\n")
    assert response.status_code == 401
    assert (await anon.get("/imports/invoices/template")).status_code == 401


@pytest.fixture
async def small_upload_app(settings: Settings, bind: Bind, token: str) -> AsyncIterator[FastAPI]:
    app = create_app(settings.model_copy(update={"max_upload_bytes": 4096}), None)
    use_database(app, bind)
    yield app


async def test_uploads_over_the_limit_are_a_413(
    small_upload_app: FastAPI, token: str, services: dict[str, int]
) -> None:
    transport = httpx.ASGITransport(app=small_upload_app)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://t", headers=headers) as c:
        small = await upload(c, "invoices", "service_id,invoice_month,amount\n")
        assert small.status_code == 200, small.text
        # Larger than the API's 1 MB for JSON bodies is fine below the upload limit: not here.
        big = await upload(c, "invoices", "x" * 5000)
        assert big.status_code == 413
        assert big.json()["detail"] == (
            "The request body is larger than the server accepts (4,096 bytes)."
        )

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it comes
            yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n'
            for _ in range(10):
                yield b"x" * 1000

        streamed = await c.post(
            "/imports/invoices",
            content=chunks(),
            headers={"Content-Type": "multipart/form-data; boundary=b"},
        )
        assert streamed.status_code == 413


def test_uploads_are_not_buffered_for_replays(app: FastAPI) -> None:
    factory: object = ResilienceMiddleware
    [resilience] = [m for m in app.user_middleware if m.cls is factory]
    assert resilience.kwargs["passthrough_prefixes"] == ("/imports/", "/restore")


async def test_uploads_larger_than_the_json_limit_are_accepted(
    client: httpx.AsyncClient, services: dict[str, int]
) -> None:
    text = f"service_id,invoice_month,amount\n{services['infra']},2025-01,1.00\n"
    padded = text + "\n" * 1_200_000  # blank lines: 1.2 MB, above the 1 MB JSON body limit
    body = (await upload(client, "invoices", padded)).json()
    assert (body["rows"], body["valid"]) == (1, 1)


def test_csv_module_reads_the_template_back() -> None:
    row = import_service.template_row("licenses")
    buffer = io.StringIO()
    csv.writer(buffer).writerow(row.values())
    assert buffer.getvalue().startswith("4,12.50,40,2025-07")


async def test_bulk_consumption_totals_equal_the_rows_and_a_dry_run_stores_nothing(
    client: httpx.AsyncClient,
    services: dict[str, int],
    sessions: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(import_service, "CHUNK_ROWS", 7)  # months cut across chunks
    usage, other = services["usage"], services["other"]
    await make_consumption(client, usage, "2025-03-31", "0.01")  # a month already begun
    lines = ["service_id,consumption_date,amount_consumed"]
    for n in range(40):
        service = usage if n % 3 else other
        lines.append(f"{service},2025-{3 + n % 4:02d}-{1 + n % 28:02d},{n + 1}.{n % 100:02d}")
    text = "\n".join(lines) + "\n"

    async def monthly() -> list[tuple[int, Any, Any]]:
        async with sessions() as session:
            rows = (await session.execute(select(UsageConsumptionMonth))).scalars()
            return sorted((row.service_id, row.month, row.amount) for row in rows)

    before = await monthly()
    dry = (await upload(client, "consumption", text)).json()
    assert (dry["rows"], dry["valid"], dry["committed"]) == (40, 40, False)
    assert await count(client, "/usage/consumption") == 1
    assert await monthly() == before

    done = (await upload(client, "consumption", text, dry_run=False)).json()
    assert done["committed"] is True
    stored = await monthly()
    async with sessions() as session:
        await ConsumptionRepository(session).rebuild_monthly_totals()
        assert await monthly() != before
        rebuilt = sorted(
            (row.service_id, row.month, row.amount)
            for row in (await session.execute(select(UsageConsumptionMonth))).scalars()
        )
        await session.rollback()
    assert stored == rebuilt
    expected = sum((Decimal(line.split(",")[2]) for line in lines[1:]), Decimal("0.01"))
    assert sum((amount for _, _, amount in stored), Decimal(0)) == expected
