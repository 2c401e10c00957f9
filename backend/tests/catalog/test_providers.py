"""/providers: create, read, list (q, limit, offset, X-Total-Count), update, delete."""

from typing import Any

import httpx
import pytest

from tests.factories import make_provider, make_service

READ_KEYS = {"id", "name", "website", "created_at", "updated_at"}


class TestCreate:
    async def test_returns_201_with_the_stored_provider(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/providers", json={"name": "Amazon Web Services", "website": "https://aws.amazon.com"}
        )

        assert response.status_code == 201
        body = response.json()
        assert set(body) == READ_KEYS
        assert body["name"] == "Amazon Web Services"
        assert body["website"] == "https://aws.amazon.com"
        assert isinstance(body["id"], int)
        assert body["created_at"]
        assert body["updated_at"]

    async def test_website_is_optional(self, client: httpx.AsyncClient) -> None:
        body = await make_provider(client, "Hetzner")

        assert body["website"] is None

    async def test_name_is_trimmed(self, client: httpx.AsyncClient) -> None:
        body = await make_provider(client, "  Hetzner  ")

        assert body["name"] == "Hetzner"

    async def test_the_created_provider_can_be_read_back(self, client: httpx.AsyncClient) -> None:
        created = await make_provider(client, "Hetzner", website="https://hetzner.com")

        response = await client.get(f"/providers/{created['id']}")

        assert response.status_code == 200
        assert response.json() == created

    async def test_duplicate_name_is_409(self, client: httpx.AsyncClient) -> None:
        await make_provider(client, "Hetzner")

        response = await client.post("/providers", json={"name": "Hetzner"})

        assert response.status_code == 409
        assert isinstance(response.json()["detail"], str)

    @pytest.mark.parametrize("variant", ["hetzner", "HETZNER", "HeTzNeR", " hetzner "])
    async def test_duplicate_name_differing_in_case_or_spaces_is_409(
        self, client: httpx.AsyncClient, variant: str
    ) -> None:
        await make_provider(client, "Hetzner")

        response = await client.post("/providers", json={"name": variant})

        assert response.status_code == 409
        listed = await client.get("/providers")
        assert [row["name"] for row in listed.json()] == ["Hetzner"]

    @pytest.mark.parametrize(
        "body",
        [
            {},
            {"name": ""},
            {"name": "   "},
            {"name": None},
            {"name": 42},
            {"name": "x" * 129},
            {"name": "Acme", "website": "w" * 256},
        ],
        ids=["missing", "empty", "blank", "null", "number", "too-long", "website-too-long"],
    )
    async def test_invalid_body_is_422_and_stores_nothing(
        self, client: httpx.AsyncClient, body: dict[str, Any]
    ) -> None:
        response = await client.post("/providers", json=body)

        assert response.status_code == 422
        assert isinstance(response.json()["detail"], list)
        listed = await client.get("/providers")
        assert listed.json() == []
        assert listed.headers["X-Total-Count"] == "0"

    async def test_longest_name_is_accepted(self, client: httpx.AsyncClient) -> None:
        body = await make_provider(client, "n" * 128)

        assert body["name"] == "n" * 128

    async def test_malformed_json_is_422(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/providers", content=b"{not json", headers={"Content-Type": "application/json"}
        )

        assert response.status_code == 422


class TestRead:
    async def test_unknown_id_is_404_with_a_detail(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/providers/999999")

        assert response.status_code == 404
        assert isinstance(response.json()["detail"], str)

    @pytest.mark.parametrize("bad_id", ["0", "-1", "abc", str(2**63)])
    async def test_invalid_id_is_422(self, client: httpx.AsyncClient, bad_id: str) -> None:
        response = await client.get(f"/providers/{bad_id}")

        assert response.status_code == 422


class TestList:
    async def test_empty_list(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/providers")

        assert response.status_code == 200
        assert response.json() == []
        assert response.headers["X-Total-Count"] == "0"

    async def test_sorted_by_name_with_the_read_shape(self, client: httpx.AsyncClient) -> None:
        for name in ("Zeta", "Alpha", "Mid"):
            await make_provider(client, name)

        response = await client.get("/providers")

        body = response.json()
        assert [row["name"] for row in body] == ["Alpha", "Mid", "Zeta"]
        assert all(set(row) == READ_KEYS for row in body)
        assert response.headers["X-Total-Count"] == "3"

    async def test_limit_and_offset_page_through_with_the_total(
        self, client: httpx.AsyncClient
    ) -> None:
        names = [f"Provider {index}" for index in range(5)]
        for name in names:
            await make_provider(client, name)

        first = await client.get("/providers", params={"limit": 2})
        second = await client.get("/providers", params={"limit": 2, "offset": 2})
        last = await client.get("/providers", params={"limit": 2, "offset": 4})
        beyond = await client.get("/providers", params={"offset": 50})

        assert [row["name"] for row in first.json()] == names[:2]
        assert [row["name"] for row in second.json()] == names[2:4]
        assert [row["name"] for row in last.json()] == names[4:]
        assert beyond.json() == []
        for response in (first, second, last, beyond):
            assert response.status_code == 200
            assert response.headers["X-Total-Count"] == "5"

    @pytest.mark.parametrize("limit", [1, 1000])
    async def test_limit_bounds_are_accepted(self, client: httpx.AsyncClient, limit: int) -> None:
        await make_provider(client, "A")
        await make_provider(client, "B")

        response = await client.get("/providers", params={"limit": limit})

        assert response.status_code == 200
        assert len(response.json()) == min(limit, 2)
        assert response.headers["X-Total-Count"] == "2"

    @pytest.mark.parametrize(
        "params",
        [{"limit": 0}, {"limit": 1001}, {"limit": -1}, {"limit": "x"}, {"offset": -1}],
        ids=["limit-0", "limit-1001", "limit-negative", "limit-text", "offset-negative"],
    )
    async def test_limit_and_offset_out_of_bounds_are_422(
        self, client: httpx.AsyncClient, params: dict[str, Any]
    ) -> None:
        response = await client.get("/providers", params=params)

        assert response.status_code == 422

    async def test_q_is_a_case_insensitive_substring(self, client: httpx.AsyncClient) -> None:
        for name in ("Amazon Web Services", "Microsoft Azure", "Google Cloud", "Hetzner"):
            await make_provider(client, name)

        response = await client.get("/providers", params={"q": "AZ"})

        assert [row["name"] for row in response.json()] == [
            "Amazon Web Services",
            "Microsoft Azure",
        ]
        assert response.headers["X-Total-Count"] == "2"

    async def test_q_matches_percent_and_underscore_literally(
        self, client: httpx.AsyncClient
    ) -> None:
        for name in ("100% Uptime", "100 Uptime", "my_cloud", "myXcloud", "back\\slash"):
            await make_provider(client, name)

        percent = await client.get("/providers", params={"q": "%"})
        underscore = await client.get("/providers", params={"q": "y_c"})
        backslash = await client.get("/providers", params={"q": "\\"})

        assert [row["name"] for row in percent.json()] == ["100% Uptime"]
        assert [row["name"] for row in underscore.json()] == ["my_cloud"]
        assert [row["name"] for row in backslash.json()] == ["back\\slash"]
        assert percent.headers["X-Total-Count"] == "1"

    async def test_q_without_a_match_is_empty(self, client: httpx.AsyncClient) -> None:
        await make_provider(client, "Hetzner")

        response = await client.get("/providers", params={"q": "nothing"})

        assert response.json() == []
        assert response.headers["X-Total-Count"] == "0"

    async def test_total_counts_the_filtered_rows_not_the_page(
        self, client: httpx.AsyncClient
    ) -> None:
        for index in range(4):
            await make_provider(client, f"Cloud {index}")
        await make_provider(client, "Other")

        response = await client.get("/providers", params={"q": "cloud", "limit": 1})

        assert len(response.json()) == 1
        assert response.headers["X-Total-Count"] == "4"


class TestUpdate:
    async def test_changes_name_and_website(self, client: httpx.AsyncClient) -> None:
        provider = await make_provider(client, "Old", website="https://old.example")

        response = await client.put(
            f"/providers/{provider['id']}", json={"name": "New", "website": "https://new.example"}
        )

        assert response.status_code == 200
        body = response.json()
        assert body["id"] == provider["id"]
        assert body["name"] == "New"
        assert body["website"] == "https://new.example"
        assert body["created_at"] == provider["created_at"]
        assert (await client.get(f"/providers/{provider['id']}")).json()["name"] == "New"

    async def test_unsent_fields_are_kept(self, client: httpx.AsyncClient) -> None:
        provider = await make_provider(client, "Keep", website="https://keep.example")

        body = (await client.put(f"/providers/{provider['id']}", json={"name": "Kept"})).json()

        assert body["website"] == "https://keep.example"

    async def test_website_can_be_cleared_with_null(self, client: httpx.AsyncClient) -> None:
        provider = await make_provider(client, "Keep", website="https://keep.example")

        response = await client.put(f"/providers/{provider['id']}", json={"website": None})

        assert response.status_code == 200
        assert response.json()["website"] is None
        assert response.json()["name"] == "Keep"

    async def test_null_name_is_422_and_changes_nothing(self, client: httpx.AsyncClient) -> None:
        provider = await make_provider(client, "Keep")

        response = await client.put(f"/providers/{provider['id']}", json={"name": None})

        assert response.status_code == 422
        assert (await client.get(f"/providers/{provider['id']}")).json()["name"] == "Keep"

    async def test_blank_name_is_422(self, client: httpx.AsyncClient) -> None:
        provider = await make_provider(client, "Keep")

        response = await client.put(f"/providers/{provider['id']}", json={"name": "  "})

        assert response.status_code == 422

    async def test_renaming_to_another_providers_name_is_409(
        self, client: httpx.AsyncClient
    ) -> None:
        await make_provider(client, "Taken")
        provider = await make_provider(client, "Mine")

        exact = await client.put(f"/providers/{provider['id']}", json={"name": "Taken"})
        other_case = await client.put(f"/providers/{provider['id']}", json={"name": "TAKEN"})

        assert exact.status_code == 409
        assert other_case.status_code == 409
        assert (await client.get(f"/providers/{provider['id']}")).json()["name"] == "Mine"

    async def test_renaming_to_a_case_variant_of_its_own_name_is_allowed(
        self, client: httpx.AsyncClient
    ) -> None:
        provider = await make_provider(client, "hetzner")

        response = await client.put(f"/providers/{provider['id']}", json={"name": "Hetzner"})

        assert response.status_code == 200
        assert response.json()["name"] == "Hetzner"

    async def test_unknown_id_is_404(self, client: httpx.AsyncClient) -> None:
        response = await client.put("/providers/424242", json={"name": "Nobody"})

        assert response.status_code == 404
        assert isinstance(response.json()["detail"], str)

    async def test_new_name_shows_in_its_services(self, client: httpx.AsyncClient) -> None:
        provider = await make_provider(client, "Old name")
        service = await make_service(client, provider_id=provider["id"], name="VMs")

        await client.put(f"/providers/{provider['id']}", json={"name": "New name"})

        read = (await client.get(f"/service/{service['id']}")).json()
        assert read["provider_name"] == "New name"


class TestDelete:
    async def test_provider_without_services_is_deleted(self, client: httpx.AsyncClient) -> None:
        provider = await make_provider(client, "Gone")

        response = await client.delete(f"/providers/{provider['id']}")

        assert response.status_code == 204
        assert response.content == b""
        assert (await client.get(f"/providers/{provider['id']}")).status_code == 404
        assert (await client.get("/providers")).headers["X-Total-Count"] == "0"

    async def test_provider_with_services_is_409_and_kept(self, client: httpx.AsyncClient) -> None:
        provider = await make_provider(client, "Busy")
        await make_service(client, provider_id=provider["id"], name="VMs")

        response = await client.delete(f"/providers/{provider['id']}")

        assert response.status_code == 409
        assert (await client.get(f"/providers/{provider['id']}")).status_code == 200

    async def test_provider_with_only_inactive_services_is_still_kept(
        self, client: httpx.AsyncClient
    ) -> None:
        provider = await make_provider(client, "Busy")
        service = await make_service(client, provider_id=provider["id"], name="VMs")
        assert (await client.delete(f"/service/{service['id']}")).status_code == 204

        response = await client.delete(f"/providers/{provider['id']}")

        assert response.status_code == 409

    async def test_unknown_id_is_404(self, client: httpx.AsyncClient) -> None:
        response = await client.delete("/providers/424242")

        assert response.status_code == 404

    async def test_name_is_free_again_after_delete(self, client: httpx.AsyncClient) -> None:
        provider = await make_provider(client, "Reused")
        await client.delete(f"/providers/{provider['id']}")

        response = await client.post("/providers", json={"name": "reused"})

        assert response.status_code == 201
