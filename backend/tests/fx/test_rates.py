"""``/fx-rates`` and ``/imports/fx-rates``: bundled ECB rates, rates by hand, CSV imports."""

import io
import zipfile
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from costwatch.fx.ecb import bundled_rates, monthly_averages, parse_history

D = Decimal
# A hand-made file in the ECB layout: newest first, N/A gaps, a trailing comma, an old
# pre-euro currency (CYP) that is no ISO 4217 code any more.
ECB_CSV = """Date,USD,JPY,CYP,GBP,
2025-03-04,1.25,N/A,N/A,0.80,
2025-03-03,1.00,160,N/A,0.90,
2025-02-28,1.10,150,N/A,0.88,
"""


@pytest.fixture
def reporting(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Change the app's reporting currency for one test."""

    def use(code: str) -> None:
        monkeypatch.setattr(app.state.settings, "reporting_currency", code)

    return use


async def rates(client: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    response = await client.get("/fx-rates", params=params)
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    return body


async def upload(client: httpx.AsyncClient, text: str) -> httpx.Response:
    files = {"file": ("eurofxref-hist.csv", text.encode(), "text/csv")}
    return await client.post("/imports/fx-rates", files=files)


def test_the_ecb_layout_is_read_exactly() -> None:
    days = parse_history(ECB_CSV)
    assert [d.day for d in days] == [date(2025, 3, 4), date(2025, 3, 3), date(2025, 2, 28)]
    assert days[0].per_euro == {"USD": D("1.25"), "GBP": D("0.80")}  # N/A and CYP left out
    # USD report: EUR per USD is 1/1.25 = 0.8 and 1/1.00 = 1, mean 0.9; GBP 0.64 and 0.9.
    usd = monthly_averages(days, "USD")
    assert usd["EUR"][date(2025, 3, 1)] == D("0.9000000000")
    assert usd["GBP"][date(2025, 3, 1)] == D("0.7700000000")
    assert usd["JPY"][date(2025, 3, 1)] == D("160.0000000000")  # one day only
    assert usd["EUR"][date(2025, 2, 1)] == D("0.9090909091")  # 1/1.1, rounded half up
    eur = monthly_averages(days, "EUR")
    assert eur["USD"][date(2025, 3, 1)] == D("1.1250000000")
    assert eur["GBP"][date(2025, 3, 1)] == D("0.8500000000")
    assert "EUR" not in eur


def test_the_bundled_rates_are_the_monthly_mean_of_the_package_data() -> None:
    data = resources.files("currency_converter").joinpath("eurofxref-hist.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        lines = archive.read(archive.namelist()[0]).decode().splitlines()
    header = lines[0].split(",")
    usd, gbp = header.index("USD"), header.index("GBP")
    october = [line.split(",") for line in lines[1:] if line.startswith("2026-10-")]
    assert len(october) == 22  # business days only
    mean_usd = sum((D(row[usd]) for row in october), D(0)) / len(october)
    assert bundled_rates("EUR").rates["USD"][date(2026, 10, 1)] == D("1.1201590909")
    assert mean_usd.quantize(D("1E-10"), ROUND_HALF_UP) == D("1.1201590909")
    cross = sum((D(row[gbp]) / D(row[usd]) for row in october), D(0)) / len(october)
    expected = cross.quantize(D("1E-10"), ROUND_HALF_UP)
    assert bundled_rates("USD").rates["GBP"][date(2026, 10, 1)] == expected
    assert bundled_rates("USD").last_day == date(2026, 10, 30)
    assert date(2026, 11, 1) not in bundled_rates("USD").rates["EUR"]


async def test_list_shows_bundled_rates_with_their_source(client: httpx.AsyncClient) -> None:
    response = await client.get("/fx-rates", params={"currency": "eur", "limit": 2})
    assert response.status_code == 200
    assert int(response.headers["X-Total-Count"]) > 300  # monthly since 1999
    newest = response.json()[0]
    assert newest == {
        "currency": "EUR",
        "month": "2026-10-01",
        "rate": str(bundled_rates("USD").rates["EUR"][date(2026, 10, 1)]),
        "source": "bundled",
        "bundled_rate": newest["rate"],
        "reporting_currency": "USD",
    }
    one_month = await rates(client, month="2026-10", limit=1000)
    october = date(2026, 10, 1)
    assert len(one_month) == sum(october in m for m in bundled_rates("USD").rates.values())
    assert "USD" not in {row["currency"] for row in one_month}
    assert [row["currency"] for row in one_month] == sorted(row["currency"] for row in one_month)


async def test_a_rate_by_hand_wins_and_can_be_removed(client: httpx.AsyncClient) -> None:
    bundled = str(bundled_rates("USD").rates["EUR"][date(2026, 10, 1)])
    response = await client.put("/fx-rates/eur/2026-10", json={"rate": "0.8"})
    assert response.status_code == 200, response.text
    assert response.json()["rate"] == "0.8000000000"
    assert response.json()["source"] == "manual"
    [row] = await rates(client, currency="EUR", month="2026-10")
    assert (row["rate"], row["source"], row["bundled_rate"]) == ("0.8000000000", "manual", bundled)
    assert [r["currency"] for r in await rates(client, source="manual")] == ["EUR"]
    # A month after the bundled data: only the hand-entered rate.
    assert (
        await client.put("/fx-rates/EUR/2027-01", json={"rate": 0.9123456789})
    ).status_code == 200
    [row] = await rates(client, currency="EUR", month="2027-01")
    assert (row["rate"], row["bundled_rate"]) == ("0.9123456789", None)

    assert (await client.delete("/fx-rates/EUR/2026-10")).status_code == 204
    [row] = await rates(client, currency="EUR", month="2026-10")
    assert (row["rate"], row["source"]) == (bundled, "bundled")
    assert (await client.delete("/fx-rates/EUR/2026-10")).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"rate": 0},
        {"rate": "-1"},
        {"rate": "0.12345678901"},  # 11 decimals
        {"rate": "1e2"},
        {"rate": "100000000"},
        {"rate": "abc"},
        {"rate": True},
        {},
    ],
)
async def test_bad_rates_are_refused(client: httpx.AsyncClient, body: Any) -> None:
    response = await client.put("/fx-rates/EUR/2026-10", json=body)
    assert response.status_code == 422, response.text
    assert await rates(client, source="manual") == []


@pytest.mark.parametrize(
    "path", ["/fx-rates/ABC/2026-10", "/fx-rates/EUR/2026-13", "/fx-rates/USD/2026-10"]
)
async def test_bad_paths_are_refused(client: httpx.AsyncClient, path: str) -> None:
    # ABC is no currency; month 13; USD is the reporting currency (always 1).
    assert (await client.put(path, json={"rate": "1.5"})).status_code == 422
    assert (await client.delete(path)).status_code == 422


async def test_an_ecb_csv_is_imported_as_monthly_averages(client: httpx.AsyncClient) -> None:
    await client.put("/fx-rates/GBP/2025-02", json={"rate": "0.5"})
    response = await upload(client, ECB_CSV)
    assert response.status_code == 201, response.text
    assert response.json() == {
        "reporting_currency": "USD",
        "days": 3,
        "imported": 5,  # EUR, GBP, JPY in March; EUR, JPY in February (GBP there is by hand)
        "kept_manual": 1,
        "currencies": ["EUR", "GBP", "JPY"],
        "first_month": "2025-02-01",
        "last_month": "2025-03-01",
    }
    march = {row["currency"]: row for row in await rates(client, month="2025-03", source="import")}
    assert {code: row["rate"] for code, row in march.items()} == {
        "EUR": "0.9000000000",
        "GBP": "0.7700000000",
        "JPY": "160.0000000000",
    }
    [gbp] = await rates(client, currency="GBP", month="2025-02")
    assert (gbp["rate"], gbp["source"]) == ("0.5000000000", "manual")
    # A second import replaces the first one's rates.
    again = await upload(client, ECB_CSV.replace("2025-03-04,1.25", "2025-03-04,1.00"))
    assert again.json()["imported"] == 5
    [eur] = await rates(client, currency="EUR", month="2025-03")
    assert eur["rate"] == "1.0000000000"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Day,USD,\n2025-03-03,1.1,\n",
        "Date,XYZ,\n2025-03-03,1.1,\n",
        "Date,USD,\n03/03/2025,1.1,\n",
        "Date,USD,\n2025-03-03,abc,\n",
        "Date,USD,\n2025-03-03,-1,\n",
        "Date,USD,\n",
        "Date,JPY,\n2025-03-03,160,\n",  # no USD column to cross with
    ],
)
async def test_bad_csv_files_are_refused(client: httpx.AsyncClient, text: str) -> None:
    response = await upload(client, text)
    assert response.status_code == 422, response.text
    assert await rates(client, source="import") == []


async def test_an_import_to_a_euro_report(client: httpx.AsyncClient, reporting: Any) -> None:
    reporting("EUR")
    response = await upload(client, ECB_CSV)
    assert response.status_code == 201
    march = {row["currency"]: row["rate"] for row in await rates(client, month="2025-03")}
    assert (march["USD"], march["GBP"]) == ("1.1250000000", "0.8500000000")


async def test_a_file_that_is_not_utf8_is_refused(client: httpx.AsyncClient) -> None:
    files = {"file": ("rates.csv", b"\xff\xfe\x00D", "text/csv")}
    assert (await client.post("/imports/fx-rates", files=files)).status_code == 422


async def test_info_names_the_reporting_currency_and_the_data_age(
    client: httpx.AsyncClient, reporting: Any
) -> None:
    reporting("CHF")
    body = (await client.get("/fx-rates/info")).json()
    assert body["reporting_currency"] == "CHF"
    assert body["bundled_until"] == "2026-10-30"
    assert "European Central Bank" in body["bundled_source"]


async def test_search_by_part_of_the_code_or_the_month(client: httpx.AsyncClient) -> None:
    codes = {row["currency"] for row in await rates(client, q="k", month="2026-10")}
    assert codes == {"CZK", "DKK", "HKD", "ISK", "KRW", "NOK", "SEK"}
    months = {row["month"] for row in await rates(client, q="2026-0", currency="EUR")}
    assert months == {f"2026-0{m}-01" for m in range(1, 10)}


@pytest.mark.parametrize("text", [")\x85\U00011048\rS^'", "Date,USD\n2025-01-02,1\x00.1\n"])
async def test_a_file_the_csv_reader_cannot_read_is_a_422(
    client: httpx.AsyncClient, text: str
) -> None:
    """Found by schemathesis: a lone carriage return or a NUL byte gave a 500."""
    response = await upload(client, text)
    assert response.status_code == 422, response.text
    assert (await client.get("/fx-rates", params={"source": "import"})).json() == []
