"""The OpenAPI schema documents every operation: tags, text, error codes, money as strings."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

JSON = dict[str, Any]

# /ready is a readiness probe added after the contract (see tests/auth/test_auth.py).
PUBLIC_PATHS = {"/health", "/ready", "/auth/login"}
METHODS = {"get", "post", "put", "patch", "delete"}
MONEY_FIELDS = {
    "amount",
    "total",
    "monthly_cost",
    "monthly_unit_cost",
    "balance",
    "total_topups",
    "total_consumed",
    "last_topup_amount",
    "threshold_amount",
    "amount_purchased",
    "amount_consumed",
}
MONEY_PATTERN = r"^-?\d+\.\d{2}$"


@pytest.fixture
async def schema(anon: httpx.AsyncClient) -> JSON:
    response = await anon.get("/openapi.json")
    assert response.status_code == 200
    body: JSON = response.json()
    return body


def operations(schema: JSON) -> list[tuple[str, str, JSON]]:
    """(method, path, operation) for every operation of the schema."""
    return [
        (method.upper(), path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def resolve(schema: JSON, node: JSON) -> JSON:
    """Follow a local ``$ref``."""
    while "$ref" in node:
        name = node["$ref"].removeprefix("#/components/schemas/")
        node = schema["components"]["schemas"][name]
    return node


def walk_properties(schema: JSON, node: JSON, seen: set[str]) -> Iterator[tuple[str, str, JSON]]:
    """Yield (model title, property name, property schema) reachable from ``node``."""
    if "$ref" in node:
        ref = node["$ref"]
        if ref in seen:
            return
        seen.add(ref)
        yield from walk_properties(schema, resolve(schema, node), seen)
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for option in node.get(key, []):
            yield from walk_properties(schema, option, seen)
    if "items" in node:
        yield from walk_properties(schema, node["items"], seen)
    for name, prop in node.get("properties", {}).items():
        yield node.get("title", "?"), name, prop
        yield from walk_properties(schema, prop, seen)


def response_properties(schema: JSON) -> list[tuple[str, str, str, JSON]]:
    """Every property of every JSON body a 2xx response may carry."""
    found: list[tuple[str, str, str, JSON]] = []
    for method, path, operation in operations(schema):
        for code, response in operation["responses"].items():
            if not code.startswith("2"):
                continue
            body = response.get("content", {}).get("application/json", {}).get("schema")
            if body:
                found += [
                    (f"{method} {path}", *entry) for entry in walk_properties(schema, body, set())
                ]
    return found


def non_null_options(schema: JSON, prop: JSON) -> list[JSON]:
    """The schemas a property may take, ``null`` left out."""
    prop = resolve(schema, prop)
    options = prop.get("anyOf", [prop])
    return [resolve(schema, option) for option in options if option.get("type") != "null"]


async def test_the_schema_has_every_route_family(schema: JSON) -> None:
    paths = set(schema["paths"])

    for expected in [
        "/health",
        "/auth/login",
        "/auth/me",
        "/auth/password",
        "/categories",
        "/providers",
        "/service",
        "/service/{service_id}",
        "/invoices",
        "/invoices/{invoice_id}",
        "/licenses",
        "/usage/topups",
        "/usage/consumption",
        "/usage/balances",
        "/summary",
        "/summary/series",
        "/alerts/commitments",
        "/alerts/low-balance",
    ]:
        assert expected in paths


async def test_every_operation_has_a_tag_and_a_summary_or_description(schema: JSON) -> None:
    declared_tags = {tag["name"] for tag in schema.get("tags", [])}

    assert len(operations(schema)) >= 40  # the loop below has something to check
    for method, path, operation in operations(schema):
        assert operation.get("tags"), f"{method} {path} has no tag"
        assert set(operation["tags"]) <= declared_tags, f"{method} {path} uses an undeclared tag"
        text = (operation.get("summary") or "").strip() or (operation.get("description") or "")
        assert text.strip(), f"{method} {path} has neither summary nor description"


async def test_every_operation_with_input_documents_422(schema: JSON) -> None:
    with_input = 0
    for method, path, operation in operations(schema):
        if operation.get("parameters") or operation.get("requestBody"):
            with_input += 1
            assert "422" in operation["responses"], f"{method} {path} does not document 422"
    assert with_input >= 25


async def test_every_protected_operation_needs_a_token_and_documents_401(schema: JSON) -> None:
    protected = 0
    for method, path, operation in operations(schema):
        if path in PUBLIC_PATHS:
            assert not operation.get("security"), f"{method} {path} should need no token"
            continue
        protected += 1
        assert operation.get("security"), f"{method} {path} declares no security"
        assert "401" in operation["responses"], f"{method} {path} does not document 401"
    assert protected >= 30


async def test_the_security_scheme_is_the_login_route(schema: JSON) -> None:
    schemes = schema["components"]["securitySchemes"]

    flows = [
        scheme["flows"]["password"] for scheme in schemes.values() if scheme["type"] == "oauth2"
    ]
    assert len(flows) == 1
    assert flows[0]["tokenUrl"].lstrip("/") == "auth/login"


# PUT by a natural key creates or replaces: it never answers 404.
UPSERTS = {("PUT", "/fx-rates/{currency}/{month}")}


async def test_operations_with_an_id_in_the_path_document_404(schema: JSON) -> None:
    with_id = [
        (method, path, op)
        for method, path, op in operations(schema)
        if "{" in path and (method, path) not in UPSERTS
    ]
    assert len(with_id) >= 14  # read, update and delete of every record kind
    for method, path, operation in with_id:
        assert "404" in operation["responses"], f"{method} {path} does not document 404"


ACTIONS = ("/sync", "/test", "/evaluate", "/acknowledge", "/restore")


async def test_creating_posts_document_201_and_deletes_document_204(schema: JSON) -> None:
    deletes = posts = 0
    for method, path, operation in operations(schema):
        codes = set(operation["responses"])
        if method == "DELETE":
            deletes += 1
            assert "204" in codes, f"{method} {path}"
        # Actions (a sync, a test message, a restore) answer what they did, not a new record;
        # an import answers 200 with its report (a dry run creates nothing).
        if (
            method == "POST"
            and not path.startswith(("/auth/", "/imports/"))
            and not path.endswith(ACTIONS)
        ):
            posts += 1
            assert "201" in codes, f"{method} {path}"
    assert deletes >= 6
    assert posts >= 6


async def test_record_lists_document_the_total_count_header(schema: JSON) -> None:
    lists = 0
    for method, path, operation in operations(schema):
        names = {parameter["name"] for parameter in operation.get("parameters", [])}
        if method == "GET" and {"limit", "offset"} <= names:
            lists += 1
            headers = operation["responses"]["200"].get("headers", {})
            assert "X-Total-Count" in headers, f"{method} {path}"
    # providers, services, invoices, licenses, top-ups, consumption
    assert lists >= 6


async def test_money_fields_of_responses_are_two_decimal_strings(schema: JSON) -> None:
    seen = set()
    for where, model, name, prop in response_properties(schema):
        if name not in MONEY_FIELDS:
            continue
        seen.add(name)
        options = non_null_options(schema, prop)
        assert options, f"{where} {model}.{name}"
        for option in options:
            assert option.get("type") == "string", f"{where} {model}.{name} is not a string"
            assert option.get("pattern") == MONEY_PATTERN, f"{where} {model}.{name}"
    assert seen == MONEY_FIELDS


async def test_no_response_carries_a_json_float(schema: JSON) -> None:
    assert len(response_properties(schema)) >= 100
    for where, model, name, prop in response_properties(schema):
        for option in non_null_options(schema, prop):
            assert option.get("type") != "number", f"{where} {model}.{name} is a float"


async def test_money_fields_of_requests_take_a_number_or_a_string(schema: JSON) -> None:
    components = schema["components"]["schemas"]
    checked = 0
    for model_name in ("InvoiceCreate", "LicenseCreate", "TopupCreate", "ConsumptionCreate"):
        for name, prop in components[model_name]["properties"].items():
            if name in MONEY_FIELDS:
                checked += 1
                types = sorted(option["type"] for option in resolve(schema, prop)["anyOf"])
                assert types == ["number", "string"], f"{model_name}.{name}"
    assert checked == 4
