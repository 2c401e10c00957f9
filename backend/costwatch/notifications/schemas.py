"""Request and response bodies of notification channels and their deliveries."""

import re
from typing import Annotated, Any, ClassVar, Literal, get_args

import httpx
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from costwatch.calendar import UtcDateTime
from costwatch.schemas import UpdateModel

ChannelKind = Literal["email", "slack", "webhook"]
AlertKind = Literal["budget", "low_balance", "runway", "commitment", "anomaly"]
ALERT_KINDS: tuple[AlertKind, ...] = get_args(AlertKind)
MIN_SECRET_LENGTH = 16
MAX_SECRET_LENGTH = 500

# One address, nothing a mail header could be made of beyond it (no spaces, commas, brackets).
_EMAIL = re.compile(r"[^@\s<>()\[\],;:\"\\]{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})*")

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Target = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Secret = Annotated[str, Field(min_length=MIN_SECRET_LENGTH, max_length=MAX_SECRET_LENGTH)]


def check_target(kind: str, target: str) -> str:
    """The target if it suits the kind (an address for email, an http(s) URL otherwise)."""
    if any(ord(character) < 32 or character.isspace() for character in target):
        raise ValueError("target must not contain spaces or control characters")
    if kind == "email":
        if not _EMAIL.fullmatch(target):
            raise ValueError("target must be an email address such as ops@example.com")
        return target
    if not target.startswith(("http://", "https://")):
        raise ValueError(f"target of a {kind} channel must be an http:// or https:// URL")
    try:
        url = httpx.URL(target)
    except httpx.InvalidURL as exc:
        raise ValueError(f"target is not a valid URL: {exc}") from exc
    if not url.host:
        raise ValueError("target URL has no host")
    return target


def check_secret(kind: str, secret: str | None) -> None:
    """A webhook needs a signing key; the other kinds take none."""
    if kind == "webhook" and not secret:
        raise ValueError(
            f"a webhook channel needs a secret (its signing key, {MIN_SECRET_LENGTH} characters"
            " or more)"
        )
    if kind != "webhook" and secret is not None:
        raise ValueError("only webhook channels take a secret")
    if secret is not None and (secret != secret.strip() or any(ord(c) < 32 for c in secret)):
        raise ValueError("secret must not have spaces around it or control characters")


def _unique_kinds(kinds: list[AlertKind]) -> list[AlertKind]:
    return [kind for kind in ALERT_KINDS if kind in kinds]


def _all_kinds() -> list[AlertKind]:
    return list(ALERT_KINDS)


class ChannelCreate(BaseModel):
    """Where alerts are sent."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "webhook",
                    "name": "On-call bridge",
                    "target": "https://hooks.example.com/costwatch",
                    "secret": "a-long-random-signing-key",
                    "kinds": ["budget", "runway"],
                },
                {"kind": "email", "name": "Finance", "target": "finance@example.com"},
            ]
        },
    )

    kind: ChannelKind
    name: Name
    target: Target = Field(description="An email address for email, an http(s) URL otherwise.")
    secret: Secret | None = Field(
        default=None,
        description="The webhook signing key (write-only; required for webhooks, refused"
        " for the other kinds).",
    )
    enabled: bool = True
    kinds: list[AlertKind] = Field(
        default_factory=_all_kinds,
        min_length=1,
        description="The alert kinds the channel receives (all by default).",
    )

    @model_validator(mode="after")
    def _per_kind(self) -> "ChannelCreate":
        self.target = check_target(self.kind, self.target)
        check_secret(self.kind, self.secret)
        self.kinds = _unique_kinds(self.kinds)
        return self


class ChannelUpdate(UpdateModel):
    """Any subset of a channel's fields; `secret` replaces the stored key."""

    required_fields: ClassVar[tuple[str, ...]] = ("kind", "name", "target", "enabled", "kinds")
    model_config = ConfigDict(extra="forbid")

    kind: ChannelKind | None = None
    name: Name | None = None
    target: Target | None = None
    secret: Secret | None = None
    enabled: bool | None = None
    kinds: list[AlertKind] | None = Field(default=None, min_length=1)

    def changes(self) -> dict[str, Any]:
        """The fields sent; ``kinds`` deduplicated in their canonical order."""
        changes = super().changes()
        if changes.get("kinds") is not None:
            changes["kinds"] = _unique_kinds(changes["kinds"])
        return changes


class ChannelRead(BaseModel):
    """A channel as the API shows it: never its secret."""

    id: int
    kind: ChannelKind
    name: str
    target: str
    has_secret: bool
    enabled: bool
    kinds: list[AlertKind]
    created_at: UtcDateTime
    updated_at: UtcDateTime


class DeliveryRead(BaseModel):
    """One message sent (or not) to a channel."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    channel_id: int
    event_id: int | None = Field(description="The alert event notified; null for a test.")
    event: str = Field(description="`test`, `alert.opened`, ...")
    status: Literal["sending", "sent", "failed"]
    attempts: int
    response_status: int | None = Field(
        description="The receiver's last HTTP status (or SMTP reply code)."
    )
    error: str | None
    started_at: UtcDateTime
    finished_at: UtcDateTime | None
