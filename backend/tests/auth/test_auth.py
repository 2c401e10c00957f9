"""Login, bearer tokens on every protected route, /auth/me and password changes."""

import base64
import json
import re
from typing import Any

import httpx
import pytest

from costwatch.app import create_app
from costwatch.auth.security import create_token
from costwatch.config import Settings
from costwatch.models.admin_user import AdminUser
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, JWT_SECRET

# The contract's public routes: everything else needs a bearer token.
CONTRACT_PUBLIC_PATHS = {"/health", "/docs", "/openapi.json", "/auth/login"}
# Added after the contract was written: a readiness probe, which an orchestrator calls without
# a token. Listed here by name so that any other public route still fails the tests below.
PUBLIC_PROBES = {"/ready"}
PUBLIC_PATHS = CONTRACT_PUBLIC_PATHS | PUBLIC_PROBES
NEW_PASSWORD = "a much longer password 2025"


def _operations() -> list[tuple[str, str]]:
    """Every (method, path) of the app's OpenAPI schema."""
    settings = Settings(env="test", database_url="sqlite+aiosqlite://", jwt_secret=JWT_SECRET)
    schema = create_app(settings).openapi()
    return [
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    ]


OPERATIONS = _operations()
PROTECTED = [(method, path) for method, path in OPERATIONS if path not in PUBLIC_PATHS]
PROTECTED_PARAMS = [pytest.param(method, path, id=f"{method} {path}") for method, path in PROTECTED]


async def call(
    client: httpx.AsyncClient, method: str, path: str, headers: dict[str, str] | None = None
) -> httpx.Response:
    """Send a plausible request to a route: ids of 1 in the path, an empty JSON body."""
    url = re.sub(r"\{[^}]+\}", "1", path)
    body: dict[str, Any] = {"json": {}} if method in {"POST", "PUT", "PATCH"} else {}
    return await client.request(method, url, headers=headers or {}, **body)


def unsigned_token(claims: dict[str, Any]) -> str:
    """A token with ``alg: none``: no signature at all."""

    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


async def login(
    anon: httpx.AsyncClient, username: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD
) -> httpx.Response:
    return await anon.post("/auth/login", data={"username": username, "password": password})


def test_the_schema_lists_the_protected_routes() -> None:
    # Guards the parametrised tests below against an empty or truncated route list.
    assert len(PROTECTED) >= 30
    for expected in [
        ("GET", "/auth/me"),
        ("POST", "/auth/password"),
        ("GET", "/categories"),
        ("POST", "/providers"),
        ("DELETE", "/service/{service_id}"),
        ("PUT", "/invoices/{invoice_id}"),
        ("GET", "/licenses"),
        ("POST", "/usage/consumption"),
        ("GET", "/usage/balances"),
        ("GET", "/summary"),
        ("GET", "/summary/series"),
        ("GET", "/alerts/commitments"),
        ("GET", "/alerts/low-balance"),
    ]:
        assert expected in PROTECTED


class TestEveryProtectedRoute:
    @pytest.mark.parametrize(("method", "path"), PROTECTED_PARAMS)
    async def test_without_a_token_is_401_with_www_authenticate(
        self, anon: httpx.AsyncClient, admin: AdminUser, method: str, path: str
    ) -> None:
        response = await call(anon, method, path)

        assert response.status_code == 401, response.text
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert isinstance(response.json()["detail"], str)

    @pytest.mark.parametrize(
        "kind",
        [
            "garbage",
            "expired",
            "wrong-secret",
            "unsigned",
            "unknown-user",
            "old-version",
            "basic-scheme",
            "empty-bearer",
        ],
    )
    @pytest.mark.parametrize(("method", "path"), PROTECTED_PARAMS)
    async def test_with_a_bad_token_is_401_with_www_authenticate(
        self, anon: httpx.AsyncClient, admin: AdminUser, method: str, path: str, kind: str
    ) -> None:
        good: dict[str, Any] = {
            "user_id": admin.id,
            "version": 0,
            "secret": JWT_SECRET,
            "minutes": 60,
        }
        authorization = {
            "garbage": "Bearer not-a-token",
            "expired": f"Bearer {create_token(**{**good, 'minutes': -1})}",
            "wrong-secret": f"Bearer {create_token(**{**good, 'secret': 'y' * 48})}",
            "unsigned": f"Bearer {unsigned_token({'sub': '1', 'ver': 0, 'exp': 4102444800})}",
            "unknown-user": f"Bearer {create_token(**{**good, 'user_id': 999})}",
            "old-version": f"Bearer {create_token(**{**good, 'version': 1})}",
            "basic-scheme": "Basic YWRtaW5AZXhhbXBsZS5jb206eA==",
            "empty-bearer": "Bearer ",
        }[kind]

        response = await call(anon, method, path, {"Authorization": authorization})

        assert response.status_code == 401, response.text
        assert response.headers["WWW-Authenticate"] == "Bearer"

    async def test_a_valid_token_is_let_through(self, client: httpx.AsyncClient) -> None:
        # The counterpart of the tests above: the same requests with a good token are not 401.
        for method, path in PROTECTED:
            if path == "/auth/password":
                continue  # a valid call would change the password
            response = await call(client, method, path)
            assert response.status_code != 401, (method, path, response.text)
            assert response.status_code < 500, (method, path, response.text)


class TestPublicRoutes:
    async def test_health_needs_no_token(self, anon: httpx.AsyncClient) -> None:
        response = await anon.get("/health")

        assert response.status_code == 200
        assert response.json() == {"status": "ok"}

    async def test_docs_need_no_token(self, anon: httpx.AsyncClient) -> None:
        response = await anon.get("/docs")

        assert response.status_code == 200
        assert "swagger" in response.text.lower()

    async def test_openapi_json_needs_no_token(self, anon: httpx.AsyncClient) -> None:
        response = await anon.get("/openapi.json")

        assert response.status_code == 200
        assert response.json()["info"]["title"] == "CostWatch"

    async def test_ready_needs_no_token_and_tells_only_status_and_revision(
        self, anon: httpx.AsyncClient
    ) -> None:
        response = await anon.get("/ready")

        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"status", "revision"}
        assert body["status"] == "ready"

    async def test_public_routes_ignore_a_bad_token(self, anon: httpx.AsyncClient) -> None:
        headers = {"Authorization": "Bearer not-a-token"}

        for path in ("/health", "/docs", "/openapi.json", *PUBLIC_PROBES):
            assert (await anon.get(path, headers=headers)).status_code == 200, path


class TestLogin:
    async def test_right_credentials_give_a_bearer_token(
        self, anon: httpx.AsyncClient, admin: AdminUser, settings: Settings
    ) -> None:
        response = await login(anon)

        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"access_token", "token_type", "expires_in"}
        assert body["token_type"] == "bearer"
        assert body["expires_in"] == settings.token_minutes * 60
        assert isinstance(body["access_token"], str)
        assert body["access_token"]

    async def test_the_token_signs_in(self, anon: httpx.AsyncClient, admin: AdminUser) -> None:
        token = (await login(anon)).json()["access_token"]

        response = await anon.get("/auth/me", headers={"Authorization": f"Bearer {token}"})

        assert response.status_code == 200
        assert response.json() == {"email": ADMIN_EMAIL}

    async def test_email_is_not_case_sensitive(
        self, anon: httpx.AsyncClient, admin: AdminUser
    ) -> None:
        response = await login(anon, username=ADMIN_EMAIL.upper())

        assert response.status_code == 200

    @pytest.mark.parametrize(
        ("username", "password"),
        [
            (ADMIN_EMAIL, "wrong password"),
            (ADMIN_EMAIL, ADMIN_PASSWORD.upper()),
            ("nobody@example.com", ADMIN_PASSWORD),
            ("nobody@example.com", "wrong password"),
        ],
        ids=["wrong-password", "password-case", "unknown-email", "both-wrong"],
    )
    async def test_wrong_credentials_are_401(
        self, anon: httpx.AsyncClient, admin: AdminUser, username: str, password: str
    ) -> None:
        response = await login(anon, username, password)

        assert response.status_code == 401
        assert "access_token" not in response.json()
        assert isinstance(response.json()["detail"], str)

    async def test_without_any_user_is_401(self, anon: httpx.AsyncClient) -> None:
        response = await login(anon)

        assert response.status_code == 401

    @pytest.mark.parametrize(
        "form",
        [{}, {"username": ADMIN_EMAIL}, {"password": ADMIN_PASSWORD}],
        ids=["empty", "no-password", "no-username"],
    )
    async def test_missing_form_fields_are_422(
        self, anon: httpx.AsyncClient, admin: AdminUser, form: dict[str, str]
    ) -> None:
        response = await anon.post("/auth/login", data=form)

        assert response.status_code == 422

    async def test_json_instead_of_a_form_is_422(
        self, anon: httpx.AsyncClient, admin: AdminUser
    ) -> None:
        response = await anon.post(
            "/auth/login", json={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        )

        assert response.status_code == 422


class TestMe:
    async def test_returns_the_admins_email(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/auth/me")

        assert response.status_code == 200
        assert response.json() == {"email": ADMIN_EMAIL}


class TestPasswordChange:
    async def change(
        self, client: httpx.AsyncClient, current: str = ADMIN_PASSWORD, new: str = NEW_PASSWORD
    ) -> httpx.Response:
        return await client.post(
            "/auth/password", json={"current_password": current, "new_password": new}
        )

    async def test_wrong_current_password_is_400_and_changes_nothing(
        self, client: httpx.AsyncClient, anon: httpx.AsyncClient
    ) -> None:
        response = await self.change(client, current="not the password")

        assert response.status_code == 400
        assert isinstance(response.json()["detail"], str)
        assert (await client.get("/auth/me")).status_code == 200
        assert (await login(anon, password=ADMIN_PASSWORD)).status_code == 200

    @pytest.mark.parametrize("new", ["", "short", "7chars!"])
    async def test_too_short_new_password_is_422(
        self, client: httpx.AsyncClient, anon: httpx.AsyncClient, new: str
    ) -> None:
        response = await self.change(client, new=new)

        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "new_password"]
        assert (await login(anon, password=ADMIN_PASSWORD)).status_code == 200

    @pytest.mark.parametrize(
        "body",
        [{}, {"current_password": ADMIN_PASSWORD}, {"new_password": NEW_PASSWORD}],
        ids=["empty", "no-new", "no-current"],
    )
    async def test_missing_fields_are_422(
        self, client: httpx.AsyncClient, body: dict[str, str]
    ) -> None:
        response = await client.post("/auth/password", json=body)

        assert response.status_code == 422

    async def test_twelve_characters_are_enough(self, client: httpx.AsyncClient) -> None:
        response = await self.change(client, new="zebra-quilt9")

        assert response.status_code == 204

    async def test_success_revokes_old_tokens_and_swaps_the_passwords(
        self, client: httpx.AsyncClient, anon: httpx.AsyncClient
    ) -> None:
        old_token = client.headers["Authorization"]

        response = await self.change(client)

        assert response.status_code == 204
        assert response.content == b""
        # The token used for the change was issued before it: it no longer works anywhere.
        me = await anon.get("/auth/me", headers={"Authorization": old_token})
        assert me.status_code == 401
        assert me.headers["WWW-Authenticate"] == "Bearer"
        categories = await anon.get("/categories", headers={"Authorization": old_token})
        assert categories.status_code == 401
        # The old password is refused, the new one signs in and its token works.
        assert (await login(anon, password=ADMIN_PASSWORD)).status_code == 401
        fresh = await login(anon, password=NEW_PASSWORD)
        assert fresh.status_code == 200
        new_token = fresh.json()["access_token"]
        me = await anon.get("/auth/me", headers={"Authorization": f"Bearer {new_token}"})
        assert me.status_code == 200
        assert me.json() == {"email": ADMIN_EMAIL}

    async def test_a_second_change_revokes_the_tokens_of_the_first(
        self, client: httpx.AsyncClient, anon: httpx.AsyncClient
    ) -> None:
        assert (await self.change(client)).status_code == 204
        token = (await login(anon, password=NEW_PASSWORD)).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        third = "the third password of the day"

        response = await anon.post(
            "/auth/password",
            json={"current_password": NEW_PASSWORD, "new_password": third},
            headers=headers,
        )

        assert response.status_code == 204
        assert (await anon.get("/auth/me", headers=headers)).status_code == 401
        assert (await login(anon, password=NEW_PASSWORD)).status_code == 401
        assert (await login(anon, password=third)).status_code == 200
