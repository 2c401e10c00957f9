"""/invoices: create, list with filters, read, update, delete; months, money, currencies."""

from typing import Any

import httpx
import pytest

from tests.factories import JSON, make_invoice, make_service

READ_KEYS = {"id", "service_id", "invoice_month", "amount", "currency", "created_at", "updated_at"}


@pytest.fixture
async def infra(client: httpx.AsyncClient) -> JSON:
    return await make_service(client, "Infrastructure", name="AWS production")


@pytest.fixture
async def other_infra(client: httpx.AsyncClient) -> JSON:
    return await make_service(client, "Infrastructure", name="Hetzner servers")


async def create(client: httpx.AsyncClient, service_id: int, **fields: Any) -> httpx.Response:
    body = {"service_id": service_id, "invoice_month": "2025-07", "amount": "10.00", **fields}
    return await client.post("/invoices", json=body)


async def assert_nothing_stored(client: httpx.AsyncClient) -> None:
    listed = await client.get("/invoices")
    assert listed.status_code == 200
    assert listed.json() == []
    assert listed.headers["X-Total-Count"] == "0"


class TestCreate:
    async def test_returns_201_with_the_stored_invoice(
        self, client: httpx.AsyncClient, infra: JSON
    ) -> None:
        response = await create(client, infra["id"], amount="1234.50", currency="EUR")

        assert response.status_code == 201
        body = response.json()
        assert set(body) == READ_KEYS
        assert body["service_id"] == infra["id"]
        assert body["invoice_month"] == "2025-07-01"
        assert body["amount"] == "1234.50"
        assert body["currency"] == "EUR"
        assert body["created_at"]
        assert body["updated_at"]
        assert (await client.get(f"/invoices/{body['id']}")).json() == body

    async def test_currency_defaults_to_usd(self, client: httpx.AsyncClient, infra: JSON) -> None:
        response = await client.post(
            "/invoices",
            json={"service_id": infra["id"], "invoice_month": "2025-07", "amount": "1"},
        )

        assert response.status_code == 201
        assert response.json()["currency"] == "USD"

    async def test_second_invoice_for_the_same_service_and_month_is_409(
        self, client: httpx.AsyncClient, infra: JSON
    ) -> None:
        first = await make_invoice(client, infra["id"], "2025-07", "10.00")

        # The same month written the other way still clashes.
        response = await create(client, infra["id"], invoice_month="2025-07-01", amount="99.00")

        assert response.status_code == 409
        assert isinstance(response.json()["detail"], str)
        listed = (await client.get("/invoices")).json()
        assert listed == [first]

    async def test_same_month_on_another_service_and_another_month_are_fine(
        self, client: httpx.AsyncClient, infra: JSON, other_infra: JSON
    ) -> None:
        await make_invoice(client, infra["id"], "2025-07", "10.00")

        other_service = await create(client, other_infra["id"])
        other_month = await create(client, infra["id"], invoice_month="2025-08")

        assert other_service.status_code == 201
        assert other_month.status_code == 201

    @pytest.mark.parametrize("category", ["User License", "Usage"])
    async def test_service_of_another_category_is_422(
        self, client: httpx.AsyncClient, category: str
    ) -> None:
        service = await make_service(client, category, name=f"{category} thing")

        response = await create(client, service["id"])

        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "service_id"]
        await assert_nothing_stored(client)

    async def test_missing_service_is_422(self, client: httpx.AsyncClient) -> None:
        response = await create(client, 987654)

        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "service_id"]
        await assert_nothing_stored(client)

    async def test_an_inactive_service_keeps_taking_invoices(
        self, client: httpx.AsyncClient, infra: JSON
    ) -> None:
        # Soft delete keeps the history: a late invoice for a past month can still be filed.
        await client.delete(f"/service/{infra['id']}")

        response = await create(client, infra["id"], invoice_month="2025-06")

        assert response.status_code == 201

    @pytest.mark.parametrize("missing", ["service_id", "invoice_month", "amount"])
    async def test_required_fields(
        self, client: httpx.AsyncClient, infra: JSON, missing: str
    ) -> None:
        body = {"service_id": infra["id"], "invoice_month": "2025-07", "amount": "1.00"}
        del body[missing]

        response = await client.post("/invoices", json=body)

        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", missing]
        await assert_nothing_stored(client)

    @pytest.mark.parametrize("service_id", [0, -1, "abc", 2**63, None])
    async def test_bad_service_id_is_422(
        self, client: httpx.AsyncClient, service_id: object
    ) -> None:
        response = await client.post(
            "/invoices",
            json={"service_id": service_id, "invoice_month": "2025-07", "amount": "1.00"},
        )

        assert response.status_code == 422
        await assert_nothing_stored(client)


class TestMonths:
    @pytest.mark.parametrize("month", ["2025-07", "2025-07-01"])
    async def test_month_or_first_of_month_is_returned_as_the_first(
        self, client: httpx.AsyncClient, infra: JSON, month: str
    ) -> None:
        response = await create(client, infra["id"], invoice_month=month)

        assert response.status_code == 201
        assert response.json()["invoice_month"] == "2025-07-01"

    @pytest.mark.parametrize("month", ["2000-01", "2100-12-01"])
    async def test_years_2000_to_2100_are_accepted(
        self, client: httpx.AsyncClient, infra: JSON, month: str
    ) -> None:
        response = await create(client, infra["id"], invoice_month=month)

        assert response.status_code == 201
        assert response.json()["invoice_month"] == f"{month[:7]}-01"

    @pytest.mark.parametrize(
        "month",
        [
            "2025-07-15",
            "2025-07-31",
            "2025-13",
            "2025-00",
            "2025-02-30",
            "July",
            "2025-7",
            "2025/07",
            "07-2025",
            "2025-07-01T00:00:00",
            "1999-12",
            "2101-01",
            "",
            202507,
            None,
        ],
    )
    async def test_other_values_are_422_and_store_nothing(
        self, client: httpx.AsyncClient, infra: JSON, month: object
    ) -> None:
        response = await create(client, infra["id"], invoice_month=month)

        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"][:2] == ["body", "invoice_month"]
        await assert_nothing_stored(client)


class TestMoney:
    @pytest.mark.parametrize(
        ("sent", "returned"),
        [
            (1234.5, "1234.50"),
            ("1234.5", "1234.50"),
            (1234, "1234.00"),
            ("1234", "1234.00"),
            ("0.07", "0.07"),
            (0.07, "0.07"),
            (0.1, "0.10"),
            (0, "0.00"),
            ("0", "0.00"),
            ("0.00", "0.00"),
            ("-0", "0.00"),
            ("-0.00", "0.00"),
            ("007.10", "7.10"),
            ("9999999999.99", "9999999999.99"),
            (9999999999.99, "9999999999.99"),
        ],
    )
    async def test_amount_is_returned_as_a_string_with_two_decimals(
        self, client: httpx.AsyncClient, infra: JSON, sent: str | float, returned: str
    ) -> None:
        response = await create(client, infra["id"], amount=sent)

        assert response.status_code == 201, response.text
        assert response.json()["amount"] == returned
        stored = await client.get(f"/invoices/{response.json()['id']}")
        assert stored.json()["amount"] == returned

    @pytest.mark.parametrize(
        "amount",
        [
            "1.234",
            1.234,
            "0.001",
            "1e3",
            "1E3",
            "1_000",
            "1,000.00",
            "abc",
            "",
            " 12.50",
            "12.50 ",
            "12.",
            ".5",
            "+5",
            "NaN",
            "Infinity",
            "-1",
            -1,
            "-0.01",
            -0.01,
            "10000000000",
            10000000000,
            "10000000000.00",
            1e16,
            "99999999999",
            True,
            None,
            [],
            {"value": 1},
            "\u0661\u0662\u0663",
        ],
        ids=repr,
    )
    async def test_bad_amounts_are_422_and_store_nothing(
        self, client: httpx.AsyncClient, infra: JSON, amount: object
    ) -> None:
        response = await create(client, infra["id"], amount=amount)

        assert response.status_code == 422, response.text
        assert response.json()["detail"][0]["loc"][:2] == ["body", "amount"]
        await assert_nothing_stored(client)

    async def test_amounts_keep_their_cents_in_the_database(
        self, client: httpx.AsyncClient, infra: JSON, other_infra: JSON
    ) -> None:
        # 0.1 + 0.2 is where binary floats go wrong; Decimal columns must not.
        await make_invoice(client, infra["id"], "2025-06", "0.10")
        await make_invoice(client, other_infra["id"], "2025-06", "0.20")

        summary = (await client.get("/summary", params={"year": 2025, "month": 6})).json()
        listed = (await client.get("/invoices")).json()

        assert sorted(row["amount"] for row in listed) == ["0.10", "0.20"]
        assert summary["total"] == "0.30"


class TestCurrency:
    @pytest.mark.parametrize(("sent", "returned"), [("eur", "EUR"), ("Gbp", "GBP"), ("USD", "USD")])
    async def test_currency_is_returned_in_capitals(
        self, client: httpx.AsyncClient, infra: JSON, sent: str, returned: str
    ) -> None:
        response = await create(client, infra["id"], currency=sent)

        assert response.status_code == 201
        assert response.json()["currency"] == returned

    @pytest.mark.parametrize("currency", ["ABC", "US", "USDD", "", "\u20ac", "EU1", 840, None])
    async def test_not_an_iso_4217_code_is_422(
        self, client: httpx.AsyncClient, infra: JSON, currency: object
    ) -> None:
        response = await create(client, infra["id"], currency=currency)

        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"][:2] == ["body", "currency"]
        await assert_nothing_stored(client)


class TestList:
    @pytest.fixture
    async def invoices(
        self, client: httpx.AsyncClient, infra: JSON, other_infra: JSON
    ) -> dict[str, JSON]:
        return {
            "june": await make_invoice(client, infra["id"], "2025-06", "100.00"),
            "july": await make_invoice(client, infra["id"], "2025-07", "110.00"),
            "other_july": await make_invoice(client, other_infra["id"], "2025-07", "5.00", "EUR"),
            "last_year": await make_invoice(client, other_infra["id"], "2024-07", "4.00"),
        }

    async def test_empty_list(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/invoices")

        assert response.status_code == 200
        assert response.json() == []
        assert response.headers["X-Total-Count"] == "0"

    async def test_lists_newest_month_first(
        self, client: httpx.AsyncClient, invoices: dict[str, JSON], infra: JSON, other_infra: JSON
    ) -> None:
        response = await client.get("/invoices")

        body = response.json()
        assert response.headers["X-Total-Count"] == "4"
        assert [row["invoice_month"] for row in body] == [
            "2025-07-01",
            "2025-07-01",
            "2025-06-01",
            "2024-07-01",
        ]
        assert {row["id"] for row in body} == {row["id"] for row in invoices.values()}
        assert all(set(row) == READ_KEYS for row in body)
        assert all(isinstance(row["amount"], str) for row in body)

    async def test_filter_by_service(
        self, client: httpx.AsyncClient, invoices: dict[str, JSON], infra: JSON
    ) -> None:
        response = await client.get("/invoices", params={"service_id": infra["id"]})

        assert [row["id"] for row in response.json()] == [
            invoices["july"]["id"],
            invoices["june"]["id"],
        ]
        assert response.headers["X-Total-Count"] == "2"

    async def test_filter_by_year_and_month(
        self, client: httpx.AsyncClient, invoices: dict[str, JSON]
    ) -> None:
        response = await client.get("/invoices", params={"year": 2025, "month": 7})

        assert {row["id"] for row in response.json()} == {
            invoices["july"]["id"],
            invoices["other_july"]["id"],
        }
        assert response.headers["X-Total-Count"] == "2"

    async def test_filters_combine(
        self, client: httpx.AsyncClient, invoices: dict[str, JSON], other_infra: JSON
    ) -> None:
        response = await client.get(
            "/invoices", params={"service_id": other_infra["id"], "year": 2025, "month": 7}
        )

        assert [row["id"] for row in response.json()] == [invoices["other_july"]["id"]]
        assert response.json()[0]["currency"] == "EUR"

    async def test_a_month_without_invoices_is_empty(
        self, client: httpx.AsyncClient, invoices: dict[str, JSON]
    ) -> None:
        response = await client.get("/invoices", params={"year": 2025, "month": 1})

        assert response.status_code == 200
        assert response.json() == []
        assert response.headers["X-Total-Count"] == "0"

    async def test_limit_and_offset_with_the_total(
        self, client: httpx.AsyncClient, invoices: dict[str, JSON]
    ) -> None:
        everything = [row["id"] for row in (await client.get("/invoices")).json()]

        page = await client.get("/invoices", params={"limit": 2, "offset": 1})

        assert [row["id"] for row in page.json()] == everything[1:3]
        assert page.headers["X-Total-Count"] == "4"

    @pytest.mark.parametrize(
        "params",
        [
            {"year": 2025},
            {"month": 7},
            {"year": 2025, "month": 13},
            {"year": 2025, "month": 0},
            {"year": 1999, "month": 12},
            {"year": 2101, "month": 1},
            {"year": "x", "month": 1},
            {"service_id": 0},
            {"limit": 0},
            {"limit": 1001},
            {"offset": -1},
        ],
        ids=repr,
    )
    async def test_bad_filters_are_422(
        self, client: httpx.AsyncClient, params: dict[str, Any]
    ) -> None:
        response = await client.get("/invoices", params=params)

        assert response.status_code == 422
        assert isinstance(response.json()["detail"], list)


class TestRead:
    async def test_unknown_id_is_404(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/invoices/999999")

        assert response.status_code == 404
        assert isinstance(response.json()["detail"], str)

    @pytest.mark.parametrize("bad_id", ["0", "abc", str(2**63)])
    async def test_invalid_id_is_422(self, client: httpx.AsyncClient, bad_id: str) -> None:
        response = await client.get(f"/invoices/{bad_id}")

        assert response.status_code == 422


class TestUpdate:
    async def test_changes_the_sent_fields_only(
        self, client: httpx.AsyncClient, infra: JSON
    ) -> None:
        invoice = await make_invoice(client, infra["id"], "2025-07", "10.00", "EUR")

        response = await client.put(f"/invoices/{invoice['id']}", json={"amount": 1299.9})

        assert response.status_code == 200
        body = response.json()
        assert body["amount"] == "1299.90"
        assert body["currency"] == "EUR"
        assert body["invoice_month"] == "2025-07-01"
        assert body["service_id"] == infra["id"]
        assert body["created_at"] == invoice["created_at"]
        assert (await client.get(f"/invoices/{invoice['id']}")).json()["amount"] == "1299.90"

    async def test_month_currency_and_service_can_change(
        self, client: httpx.AsyncClient, infra: JSON, other_infra: JSON
    ) -> None:
        invoice = await make_invoice(client, infra["id"], "2025-07", "10.00")

        response = await client.put(
            f"/invoices/{invoice['id']}",
            json={
                "invoice_month": "2025-05-01",
                "currency": "chf",
                "service_id": other_infra["id"],
            },
        )

        assert response.status_code == 200
        body = response.json()
        assert body["invoice_month"] == "2025-05-01"
        assert body["currency"] == "CHF"
        assert body["service_id"] == other_infra["id"]

    async def test_keeping_its_own_month_is_not_a_clash(
        self, client: httpx.AsyncClient, infra: JSON
    ) -> None:
        invoice = await make_invoice(client, infra["id"], "2025-07", "10.00")

        response = await client.put(
            f"/invoices/{invoice['id']}", json={"invoice_month": "2025-07", "amount": "11"}
        )

        assert response.status_code == 200
        assert response.json()["amount"] == "11.00"

    async def test_moving_onto_another_invoices_month_is_409(
        self, client: httpx.AsyncClient, infra: JSON
    ) -> None:
        await make_invoice(client, infra["id"], "2025-06", "10.00")
        july = await make_invoice(client, infra["id"], "2025-07", "20.00")

        response = await client.put(f"/invoices/{july['id']}", json={"invoice_month": "2025-06"})

        assert response.status_code == 409
        assert (await client.get(f"/invoices/{july['id']}")).json() == july

    async def test_moving_onto_another_services_month_is_409(
        self, client: httpx.AsyncClient, infra: JSON, other_infra: JSON
    ) -> None:
        await make_invoice(client, other_infra["id"], "2025-07", "10.00")
        mine = await make_invoice(client, infra["id"], "2025-07", "20.00")

        response = await client.put(
            f"/invoices/{mine['id']}", json={"service_id": other_infra["id"]}
        )

        assert response.status_code == 409
        assert (await client.get(f"/invoices/{mine['id']}")).json()["service_id"] == infra["id"]

    @pytest.mark.parametrize("category", ["User License", "Usage"])
    async def test_moving_to_a_service_of_another_category_is_422(
        self, client: httpx.AsyncClient, infra: JSON, category: str
    ) -> None:
        invoice = await make_invoice(client, infra["id"], "2025-07", "10.00")
        wrong = await make_service(client, category, name="wrong kind")

        response = await client.put(f"/invoices/{invoice['id']}", json={"service_id": wrong["id"]})

        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "service_id"]
        assert (await client.get(f"/invoices/{invoice['id']}")).json() == invoice

    async def test_moving_to_a_missing_service_is_422(
        self, client: httpx.AsyncClient, infra: JSON
    ) -> None:
        invoice = await make_invoice(client, infra["id"], "2025-07", "10.00")

        response = await client.put(f"/invoices/{invoice['id']}", json={"service_id": 987654})

        assert response.status_code == 422
        assert (await client.get(f"/invoices/{invoice['id']}")).json() == invoice

    @pytest.mark.parametrize(
        "change",
        [
            {"service_id": None},
            {"invoice_month": None},
            {"amount": None},
            {"currency": None},
            {"invoice_month": "2025-07-15"},
            {"amount": "1.001"},
            {"amount": "-5"},
            {"amount": "1e3"},
            {"currency": "ABC"},
        ],
        ids=repr,
    )
    async def test_invalid_changes_are_422_and_change_nothing(
        self, client: httpx.AsyncClient, infra: JSON, change: dict[str, Any]
    ) -> None:
        invoice = await make_invoice(client, infra["id"], "2025-07", "10.00")

        response = await client.put(f"/invoices/{invoice['id']}", json=change)

        assert response.status_code == 422
        assert (await client.get(f"/invoices/{invoice['id']}")).json() == invoice

    async def test_unknown_id_is_404(self, client: httpx.AsyncClient) -> None:
        response = await client.put("/invoices/999999", json={"amount": "1.00"})

        assert response.status_code == 404
        assert isinstance(response.json()["detail"], str)


class TestDelete:
    async def test_delete_removes_the_invoice(self, client: httpx.AsyncClient, infra: JSON) -> None:
        invoice = await make_invoice(client, infra["id"], "2025-07", "10.00")

        response = await client.delete(f"/invoices/{invoice['id']}")

        assert response.status_code == 204
        assert response.content == b""
        assert (await client.get(f"/invoices/{invoice['id']}")).status_code == 404
        await assert_nothing_stored(client)

    async def test_the_month_is_free_again_after_delete(
        self, client: httpx.AsyncClient, infra: JSON
    ) -> None:
        invoice = await make_invoice(client, infra["id"], "2025-07", "10.00")
        await client.delete(f"/invoices/{invoice['id']}")

        response = await create(client, infra["id"], invoice_month="2025-07", amount="12.00")

        assert response.status_code == 201

    async def test_deleted_invoice_leaves_the_summary(
        self, client: httpx.AsyncClient, infra: JSON
    ) -> None:
        invoice = await make_invoice(client, infra["id"], "2025-07", "10.00")
        before = (await client.get("/summary")).json()

        await client.delete(f"/invoices/{invoice['id']}")
        after = (await client.get("/summary")).json()

        assert before["total"] == "10.00"
        assert after["total"] == "0.00"

    async def test_unknown_id_is_404(self, client: httpx.AsyncClient) -> None:
        response = await client.delete("/invoices/999999")

        assert response.status_code == 404
        assert isinstance(response.json()["detail"], str)

    async def test_deleting_twice_is_404_the_second_time(
        self, client: httpx.AsyncClient, infra: JSON
    ) -> None:
        invoice = await make_invoice(client, infra["id"], "2025-07", "10.00")

        first = await client.delete(f"/invoices/{invoice['id']}")
        second = await client.delete(f"/invoices/{invoice['id']}")

        assert (first.status_code, second.status_code) == (204, 404)


async def test_invoice_routes_need_a_token(anon: httpx.AsyncClient) -> None:
    response = await anon.get("/invoices")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
