"""Server-side sorting and filtering of the record lists (the dashboard's tables page there)."""

from typing import Any

import httpx
import pytest

from tests.factories import (
    make_consumption,
    make_invoice,
    make_plan,
    make_provider,
    make_service,
    make_topup,
)


async def ids(client: httpx.AsyncClient, path: str, **params: Any) -> list[int]:
    """The ids a list answers, in its order; the total must match the full list."""
    response = await client.get(path, params=params)
    assert response.status_code == 200, response.text
    return [row["id"] for row in response.json()]


async def test_services_sort_by_each_field_both_ways(client: httpx.AsyncClient) -> None:
    zeta = await make_provider(client, "Zeta")
    alpha = await make_provider(client, "Alpha")
    b = await make_service(client, "Usage", name="B", provider_id=zeta["id"])
    a = await make_service(client, "Infrastructure", name="A", provider_id=zeta["id"])
    c = await make_service(client, "User License", name="C", provider_id=alpha["id"])

    assert await ids(client, "/service", sort="name") == [a["id"], b["id"], c["id"]]
    assert await ids(client, "/service", sort="-name") == [c["id"], b["id"], a["id"]]
    # By provider, then name within a provider (the default).
    assert await ids(client, "/service") == [c["id"], a["id"], b["id"]]
    assert await ids(client, "/service", sort="-provider_name") == [b["id"], a["id"], c["id"]]
    assert await ids(client, "/service", sort="category_name") == [a["id"], b["id"], c["id"]]


async def test_sort_pages_do_not_overlap(client: httpx.AsyncClient) -> None:
    provider = await make_provider(client, "Acme")
    for _ in range(5):  # five services with the same name: the id breaks the tie
        await make_service(client, "Usage", name="Same", provider_id=provider["id"])
    pages = [
        await ids(client, "/service", sort="name", limit=2, offset=offset) for offset in (0, 2, 4)
    ]
    flat = [row for page in pages for row in page]
    assert len(flat) == 5
    assert len(set(flat)) == 5
    assert flat == sorted(flat)


async def test_provider_pages_are_slices_of_the_whole_list(client: httpx.AsyncClient) -> None:
    # Pages that end inside a provider, on its last service and past the end, both ways,
    # with and without a filter: each must be that slice of the whole sorted list.
    for name, services in (("Gamma", "CAB"), ("Alpha", "BA"), ("Beta", "ACDB")):
        provider = await make_provider(client, name)
        for service in services:
            active = service != "D"
            await make_service(
                client, "Usage", name=service, provider_id=provider["id"], active=active
            )
    for sort in ("provider_name", "-provider_name"):
        for filters in ({}, {"active": "true"}):
            whole = await ids(client, "/service", sort=sort, **filters)
            for offset in range(len(whole) + 1):
                for limit in (1, 2, 3, 4):
                    page = await ids(
                        client, "/service", sort=sort, limit=limit, offset=offset, **filters
                    )
                    assert page == whole[offset : offset + limit], (sort, filters, offset, limit)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("/service", "price"),
        ("/providers", "-id;drop"),
        ("/invoices", "name"),
        ("/licenses", "--qty"),
        ("/usage/topups", "amount"),
        ("/usage/consumption", ""),
        ("/usage/balances", "threshold"),
    ],
)
async def test_unknown_sort_fields_are_422(
    client: httpx.AsyncClient, path: str, value: str
) -> None:
    response = await client.get(path, params={"sort": value})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "sort"]


async def test_providers_sort_by_name_descending(client: httpx.AsyncClient) -> None:
    first = await make_provider(client, "Able")
    second = await make_provider(client, "Baker")
    assert await ids(client, "/providers", sort="-name") == [second["id"], first["id"]]


async def test_invoices_sort_by_amount(client: httpx.AsyncClient) -> None:
    service = await make_service(client, "Infrastructure", name="AWS")
    small = await make_invoice(client, service["id"], "2025-05", "10.00")
    large = await make_invoice(client, service["id"], "2025-06", "900.00")
    middle = await make_invoice(client, service["id"], "2025-07", "99.99")
    expected = [small["id"], middle["id"], large["id"]]
    assert await ids(client, "/invoices", sort="amount") == expected
    assert await ids(client, "/invoices", sort="-amount") == expected[::-1]
    # The default stays newest month first.
    assert await ids(client, "/invoices") == [middle["id"], large["id"], small["id"]]


async def test_licenses_sort_by_monthly_cost_and_filter(client: httpx.AsyncClient) -> None:
    adobe = await make_provider(client, "Adobe")
    microsoft = await make_provider(client, "Microsoft")
    office = await make_service(client, "User License", name="Office", provider_id=microsoft["id"])
    teams = await make_service(client, "User License", name="Teams", provider_id=microsoft["id"])
    cloud = await make_service(client, "User License", name="Creative", provider_id=adobe["id"])
    # 10 x 3 = 30.00, 4 x 10 = 40.00, 25 x 1 = 25.00: unit cost alone would sort otherwise.
    cheap_seats = await make_plan(client, office["id"], "2025-01", "10.00", 3)
    many_seats = await make_plan(client, teams["id"], "2025-01", "4.00", 10)
    one_seat = await make_plan(client, cloud["id"], "2025-01", "25.00", 1)

    by_cost = await ids(client, "/licenses", sort="monthly_cost")
    assert by_cost == [one_seat["id"], cheap_seats["id"], many_seats["id"]]
    by_unit = await ids(client, "/licenses", sort="-monthly_unit_cost")
    assert by_unit == [one_seat["id"], cheap_seats["id"], many_seats["id"]]
    assert await ids(client, "/licenses", provider_id=microsoft["id"], sort="service_name") == [
        cheap_seats["id"],
        many_seats["id"],
    ]
    assert await ids(client, "/licenses", q="TEAM") == [many_seats["id"]]
    response = await client.get("/licenses", params={"q": "o"})
    assert response.headers["X-Total-Count"] == "1"


async def test_licenses_default_order_is_newest_plan_first_per_service(
    client: httpx.AsyncClient,
) -> None:
    service = await make_service(client, "User License", name="Office")
    old = await make_plan(client, service["id"], "2025-01", "10.00", 3)
    new = await make_plan(client, service["id"], "2025-05", "11.00", 3)
    assert await ids(client, "/licenses") == [new["id"], old["id"]]
    assert await ids(client, "/licenses", sort="start_month") == [old["id"], new["id"]]


async def test_topups_and_consumption_sort_by_amount(client: httpx.AsyncClient) -> None:
    service = await make_service(client, "Usage", name="OpenAI")
    big = await make_topup(client, service["id"], "2025-07-01", "100.00")
    small = await make_topup(client, service["id"], "2025-07-02", "5.00")
    spent_more = await make_consumption(client, service["id"], "2025-07-01", "7.00")
    spent_less = await make_consumption(client, service["id"], "2025-07-03", "2.00")
    assert await ids(client, "/usage/topups", sort="amount_purchased") == [small["id"], big["id"]]
    assert await ids(client, "/usage/topups") == [small["id"], big["id"]]  # newest first
    assert await ids(client, "/usage/consumption", sort="-amount_consumed") == [
        spent_more["id"],
        spent_less["id"],
    ]
