"""/service: create, read, list with filters, update (category rule), soft delete."""

from typing import Any

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import (
    JSON,
    make_invoice,
    make_provider,
    make_service,
    make_topup,
)

READ_KEYS = {
    "id",
    "provider_id",
    "category_id",
    "name",
    "description",
    "active",
    "provider_name",
    "category_name",
    "category_code",
    "created_at",
    "updated_at",
}


@pytest.fixture
async def provider(client: httpx.AsyncClient) -> JSON:
    return await make_provider(client, "Acme Cloud")


def names(response: httpx.Response) -> list[str]:
    return [row["name"] for row in response.json()]


class TestCreate:
    async def test_returns_201_with_names_and_defaults(
        self, client: httpx.AsyncClient, provider: JSON, categories: dict[str, int]
    ) -> None:
        response = await client.post(
            "/service",
            json={
                "provider_id": provider["id"],
                "category_id": categories["usage"],
                "name": "OpenAI API",
            },
        )

        assert response.status_code == 201
        body = response.json()
        assert set(body) == READ_KEYS
        assert body["provider_id"] == provider["id"]
        assert body["provider_name"] == "Acme Cloud"
        assert body["category_id"] == categories["usage"]
        assert body["category_name"] == "Usage"
        assert body["category_code"] == "usage"
        assert body["name"] == "OpenAI API"
        assert body["description"] is None
        assert body["active"] is True
        assert body["created_at"]
        assert body["updated_at"]
        # Read back: the same service, names and codes included.
        assert (await client.get(f"/service/{body['id']}")).json() == body

    async def test_all_fields_are_stored(self, client: httpx.AsyncClient, provider: JSON) -> None:
        body = await make_service(
            client,
            "User License",
            name="  Slack  ",
            provider_id=provider["id"],
            description="Team chat",
            active=False,
        )

        assert body["name"] == "Slack"
        assert body["description"] == "Team chat"
        assert body["active"] is False
        assert body["category_name"] == "User License"
        assert (await client.get(f"/service/{body['id']}")).json() == body

    async def test_missing_provider_is_422_on_provider_id(
        self, client: httpx.AsyncClient, categories: dict[str, int]
    ) -> None:
        response = await client.post(
            "/service",
            json={
                "provider_id": 987654,
                "category_id": categories["infrastructure"],
                "name": "VMs",
            },
        )

        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "provider_id"]
        assert (await client.get("/service")).json() == []

    @pytest.mark.parametrize("past_the_last", [1, 987654])
    async def test_missing_category_is_422_on_category_id(
        self,
        client: httpx.AsyncClient,
        provider: JSON,
        categories: dict[str, int],
        past_the_last: int,
    ) -> None:
        category_id = max(categories.values()) + past_the_last
        response = await client.post(
            "/service",
            json={"provider_id": provider["id"], "category_id": category_id, "name": "VMs"},
        )

        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "category_id"]
        assert (await client.get("/service")).json() == []

    @pytest.mark.parametrize(
        "change",
        [
            {"provider_id": None},
            {"category_id": None},
            {"name": None},
            {"name": ""},
            {"name": "   "},
            {"name": "x" * 129},
            {"active": None},
            {"active": "maybe"},
            {"provider_id": 0},
            {"provider_id": 2**63},
            {"category_id": 2**63},
            {"category_id": "one"},
            {"description": "d" * 10_001},
        ],
        ids=lambda change: "-".join(f"{key}={str(value)[:8]}" for key, value in change.items()),
    )
    async def test_invalid_fields_are_422_and_store_nothing(
        self,
        client: httpx.AsyncClient,
        provider: JSON,
        change: dict[str, Any],
        categories: dict[str, int],
    ) -> None:
        body = {
            "provider_id": provider["id"],
            "category_id": categories["infrastructure"],
            "name": "VMs",
            **change,
        }

        response = await client.post("/service", json=body)

        assert response.status_code == 422
        assert (await client.get("/service")).headers["X-Total-Count"] == "0"

    @pytest.mark.parametrize("missing", ["provider_id", "category_id", "name"])
    async def test_required_fields_are_required(
        self, client: httpx.AsyncClient, provider: JSON, missing: str, categories: dict[str, int]
    ) -> None:
        body = {
            "provider_id": provider["id"],
            "category_id": categories["infrastructure"],
            "name": "VMs",
        }
        del body[missing]

        response = await client.post("/service", json=body)

        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", missing]


class TestRead:
    async def test_unknown_id_is_404(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/service/999999")

        assert response.status_code == 404
        assert isinstance(response.json()["detail"], str)

    @pytest.mark.parametrize("bad_id", ["0", "abc", str(2**63)])
    async def test_invalid_id_is_422(self, client: httpx.AsyncClient, bad_id: str) -> None:
        response = await client.get(f"/service/{bad_id}")

        assert response.status_code == 422


class TestList:
    @pytest.fixture
    async def catalog(self, client: httpx.AsyncClient) -> dict[str, JSON]:
        """Two providers, services of every category, one of them inactive."""
        aws = await make_provider(client, "AWS")
        zoom = await make_provider(client, "Zoom Video")
        return {
            "aws": aws,
            "zoom": zoom,
            "ec2": await make_service(client, "Infrastructure", "EC2", aws["id"]),
            "s3": await make_service(client, "Infrastructure", "S3 Storage", aws["id"]),
            "bedrock": await make_service(client, "Usage", "Bedrock", aws["id"], active=False),
            "meetings": await make_service(client, "User License", "Zoom Meetings", zoom["id"]),
        }

    async def test_lists_every_service_by_provider_then_name(
        self, client: httpx.AsyncClient, catalog: dict[str, JSON]
    ) -> None:
        response = await client.get("/service")

        assert response.status_code == 200
        assert names(response) == ["Bedrock", "EC2", "S3 Storage", "Zoom Meetings"]
        assert response.headers["X-Total-Count"] == "4"
        for row in response.json():
            assert set(row) == READ_KEYS
        by_name = {row["name"]: row for row in response.json()}
        assert by_name["Zoom Meetings"]["provider_name"] == "Zoom Video"
        assert by_name["Zoom Meetings"]["category_name"] == "User License"

    async def test_active_filter(self, client: httpx.AsyncClient, catalog: dict[str, JSON]) -> None:
        active = await client.get("/service", params={"active": "true"})
        inactive = await client.get("/service", params={"active": "false"})

        assert names(active) == ["EC2", "S3 Storage", "Zoom Meetings"]
        assert active.headers["X-Total-Count"] == "3"
        assert names(inactive) == ["Bedrock"]
        assert inactive.headers["X-Total-Count"] == "1"

    async def test_category_filter(
        self, client: httpx.AsyncClient, catalog: dict[str, JSON], categories: dict[str, int]
    ) -> None:
        infra = await client.get("/service", params={"category_id": categories["infrastructure"]})
        usage = await client.get("/service", params={"category_id": categories["usage"]})

        assert names(infra) == ["EC2", "S3 Storage"]
        assert names(usage) == ["Bedrock"]
        assert infra.headers["X-Total-Count"] == "2"

    async def test_provider_filter(
        self, client: httpx.AsyncClient, catalog: dict[str, JSON]
    ) -> None:
        response = await client.get("/service", params={"provider_id": catalog["zoom"]["id"]})

        assert names(response) == ["Zoom Meetings"]
        assert response.headers["X-Total-Count"] == "1"

    async def test_unknown_provider_or_category_filter_gives_an_empty_list(
        self, client: httpx.AsyncClient, catalog: dict[str, JSON]
    ) -> None:
        by_provider = await client.get("/service", params={"provider_id": 999999})
        by_category = await client.get("/service", params={"category_id": 999999})

        assert by_provider.status_code == by_category.status_code == 200
        assert by_provider.json() == by_category.json() == []

    async def test_q_is_case_insensitive_on_the_service_name(
        self, client: httpx.AsyncClient, catalog: dict[str, JSON]
    ) -> None:
        response = await client.get("/service", params={"q": "zOOm"})

        # Only the service's own name counts, not its provider's.
        assert names(response) == ["Zoom Meetings"]

    async def test_q_does_not_match_the_provider_name(
        self, client: httpx.AsyncClient, catalog: dict[str, JSON]
    ) -> None:
        response = await client.get("/service", params={"q": "AWS"})

        assert response.json() == []
        assert response.headers["X-Total-Count"] == "0"

    async def test_q_matches_percent_and_underscore_literally(
        self, client: httpx.AsyncClient, provider: JSON
    ) -> None:
        for name in ("50% off", "50 off", "db_main", "dbXmain"):
            await make_service(client, name=name, provider_id=provider["id"])

        percent = await client.get("/service", params={"q": "0%"})
        underscore = await client.get("/service", params={"q": "b_m"})

        assert names(percent) == ["50% off"]
        assert names(underscore) == ["db_main"]

    async def test_filters_combine(
        self, client: httpx.AsyncClient, catalog: dict[str, JSON], categories: dict[str, int]
    ) -> None:
        response = await client.get(
            "/service",
            params={
                "active": "true",
                "category_id": categories["infrastructure"],
                "provider_id": catalog["aws"]["id"],
                "q": "s3",
            },
        )

        assert names(response) == ["S3 Storage"]
        assert response.headers["X-Total-Count"] == "1"

    async def test_limit_and_offset_with_the_filtered_total(
        self, client: httpx.AsyncClient, catalog: dict[str, JSON]
    ) -> None:
        page = await client.get("/service", params={"limit": 2, "offset": 1})
        filtered = await client.get("/service", params={"active": "true", "limit": 1})

        assert names(page) == ["EC2", "S3 Storage"]
        assert page.headers["X-Total-Count"] == "4"
        assert names(filtered) == ["EC2"]
        assert filtered.headers["X-Total-Count"] == "3"

    async def test_a_page_past_the_end_still_counts_the_filtered_services(
        self, client: httpx.AsyncClient, catalog: dict[str, JSON]
    ) -> None:
        past = await client.get("/service", params={"offset": 4})
        filtered = await client.get("/service", params={"active": "true", "offset": 3})

        assert past.json() == []
        assert past.headers["X-Total-Count"] == "4"
        assert filtered.json() == []
        assert filtered.headers["X-Total-Count"] == "3"

    async def test_a_page_and_its_total_are_one_statement(
        self, client: httpx.AsyncClient, catalog: dict[str, JSON], database: AsyncEngine
    ) -> None:
        await make_provider(client, "Umbrella")  # a write: the next GET is computed afresh
        statements: list[str] = []

        def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            statements.append(statement)

        event.listen(database.sync_engine, "before_cursor_execute", note)
        try:
            page = await client.get("/service", params={"active": "true", "limit": 2})
        finally:
            event.remove(database.sync_engine, "before_cursor_execute", note)

        assert names(page) == ["EC2", "S3 Storage"]
        assert page.headers["X-Total-Count"] == "3"
        assert sum("FROM service" in statement for statement in statements) == 1

    @pytest.mark.parametrize(
        "params",
        [
            {"limit": 0},
            {"limit": 1001},
            {"offset": -1},
            {"active": "perhaps"},
            {"category_id": 0},
            {"provider_id": "x"},
        ],
        ids=["limit-0", "limit-1001", "offset-negative", "active-text", "category-0", "provider-x"],
    )
    async def test_bad_query_parameters_are_422(
        self, client: httpx.AsyncClient, params: dict[str, Any]
    ) -> None:
        response = await client.get("/service", params=params)

        assert response.status_code == 422


class TestUpdate:
    async def test_changes_only_the_sent_fields(
        self, client: httpx.AsyncClient, provider: JSON, categories: dict[str, int]
    ) -> None:
        service = await make_service(
            client, name="VMs", provider_id=provider["id"], description="compute"
        )

        response = await client.put(f"/service/{service['id']}", json={"name": "Virtual machines"})

        assert response.status_code == 200
        body = response.json()
        assert body["name"] == "Virtual machines"
        assert body["description"] == "compute"
        assert body["active"] is True
        assert body["provider_id"] == provider["id"]
        assert body["category_id"] == categories["infrastructure"]
        assert body["created_at"] == service["created_at"]
        assert set(body) == READ_KEYS

    async def test_empty_body_changes_nothing(
        self, client: httpx.AsyncClient, provider: JSON
    ) -> None:
        service = await make_service(client, name="VMs", provider_id=provider["id"])

        response = await client.put(f"/service/{service['id']}", json={})

        assert response.status_code == 200
        unchanged = {key: value for key, value in response.json().items() if key != "updated_at"}
        assert unchanged == {key: value for key, value in service.items() if key != "updated_at"}

    async def test_description_can_be_cleared_and_active_toggled(
        self, client: httpx.AsyncClient, provider: JSON
    ) -> None:
        service = await make_service(
            client, name="VMs", provider_id=provider["id"], description="compute"
        )

        off = await client.put(
            f"/service/{service['id']}", json={"description": None, "active": False}
        )
        on = await client.put(f"/service/{service['id']}", json={"active": True})

        assert off.json()["description"] is None
        assert off.json()["active"] is False
        assert on.json()["active"] is True

    async def test_moving_to_another_provider_updates_provider_name(
        self, client: httpx.AsyncClient, provider: JSON
    ) -> None:
        other = await make_provider(client, "Other Cloud")
        service = await make_service(client, name="VMs", provider_id=provider["id"])

        response = await client.put(f"/service/{service['id']}", json={"provider_id": other["id"]})

        assert response.status_code == 200
        assert response.json()["provider_id"] == other["id"]
        assert response.json()["provider_name"] == "Other Cloud"

    @pytest.mark.parametrize("field", ["provider_id", "category_id", "name", "active"])
    async def test_explicit_null_for_a_required_field_is_422(
        self, client: httpx.AsyncClient, provider: JSON, field: str
    ) -> None:
        service = await make_service(client, name="VMs", provider_id=provider["id"])

        response = await client.put(f"/service/{service['id']}", json={field: None})

        assert response.status_code == 422
        assert (await client.get(f"/service/{service['id']}")).json() == service

    @pytest.mark.parametrize("field", ["provider_id", "category_id"])
    @pytest.mark.parametrize("value", [0, 2**63, 2**64])
    async def test_id_out_of_range_is_422(
        self, client: httpx.AsyncClient, provider: JSON, field: str, value: int
    ) -> None:
        service = await make_service(client, name="VMs", provider_id=provider["id"])

        response = await client.put(f"/service/{service['id']}", json={field: value})

        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", field]
        assert (await client.get(f"/service/{service['id']}")).json() == service

    async def test_missing_provider_is_422(self, client: httpx.AsyncClient, provider: JSON) -> None:
        service = await make_service(client, name="VMs", provider_id=provider["id"])

        response = await client.put(f"/service/{service['id']}", json={"provider_id": 987654})

        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "provider_id"]
        assert (await client.get(f"/service/{service['id']}")).json()["provider_id"] == provider[
            "id"
        ]

    async def test_missing_category_is_422(
        self, client: httpx.AsyncClient, provider: JSON, categories: dict[str, int]
    ) -> None:
        service = await make_service(client, name="VMs", provider_id=provider["id"])

        response = await client.put(f"/service/{service['id']}", json={"category_id": 987654})

        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "category_id"]
        assert (await client.get(f"/service/{service['id']}")).json()["category_id"] == categories[
            "infrastructure"
        ]

    async def test_category_change_without_cost_records_is_allowed(
        self, client: httpx.AsyncClient, provider: JSON, categories: dict[str, int]
    ) -> None:
        service = await make_service(client, name="VMs", provider_id=provider["id"])

        response = await client.put(
            f"/service/{service['id']}", json={"category_id": categories["usage"]}
        )

        assert response.status_code == 200
        assert response.json()["category_id"] == categories["usage"]
        assert response.json()["category_name"] == "Usage"

    async def test_category_change_with_an_invoice_is_409(
        self, client: httpx.AsyncClient, provider: JSON, categories: dict[str, int]
    ) -> None:
        service = await make_service(client, name="VMs", provider_id=provider["id"])
        await make_invoice(client, service["id"], "2025-06", "100.00")

        response = await client.put(
            f"/service/{service['id']}", json={"category_id": categories["license"]}
        )

        assert response.status_code == 409
        assert isinstance(response.json()["detail"], str)
        assert (await client.get(f"/service/{service['id']}")).json()["category_id"] == categories[
            "infrastructure"
        ]

    async def test_category_change_with_a_topup_is_409(
        self, client: httpx.AsyncClient, provider: JSON, categories: dict[str, int]
    ) -> None:
        service = await make_service(client, "Usage", name="API", provider_id=provider["id"])
        await make_topup(client, service["id"], "2025-07-01", "50.00")

        response = await client.put(
            f"/service/{service['id']}", json={"category_id": categories["infrastructure"]}
        )

        assert response.status_code == 409
        assert (await client.get(f"/service/{service['id']}")).json()["category_id"] == categories[
            "usage"
        ]

    async def test_same_category_and_other_fields_are_fine_with_cost_records(
        self, client: httpx.AsyncClient, provider: JSON, categories: dict[str, int]
    ) -> None:
        service = await make_service(client, name="VMs", provider_id=provider["id"])
        await make_invoice(client, service["id"], "2025-06", "100.00")

        response = await client.put(
            f"/service/{service['id']}",
            json={"category_id": categories["infrastructure"], "name": "Compute"},
        )

        assert response.status_code == 200
        assert response.json()["name"] == "Compute"

    async def test_unknown_id_is_404(self, client: httpx.AsyncClient) -> None:
        response = await client.put("/service/999999", json={"name": "Nothing"})

        assert response.status_code == 404
        assert isinstance(response.json()["detail"], str)


class TestSoftDelete:
    async def test_delete_makes_the_service_inactive_but_readable(
        self, client: httpx.AsyncClient, provider: JSON
    ) -> None:
        service = await make_service(client, name="VMs", provider_id=provider["id"])

        response = await client.delete(f"/service/{service['id']}")

        assert response.status_code == 204
        assert response.content == b""
        read = await client.get(f"/service/{service['id']}")
        assert read.status_code == 200
        assert read.json()["active"] is False
        assert read.json()["name"] == "VMs"

    async def test_deleted_service_is_listed_as_inactive_only(
        self, client: httpx.AsyncClient, provider: JSON
    ) -> None:
        service = await make_service(client, name="VMs", provider_id=provider["id"])
        await client.delete(f"/service/{service['id']}")

        everything = await client.get("/service")
        active = await client.get("/service", params={"active": True})
        inactive = await client.get("/service", params={"active": False})

        assert [row["id"] for row in everything.json()] == [service["id"]]
        assert active.json() == []
        assert [row["id"] for row in inactive.json()] == [service["id"]]

    async def test_past_invoice_still_counts_in_the_summary(
        self, client: httpx.AsyncClient, provider: JSON
    ) -> None:
        service = await make_service(client, name="VMs", provider_id=provider["id"])
        await make_invoice(client, service["id"], "2025-06", "1234.50")

        assert (await client.delete(f"/service/{service['id']}")).status_code == 204
        summary = await client.get("/summary", params={"year": 2025, "month": 6})

        assert summary.status_code == 200
        body = summary.json()
        assert body["total"] == "1234.50"
        infra = [row for row in body["by_category"] if row["category"] == "Infrastructure"]
        assert infra[0]["amount"] == "1234.50"
        invoices = await client.get("/invoices", params={"service_id": service["id"]})
        assert [row["amount"] for row in invoices.json()] == ["1234.50"]

    async def test_a_deleted_service_can_be_reactivated(
        self, client: httpx.AsyncClient, provider: JSON
    ) -> None:
        service = await make_service(client, name="VMs", provider_id=provider["id"])
        await client.delete(f"/service/{service['id']}")

        response = await client.put(f"/service/{service['id']}", json={"active": True})

        assert response.json()["active"] is True

    async def test_unknown_id_is_404(self, client: httpx.AsyncClient) -> None:
        response = await client.delete("/service/999999")

        assert response.status_code == 404
        assert isinstance(response.json()["detail"], str)
