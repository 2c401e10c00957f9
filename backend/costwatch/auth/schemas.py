"""Request and response bodies of the auth routes."""

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from costwatch.calendar import UtcDateTime


class Token(BaseModel):
    """A bearer token for the ``Authorization`` header."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the scheme name, not a secret
    expires_in: int = Field(description="Seconds until the token expires.")


class Me(BaseModel):
    """Who the token belongs to."""

    email: str


class PasswordChange(BaseModel):
    """Change the admin's password; every token issued before stops working."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"current_password": "the-old-password", "new_password": "plum quartz lantern 47"}
            ]
        }
    )

    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(
        min_length=12,
        max_length=256,
        description="12+ characters; not the email, the demo or the current password; not"
        " guessable (scored with zxcvbn against common passwords and patterns).",
    )


def _naive_utc(value: datetime | None) -> datetime | None:
    """Keep timestamps as naive UTC, as the database does; a time without zone is UTC."""
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


class ApiTokenCreate(BaseModel):
    """A new API token for a script."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"name": "nightly export", "scope": "read", "expires_at": None}]
        }
    )

    name: str = Field(min_length=1, max_length=100, pattern=r"\S")
    scope: Literal["read", "write"] = Field(
        description="read: GET only (403 on any write); write: everything a login can do"
        " but managing tokens."
    )
    expires_at: Annotated[datetime | None, AfterValidator(_naive_utc)] = Field(
        default=None, description="When it stops working (UTC when no offset is given)."
    )


class ApiTokenRead(BaseModel):
    """An API token, without the token itself."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    scope: Literal["read", "write"]
    prefix: str = Field(description="The token's first characters, to recognise it.")
    expires_at: UtcDateTime | None
    last_used_at: UtcDateTime | None
    created_at: UtcDateTime


class ApiTokenCreated(ApiTokenRead):
    """A token just made: the only answer that holds the token itself."""

    token: str = Field(description="Send as `Authorization: Bearer <token>`; shown only once.")
