"""Make records through the API, the way a script would, and return their JSON.

Categories are named by code (``"usage"``) or display name (``"Usage"``), never by id: ids are
the database's to allocate (a Galera cluster with ``auto_increment_increment=3`` gives 1, 4, 7).
``category_ids`` looks them up with ``GET /categories`` once per test session.
"""

from typing import Any

import httpx

JSON = dict[str, Any]

# Code and display name of every category -> its id in the test database; filled once.
_category_ids: dict[str, int] = {}


async def load_category_ids(client: httpx.AsyncClient) -> dict[str, int]:
    """Read ``GET /categories`` (by code and by name -> id); insist it matches what is known.

    Every database of the suite is built by the same migrations, so a second database (the
    concurrency tests' own file) must give the same answer as the first.
    """
    response = await client.get("/categories")
    assert response.status_code == 200, response.text
    found: dict[str, int] = {}
    for row in response.json():
        found[row["code"]] = found[row["name"]] = row["id"]
    assert not _category_ids or found == _category_ids, (found, _category_ids)
    _category_ids.update(found)
    return dict(_category_ids)


async def category_ids(client: httpx.AsyncClient) -> dict[str, int]:
    """Category ids by code and by display name, read on first use."""
    if not _category_ids:
        await load_category_ids(client)
    return dict(_category_ids)


async def post(client: httpx.AsyncClient, path: str, body: JSON) -> JSON:
    """POST and insist on 201."""
    response = await client.post(path, json=body)
    assert response.status_code == 201, response.text
    result: JSON = response.json()
    return result


async def make_provider(client: httpx.AsyncClient, name: str = "Acme Cloud", **extra: Any) -> JSON:
    """A provider."""
    return await post(client, "/providers", {"name": name, **extra})


async def make_service(
    client: httpx.AsyncClient,
    category: str = "infrastructure",
    name: str | None = None,
    provider_id: int | None = None,
    **extra: Any,
) -> JSON:
    """A service of a category (code or display name), with its own provider unless given one."""
    ids = await category_ids(client)
    if provider_id is None:
        provider_id = (await make_provider(client, f"Provider of {name or category}"))["id"]
    body = {
        "provider_id": provider_id,
        "category_id": ids[category],
        "name": name or f"{category} service",
        **extra,
    }
    return await post(client, "/service", body)


async def make_invoice(
    client: httpx.AsyncClient, service_id: int, month: str, amount: str, currency: str = "USD"
) -> JSON:
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
) -> JSON:
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
    client: httpx.AsyncClient,
    service_id: int,
    day: str,
    amount: str | float,
    currency: str = "USD",
) -> JSON:
    """A top-up (the amount as the client sends it: a string, or a JSON number)."""
    body = {
        "service_id": service_id,
        "topup_date": day,
        "amount_purchased": amount,
        "currency": currency,
    }
    return await post(client, "/usage/topups", body)


async def make_consumption(
    client: httpx.AsyncClient, service_id: int, day: str, amount: str | float
) -> JSON:
    """A consumption event (the amount as a string, or a JSON number)."""
    body = {"service_id": service_id, "consumption_date": day, "amount_consumed": amount}
    return await post(client, "/usage/consumption", body)
