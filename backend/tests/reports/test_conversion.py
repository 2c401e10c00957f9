"""Reports in the reporting currency: each currency's monthly sum converted with that month's
rate and rounded once per category; what has no rate stays in ``unconverted``.

Rates come from a hand-made ECB file (see tests/fx/test_rates.py) so that every figure can be
worked out by hand. In March 2025 the file says 1 EUR = 1.25 USD and 0.80 GBP on one day,
1.00 USD and 0.90 GBP on the other:
- USD report: EUR per USD = mean(1/1.25, 1/1.00) = 0.9; GBP per USD = mean(0.64, 0.90) = 0.77.
- EUR report: USD per EUR = mean(1.25, 1.00) = 1.125; GBP per EUR = mean(0.80, 0.90) = 0.85.
"""

from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from costwatch.fx.ecb import bundled_rates
from costwatch.money import quantize
from tests.factories import (
    JSON,
    make_consumption,
    make_invoice,
    make_plan,
    make_service,
    make_topup,
)
from tests.fx.test_rates import ECB_CSV, upload

D = Decimal


@pytest.fixture
def reporting(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> Any:
    def use(code: str) -> None:
        monkeypatch.setattr(app.state.settings, "reporting_currency", code)

    return use


async def summary(client: httpx.AsyncClient, **params: Any) -> JSON:
    response = await client.get("/summary", params=params)
    assert response.status_code == 200, response.text
    body: JSON = response.json()
    return body


def amounts(body: JSON) -> dict[str, str]:
    return {item["code"]: item["amount"] for item in body["by_category"]}


async def mixed_company(client: httpx.AsyncClient) -> None:
    """March 2025: AWS 112.50 USD, Microsoft 90.00 EUR, Twilio 77.00 GBP consumed."""
    assert (await upload(client, ECB_CSV)).status_code == 201
    aws = await make_service(client, "Infrastructure", name="AWS")
    microsoft = await make_service(client, "Infrastructure", name="Microsoft")
    twilio = await make_service(client, "Usage", name="Twilio")
    await make_invoice(client, aws["id"], "2025-03", "112.50")
    await make_invoice(client, microsoft["id"], "2025-03", "90.00", currency="EUR")
    await make_topup(client, twilio["id"], "2025-03-01", "200.00", currency="GBP")
    await make_consumption(client, twilio["id"], "2025-03-10", "50.00")
    await make_consumption(client, twilio["id"], "2025-03-20", "27.00")


async def test_a_euro_invoice_and_pound_usage_in_a_dollar_report(
    client: httpx.AsyncClient,
) -> None:
    await mixed_company(client)
    body = await summary(client, year=2025, month=3)
    # 90.00 EUR / 0.9 = 100.00 USD; 77.00 GBP / 0.77 = 100.00 USD.
    assert body["currency"] == "USD"
    assert amounts(body) == {"infrastructure": "212.50", "license": "0.00", "usage": "100.00"}
    assert body["total"] == "312.50"
    assert body["unconverted"] == []
    assert body["by_currency"] == [
        {"currency": "EUR", "amount": "90.00", "rate": "0.9000000000", "converted": "100.00"},
        {"currency": "GBP", "amount": "77.00", "rate": "0.7700000000", "converted": "100.00"},
        {"currency": "USD", "amount": "112.50", "rate": "1.0000000000", "converted": "112.50"},
    ]


async def test_the_same_company_in_a_euro_report_through_cross_rates(
    client: httpx.AsyncClient, reporting: Any
) -> None:
    reporting("EUR")
    await mixed_company(client)
    body = await summary(client, year=2025, month=3)
    # 112.50 USD / 1.125 = 100.00 EUR; 77.00 GBP / 0.85 = 90.588... -> 90.59 EUR.
    assert body["currency"] == "EUR"
    assert amounts(body) == {"infrastructure": "190.00", "license": "0.00", "usage": "90.59"}
    assert body["total"] == "280.59"
    assert [(c["currency"], c["rate"], c["converted"]) for c in body["by_currency"]] == [
        ("EUR", "1.0000000000", "90.00"),
        ("GBP", "0.8500000000", "90.59"),
        ("USD", "1.1250000000", "100.00"),
    ]


async def test_one_rounding_per_currency_and_category(client: httpx.AsyncClient) -> None:
    await client.put("/fx-rates/EUR/2025-03", json={"rate": "3"})
    first = await make_service(client, "Infrastructure", name="OVH")
    second = await make_service(client, "Infrastructure", name="Scaleway")
    adobe = await make_service(client, "User License", name="Adobe")
    await make_invoice(client, first["id"], "2025-03", "0.01", currency="EUR")
    await make_invoice(client, second["id"], "2025-03", "0.01", currency="EUR")
    await make_plan(client, adobe["id"], "2025-03", "0.01", 1, currency="EUR")
    body = await summary(client, year=2025, month=3)
    # Infrastructure: (0.01 + 0.01) / 3 = 0.00666 -> 0.01 (not 0.00 + 0.00 row by row);
    # User License: 0.01 / 3 = 0.0033 -> 0.00.
    assert amounts(body) == {"infrastructure": "0.01", "license": "0.00", "usage": "0.00"}
    assert body["by_currency"] == [
        {"currency": "EUR", "amount": "0.03", "rate": "3.0000000000", "converted": "0.01"}
    ]


async def test_a_month_without_a_rate_stays_unconverted(client: httpx.AsyncClient) -> None:
    last = bundled_rates("USD").last_day
    assert last is not None and last < date(2027, 1, 1)  # the bundled data ends before 2027
    ovh = await make_service(client, "Infrastructure", name="OVH")
    aws = await make_service(client, "Infrastructure", name="AWS")
    await make_invoice(client, ovh["id"], "2027-01", "80.00", currency="EUR")
    await make_invoice(client, aws["id"], "2027-01", "20.00")
    body = await summary(client, year=2027, month=1)
    assert body["total"] == "20.00"
    assert body["unconverted"] == [{"currency": "EUR", "amount": "80.00"}]
    assert body["by_currency"][0] == {
        "currency": "EUR",
        "amount": "80.00",
        "rate": None,
        "converted": None,
    }
    # A currency the ECB does not quote has no bundled rate in any month either.
    await make_invoice(client, ovh["id"], "2025-03", "5.00", currency="ARS")
    march = await summary(client, year=2025, month=3)
    assert march["unconverted"] == [{"currency": "ARS", "amount": "5.00"}]
    # Entering the month's rate converts it at once (the cached answer is not reused).
    assert (await client.put("/fx-rates/EUR/2027-01", json={"rate": "0.8"})).status_code == 200
    body = await summary(client, year=2027, month=1)
    assert (body["total"], body["unconverted"]) == ("120.00", [])


async def test_a_manual_rate_overrides_the_bundled_one(client: httpx.AsyncClient) -> None:
    ovh = await make_service(client, "Infrastructure", name="OVH")
    await make_invoice(client, ovh["id"], "2026-10", "80.00", currency="EUR")
    bundled = bundled_rates("USD").rates["EUR"][date(2026, 10, 1)]
    body = await summary(client, year=2026, month=10)
    assert body["total"] == str(quantize(D("80.00") / bundled))
    assert body["by_currency"][0]["rate"] == str(bundled)
    await client.put("/fx-rates/EUR/2026-10", json={"rate": "0.8"})
    body = await summary(client, year=2026, month=10)
    assert body["total"] == "100.00"  # 80 / 0.8
    assert body["by_currency"][0]["rate"] == "0.8000000000"


async def test_the_series_converts_each_month_with_its_own_rate(client: httpx.AsyncClient) -> None:
    await client.put("/fx-rates/EUR/2025-04", json={"rate": "0.5"})
    await client.put("/fx-rates/EUR/2025-05", json={"rate": "0.8"})
    ovh = await make_service(client, "Infrastructure", name="OVH")
    for month in ("2025-04", "2025-05"):
        await make_invoice(client, ovh["id"], month, "40.00", currency="EUR")
    response = await client.get("/summary/series", params={"start": "2025-04", "end": "2025-05"})
    assert [entry["total"] for entry in response.json()] == ["80.00", "50.00"]
