"""Make records through the API, the way a script would, and return their JSON."""

from typing import Any

import httpx

CATEGORY_IDS = {"Infrastructure": 1, "User License": 2, "Usage": 3}


async def post(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST and insist on 201."""
    response = await client.post(path, json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def make_provider(
    client: httpx.AsyncClient, name: str = "Acme Cloud", **extra: Any
) -> dict[str, Any]:
    """A provider."""
    return await post(client, "/providers", {"name": name, **extra})


async def make_service(
    client: httpx.AsyncClient,
    category: str = "Infrastructure",
    name: str | None = None,
    provider_id: int | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A service of a category, with a provider of its own unless one is given."""
    if provider_id is None:
        provider_id = (await make_provider(client, f"Provider of {name or category}"))["id"]
    body = {
        "provider_id": provider_id,
        "category_id": CATEGORY_IDS[category],
        "name": name or f"{category} service",
        **extra,
    }
    return await post(client, "/service", body)


async def make_invoice(
    client: httpx.AsyncClient, service_id: int, month: str, amount: str, currency: str = "USD"
) -> dict[str, Any]:
    """An infrastructure invoice."""
    body = {
        "service_id": service_id,
        "invoice_month": month,
        "amount": amount,
        "currency": currency,
    }
    return await post(client, "/invoices", body)


async def make_plan(
    client: httpx.AsyncClient,
    service_id: int,
    start_month: str,
    unit_cost: str,
    qty: int,
    **extra: Any,
) -> dict[str, Any]:
    """A license plan."""
    body = {
        "service_id": service_id,
        "start_month": start_month,
        "monthly_unit_cost": unit_cost,
        "qty": qty,
        **extra,
    }
    return await post(client, "/licenses", body)


async def make_topup(
    client: httpx.AsyncClient, service_id: int, day: str, amount: str, currency: str = "USD"
) -> dict[str, Any]:
    """A top-up."""
    body = {
        "service_id": service_id,
        "topup_date": day,
        "amount_purchased": amount,
        "currency": currency,
    }
    return await post(client, "/usage/topups", body)


async def make_consumption(
    client: httpx.AsyncClient, service_id: int, day: str, amount: str
) -> dict[str, Any]:
    """A consumption event."""
    body = {"service_id": service_id, "consumption_date": day, "amount_consumed": amount}
    return await post(client, "/usage/consumption", body)
