"""GET /categories: the three categories of the first migration."""

import httpx

from costwatch.models import CategoryCode
from tests.factories import make_provider

EXPECTED_KEYS = {"id", "code", "name", "description", "created_at", "updated_at"}


async def test_lists_the_three_categories_by_id(client: httpx.AsyncClient) -> None:
    response = await client.get("/categories")

    assert response.status_code == 200
    body = response.json()
    assert [(row["code"], row["name"]) for row in body] == [
        ("infrastructure", "Infrastructure"),
        ("license", "User License"),
        ("usage", "Usage"),
    ]
    # In id order, whatever ids the database allocated (a cluster may skip numbers).
    ids = [row["id"] for row in body]
    assert ids == sorted(ids)
    assert len(set(ids)) == 3


async def test_codes_are_the_models_codes(client: httpx.AsyncClient) -> None:
    body = (await client.get("/categories")).json()

    assert [row["code"] for row in body] == [code.value for code in CategoryCode]


async def test_category_rows_have_the_read_shape(client: httpx.AsyncClient) -> None:
    body = (await client.get("/categories")).json()

    assert len(body) == 3
    for row in body:
        assert set(row) == EXPECTED_KEYS
        assert isinstance(row["id"], int)
        assert row["created_at"]
        assert row["updated_at"]


async def test_categories_survive_writes(
    client: httpx.AsyncClient, categories: dict[str, int]
) -> None:
    # A provider and service of each category do not add or change categories.
    before = (await client.get("/categories")).json()
    provider = await make_provider(client, "Acme")
    for code in CategoryCode:
        body = {"provider_id": provider["id"], "category_id": categories[code], "name": code}
        assert (await client.post("/service", json=body)).status_code == 201

    after = (await client.get("/categories")).json()

    assert after == before
    assert {row["code"]: row["id"] for row in after} == {
        code: categories[code] for code in CategoryCode
    }


async def test_categories_need_a_token(anon: httpx.AsyncClient) -> None:
    response = await anon.get("/categories")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
