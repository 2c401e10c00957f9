"""A new admin password must be hard to guess, in every mode (issue: weak passwords accepted)."""

import httpx
import pytest

from costwatch.auth.passwords import password_problem
from costwatch.config import DEMO_ADMIN_PASSWORD
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD


@pytest.mark.parametrize(
    ("new", "why"),
    [
        ("password", "at least 12 characters"),
        (" " * 12, "at least 12 characters"),
        ("   eleven chr   ", "at least 12 characters"),
        ("passwordpassword", "too easy to guess"),
        ("123456789012", "too easy to guess"),
        ("qwertyuiopasdf", "too easy to guess"),
        (ADMIN_EMAIL, "must not be the email address"),
        (ADMIN_EMAIL.upper(), "must not be the email address"),
        (DEMO_ADMIN_PASSWORD, "must not be the demo password"),
        (ADMIN_PASSWORD, "must differ from the current password"),
    ],
)
async def test_weak_new_passwords_are_422_and_change_nothing(
    client: httpx.AsyncClient, anon: httpx.AsyncClient, new: str, why: str
) -> None:
    response = await client.post(
        "/auth/password", json={"current_password": ADMIN_PASSWORD, "new_password": new}
    )

    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["loc"][-1] == "new_password"
    assert why in detail[0]["msg"]
    # Never echoed back: the rejected password is a secret too.
    assert all("input" not in item and "ctx" not in item for item in detail)
    assert ADMIN_PASSWORD not in response.text
    login = await anon.post(
        "/auth/login", data={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    )
    assert login.status_code == 200


def test_a_strong_password_passes_and_the_email_counts_against_it() -> None:
    assert password_problem("plum quartz lantern 47", email=ADMIN_EMAIL, current=None) is None
    problem = password_problem("admin@example.com!", email=ADMIN_EMAIL, current=None)
    assert problem is not None
    assert "too easy to guess" in problem
