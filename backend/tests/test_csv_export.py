"""``format=csv`` on every list and report: the same rows, fields, filters and order as JSON."""

import csv
import io
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel

from costwatch import csv_export
from costwatch.csv_export import CsvWriter, cell, guard, text_columns
from tests.factories import (
    make_consumption,
    make_invoice,
    make_plan,
    make_provider,
    make_service,
    make_topup,
)

JSON = dict[str, Any]


def parse(response: httpx.Response) -> list[dict[str, str]]:
    """The CSV body as dicts, after checking it is a CSV download."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith('attachment; filename="')
    assert response.text.startswith("\ufeff") is False
    return list(csv.DictReader(io.StringIO(response.text)))


def as_cells(row: JSON) -> dict[str, str]:
    """A JSON row as the CSV writer renders it (no text cell here starts like a formula)."""
    return {name: cell(value) for name, value in row.items()}


@pytest.fixture
async def ledger(client: httpx.AsyncClient) -> JSON:
    """A little of everything: two providers, a service per category, records of each."""
    acme = await make_provider(client, "Acme Cloud", website="https://acme.example")
    infra = await make_service(client, "infrastructure", "Compute", provider_id=acme["id"])
    lic = await make_service(client, "license", '=HYPERLINK("http://x")')
    usage = await make_service(client, "usage", "-Tokens", provider_id=acme["id"])
    for month, amount in (("2025-05", "100.00"), ("2025-06", "250.50"), ("2025-07", "12.34")):
        await make_invoice(client, infra["id"], month, amount)
    await make_plan(client, lic["id"], "2025-01", "12.50", 4, annual_commitment_end="2025-08-31")
    await make_topup(client, usage["id"], "2025-06-01", "100.00")
    await make_consumption(client, usage["id"], "2025-06-10", "120.00")
    await make_consumption(client, usage["id"], "2025-07-01", "30.25")
    return {"infra": infra, "license": lic, "usage": usage, "acme": acme}


def test_guard_prefixes_formula_starts_only() -> None:
    assert [guard(t) for t in ("=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx")] == [
        "'=1+2",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
    ]
    assert guard("Acme = good") == "Acme = good"
    assert guard("") == ""


def test_cells_render_json_values_plainly() -> None:
    assert cell(None) == ""
    assert cell(True) == "true"
    assert cell(False) == "false"
    assert cell({"amount": "1.50", "n": [1, 2]}) == '{"amount":"1.50","n":[1,2]}'
    assert cell("-12.50") == "-12.50"  # money: not text, never guarded
    assert cell("-12.50", text=True) == "'-12.50"


def test_text_columns_are_the_str_fields() -> None:
    class Sample(BaseModel):
        name: str
        note: str | None
        amount: int
        maybe: int | None

    assert text_columns(Sample) == {"name", "note"}


def test_writer_quotes_what_csv_needs() -> None:
    writer = CsvWriter(["a", "b"], text=["a"])
    assert writer.header() == b"a,b\r\n"
    chunk = writer.rows([{"a": 'say "hi", then\nleave', "b": 1}, {"a": "=x"}])
    assert chunk == b'"say ""hi"", then\nleave",1\r\n\'=x,\r\n'


ROUTES = [
    ("/categories", {}),
    ("/providers", {}),
    ("/providers", {"sort": "-name", "q": "acme"}),
    ("/service", {}),
    ("/service", {"sort": "-created_at", "active": "true"}),
    ("/invoices", {}),
    ("/invoices", {"sort": "amount", "year": "2025", "month": "6"}),
    ("/licenses", {}),
    ("/licenses", {"active": "true", "sort": "-monthly_cost"}),
    ("/usage/topups", {}),
    ("/usage/consumption", {"sort": "amount_consumed"}),
    ("/usage/balances", {"threshold_percent": "50"}),
    ("/alerts/commitments", {"expiring_before": "2025-12-31"}),
    ("/alerts/low-balance", {"threshold_percent": "30"}),
    ("/audit", {}),
]


@pytest.mark.parametrize(("path", "params"), ROUTES)
async def test_csv_has_the_json_rows_fields_and_order(
    client: httpx.AsyncClient, ledger: JSON, path: str, params: dict[str, str]
) -> None:
    json_rows = (await client.get(path, params=params)).json()
    assert json_rows, "the ledger gives every route rows to compare"
    response = await client.get(path, params={**params, "format": "csv"})
    rows = parse(response)
    header = response.text.splitlines()[0].split(",")
    assert header == list(json_rows[0])
    expected = [as_cells(row) for row in json_rows]
    # Text cells that look like formulas are the one difference (tested below).
    for row in expected:
        for key in ("name", "service_name"):
            if key in row:
                row[key] = guard(row[key])
    assert rows == expected


async def test_events_csv(client: httpx.AsyncClient, ledger: JSON) -> None:
    service_id = ledger["usage"]["id"]
    response = await client.get(
        "/usage/events", params={"service_id": service_id, "sort": "date", "format": "csv"}
    )
    assert response.headers["content-disposition"] == (
        f'attachment; filename="usage-events-{service_id}.csv"'
    )
    assert [(r["kind"], r["day"], r["amount"]) for r in parse(response)] == [
        ("topup", "2025-06-01", "100.00"),
        ("consumption", "2025-06-10", "120.00"),
        ("consumption", "2025-07-01", "30.25"),
    ]


async def test_events_csv_of_a_missing_service_is_a_clean_422(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/usage/events", params={"service_id": 999999, "format": "csv"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/json"


async def test_negative_money_stays_a_number_and_text_is_guarded(
    client: httpx.AsyncClient, ledger: JSON
) -> None:
    balances = parse(await client.get("/usage/balances", params={"format": "csv"}))
    [row] = balances
    # 100.00 topped up, 150.25 consumed: -50.25, a number a spreadsheet can sum.
    assert row["balance"] == "-50.25"
    assert row["service_name"] == "'-Tokens"
    assert row["low_balance"] == "true"
    assert row["last_topup_date"] == "2025-06-01"
    services = parse(await client.get("/service", params={"format": "csv"}))
    assert '\'=HYPERLINK("http://x")' in [s["name"] for s in services]


async def test_csv_ignores_limit_and_offset_and_streams_in_pages(
    client: httpx.AsyncClient, ledger: JSON, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_export, "BATCH_ROWS", 2)  # 3 invoices: two pages
    response = await client.get(
        "/invoices", params={"format": "csv", "limit": 1, "offset": 1, "sort": "invoice_month"}
    )
    rows = parse(response)
    assert [(r["invoice_month"], r["amount"]) for r in rows] == [
        ("2025-05-01", "100.00"),
        ("2025-06-01", "250.50"),
        ("2025-07-01", "12.34"),
    ]
    assert response.headers["x-total-count"] == "3"
    assert response.headers["content-disposition"] == 'attachment; filename="invoices.csv"'


async def test_exactly_full_pages_end_cleanly(
    client: httpx.AsyncClient, ledger: JSON, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_export, "BATCH_ROWS", 1)
    rows = parse(await client.get("/invoices", params={"format": "csv"}))
    assert [r["amount"] for r in rows] == ["12.34", "250.50", "100.00"]


async def test_empty_list_is_a_header_alone(client: httpx.AsyncClient) -> None:
    response = await client.get("/invoices", params={"format": "csv"})
    assert response.text == (
        "id,service_id,invoice_month,amount,currency,created_at,updated_at\r\n"
    )


async def test_audit_csv_keeps_changes_as_json(client: httpx.AsyncClient, ledger: JSON) -> None:
    rows = parse(await client.get("/audit", params={"format": "csv", "entity": "infra_invoice"}))
    assert len(rows) == 3
    assert all(r["action"] == "create" and r["actor"] == "admin" for r in rows)
    assert '"amount":"12.34"' in rows[0]["after"]
    assert rows[0]["before"] == ""


async def test_summary_csv_is_one_wide_row(client: httpx.AsyncClient, ledger: JSON) -> None:
    response = await client.get("/summary", params={"year": 2025, "month": 6, "format": "csv"})
    assert response.headers["content-disposition"] == 'attachment; filename="summary-2025-06.csv"'
    # June: invoice 250.50, plan 4 x 12.50 = 50.00, consumption 120.00.
    assert response.text.splitlines() == [
        "year,month,currency,total,infrastructure,license,usage",
        "2025,6,USD,420.50,250.50,50.00,120.00",
    ]


async def test_series_csv_has_a_row_per_month(client: httpx.AsyncClient, ledger: JSON) -> None:
    # ARS: a currency the bundled ECB rates do not have, so it stays unconverted.
    await make_invoice(client, ledger["infra"]["id"], "2025-04", "7.00", currency="ARS")
    response = await client.get(
        "/summary/series", params={"start": "2025-04", "end": "2025-07", "format": "csv"}
    )
    assert response.text.splitlines() == [
        "year,month,currency,total,infrastructure,license,usage,unconverted_ARS",
        "2025,4,USD,50.00,0.00,50.00,0.00,7.00",
        "2025,5,USD,150.00,100.00,50.00,0.00,",
        "2025,6,USD,420.50,250.50,50.00,120.00,",
        "2025,7,USD,92.59,12.34,50.00,30.25,",
    ]


async def test_bad_format_is_a_422(client: httpx.AsyncClient) -> None:
    response = await client.get("/invoices", params={"format": "xlsx"})
    assert response.status_code == 422


async def test_csv_needs_a_token(anon: httpx.AsyncClient) -> None:
    assert (await anon.get("/invoices", params={"format": "csv"})).status_code == 401


async def test_openapi_documents_csv_on_every_list(client: httpx.AsyncClient, app: FastAPI) -> None:
    schema = app.openapi()
    for path in {path for path, _ in ROUTES} | {"/usage/events", "/summary", "/summary/series"}:
        operation = schema["paths"][path]["get"]
        assert "text/csv" in operation["responses"]["200"]["content"], path
        assert "application/json" in operation["responses"]["200"]["content"], path
        names = [p["name"] for p in operation["parameters"]]
        assert "format" in names, path
