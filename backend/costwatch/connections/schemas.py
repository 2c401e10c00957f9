"""Request and response bodies of provider connections and their sync runs."""

from datetime import date
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from costwatch.calendar import Day, UtcDateTime
from costwatch.money import Money
from costwatch.schemas import RecordId, UpdateModel

ConnectionKind = Literal["openai", "anthropic", "twilio", "openrouter"]

# The credential fields each kind needs (the connectors' ``credential_fields``).
CREDENTIAL_FIELDS: dict[str, tuple[str, ...]] = {
    "openai": ("api_key",),
    "anthropic": ("api_key",),
    "twilio": ("account_sid", "auth_token"),
    "openrouter": ("api_key",),
}
MAX_SECRET_LENGTH = 500


def _url(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip().rstrip("/")
    if not value.startswith(("http://", "https://")) or len(value) < len("http://x"):
        raise ValueError("must be an http:// or https:// URL")
    if any(character.isspace() or ord(character) < 32 for character in value):
        raise ValueError("must not contain spaces or control characters")
    return value


BaseUrl = Annotated[str | None, AfterValidator(_url)]


def check_credentials(kind: str, credentials: dict[str, Any]) -> dict[str, str]:
    """The credentials a kind needs, exactly; raise ValueError naming what is wrong (no value)."""
    needed = CREDENTIAL_FIELDS[kind]
    missing = [name for name in needed if not credentials.get(name)]
    if missing:
        raise ValueError(
            f"{kind} needs credentials {', '.join(needed)}; missing {', '.join(missing)}"
        )
    unknown = sorted(set(credentials) - set(needed))
    if unknown:
        raise ValueError(f"{kind} takes only {', '.join(needed)}; unknown {', '.join(unknown)}")
    checked = {}
    for name in needed:
        value = credentials[name]
        if not isinstance(value, str) or len(value) > MAX_SECRET_LENGTH:
            raise ValueError(f"credentials.{name} must be a string of at most 500 characters")
        if value != value.strip() or any(ord(character) < 32 for character in value):
            raise ValueError(
                f"credentials.{name} must not have spaces around it or control characters"
            )
        checked[name] = value
    return checked


class ConnectionCreate(BaseModel):
    """A provider's billing API feeding one Usage service."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "openai",
                    "name": "OpenAI org",
                    "service_id": 3,
                    "credentials": {"api_key": "sk-admin-..."},
                    "sync_from": "2026-09-01",
                }
            ]
        },
    )

    kind: ConnectionKind
    name: str = Field(min_length=1, max_length=100, pattern=r"\S")
    service_id: RecordId = Field(description="The Usage service whose consumption it writes.")
    credentials: dict[str, Any] = Field(
        description='Write-only. `{"api_key"}`; Twilio: `{"account_sid", "auth_token"}`.',
        json_schema_extra={"writeOnly": True},
    )
    base_url: BaseUrl = Field(
        default=None, max_length=255, description="The provider's public API when empty."
    )
    enabled: bool = True
    sync_from: Day | None = Field(
        default=None, description="The first day to import; 90 days ago when empty."
    )

    @field_validator("credentials")
    @classmethod
    def _credentials_of_kind(cls, value: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        # A field validator (kind is validated before it): its 422 names `credentials`, so the
        # error handler leaves the submitted secrets out of the answer.
        kind = info.data.get("kind")
        return check_credentials(kind, value) if kind is not None else value


class ConnectionUpdate(UpdateModel):
    """Any subset of a connection's fields; new ``credentials`` replace the stored ones."""

    model_config = ConfigDict(extra="forbid")
    required_fields: ClassVar[tuple[str, ...]] = (
        "name",
        "service_id",
        "credentials",
        "enabled",
        "sync_from",
    )

    name: str | None = Field(default=None, min_length=1, max_length=100, pattern=r"\S")
    service_id: RecordId | None = None
    credentials: dict[str, Any] | None = Field(default=None, json_schema_extra={"writeOnly": True})
    base_url: BaseUrl = Field(default=None, max_length=255)
    enabled: bool | None = None
    sync_from: Day | None = None


class ConnectionRead(BaseModel):
    """A connection, without its credentials."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: ConnectionKind
    name: str
    service_id: int
    service_name: str
    base_url: str | None
    enabled: bool
    sync_from: date
    synced_through: date | None = Field(description="The last day a sync completed.")
    has_credentials: bool
    last_sync_at: UtcDateTime | None
    last_status: Literal["ok", "error", "never"]
    last_error: str | None
    provider_balance: Money | None = Field(description="The balance the provider reports.")
    provider_balance_currency: str | None
    balance: Money | None = Field(description="Our balance of the service, for comparison.")
    balance_difference: Money | None = Field(
        description="provider_balance - balance, when both exist in one currency."
    )
    created_at: UtcDateTime
    updated_at: UtcDateTime


class SyncResult(BaseModel):
    """What one sync changed."""

    run_id: int
    days: int = Field(description="Days the provider reported in the synced range.")
    created: int
    updated: int
    unchanged: int
    through: date | None = Field(description="The last day synced.")


class SyncRunRead(BaseModel):
    """One sync of a connection."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    trigger: Literal["manual", "schedule"]
    status: Literal["running", "ok", "error"]
    started_at: UtcDateTime
    finished_at: UtcDateTime | None
    first_day: date | None
    through: date | None
    days: int
    created: int
    updated: int
    unchanged: int
    error: str | None
