"""Input a client can type never makes a 500: broken strings, non-numbers, huge numbers."""

import httpx
import pytest

from tests.factories import make_service


@pytest.mark.parametrize(
    "raw",
    [
        b'{"name": "\\ud800"}',
        b'{"name": "ok", "website": "\\udfff x"}',
    ],
)
async def test_broken_strings_are_422(client: httpx.AsyncClient, raw: bytes) -> None:
    response = await client.post(
        "/providers", content=raw, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text
    assert (await client.get("/providers")).json() == []


@pytest.mark.parametrize(
    "number",
    [b"NaN", b"Infinity", b"-Infinity", b"1e999", b"1.00000000000000000001", b"12.345", b"1e2"],
)
async def test_non_plain_json_numbers_for_money_are_422(
    client: httpx.AsyncClient, number: bytes
) -> None:
    service = await make_service(client, "Infrastructure", name="AWS")
    body = b'{"service_id": %d, "invoice_month": "2025-07", "amount": %s}' % (
        service["id"],
        number,
    )
    response = await client.post(
        "/invoices", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text
    assert (await client.get("/invoices")).json() == []


async def test_a_plain_json_number_is_exact(client: httpx.AsyncClient) -> None:
    service = await make_service(client, "Infrastructure", name="AWS")
    body = b'{"service_id": %d, "invoice_month": "2025-07", "amount": 9999999999.99}' % (
        service["id"],
    )
    response = await client.post(
        "/invoices", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 201, response.text
    assert response.json()["amount"] == "9999999999.99"


async def test_broken_strings_in_the_query_and_the_login_form_are_not_500(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    # Bytes that are no UTF-8 (an encoded lone surrogate) in the query string.
    assert (await client.get("/service?q=%ED%A0%80")).status_code in (200, 422)
    response = await anon.post(
        "/auth/login",
        content=b"username=admin%40example.com&password=%ED%A0%80",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code in (401, 422)
