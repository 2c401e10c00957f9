"""Request and response bodies of the auth routes."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


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
