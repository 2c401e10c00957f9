"""GET /categories: the three categories of the first migration."""

from tests.factories import CATEGORY_IDS

EXPECTED_KEYS = {"id", "code", "name", "description", "created_at", "updated_at"}


async def test_lists_the_three_categories_by_id(client):
    response = await client.get("/categories")

    assert response.status_code == 200
    body = response.json()
    assert [(row["id"], row["code"], row["name"]) for row in body] == [
        (CATEGORY_IDS["Infrastructure"], "infrastructure", "Infrastructure"),
        (CATEGORY_IDS["User License"], "license", "User License"),
        (CATEGORY_IDS["Usage"], "usage", "Usage"),
    ]


async def test_category_rows_have_the_read_shape(client):
    body = (await client.get("/categories")).json()

    for row in body:
        assert set(row) == EXPECTED_KEYS
        assert isinstance(row["id"], int)
        assert row["created_at"]
        assert row["updated_at"]


async def test_categories_survive_between_tests_and_writes(client):
    # A provider and service of each category do not add or change categories.
    provider = (await client.post("/providers", json={"name": "Acme"})).json()
    for category_id in CATEGORY_IDS.values():
        body = {
            "provider_id": provider["id"],
            "category_id": category_id,
            "name": f"s{category_id}",
        }
        assert (await client.post("/service", json=body)).status_code == 201

    body = (await client.get("/categories")).json()

    assert len(body) == 3
    assert {row["name"] for row in body} == set(CATEGORY_IDS)


async def test_categories_need_a_token(anon):
    response = await anon.get("/categories")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
