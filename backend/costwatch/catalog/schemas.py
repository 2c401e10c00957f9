"""Bodies of the catalog routes."""

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from costwatch.calendar import UtcDateTime
from costwatch.schemas import RecordId, UpdateModel


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class CategoryRead(BaseModel):
    """A cost category."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str = Field(description="Stable code: infrastructure, license or usage.")
    name: str
    description: str | None
    created_at: UtcDateTime
    updated_at: UtcDateTime


class ProviderCreate(BaseModel):
    """A new provider."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"name": "Amazon Web Services", "website": "https://aws.amazon.com"}]
        }
    )

    name: str = Field(min_length=1, max_length=128, pattern=r"\S")
    website: str | None = Field(default=None, max_length=255)

    _strip_name = field_validator("name", "website")(_strip)


class ProviderUpdate(UpdateModel):
    """Fields of a provider to change."""

    required_fields: ClassVar[tuple[str, ...]] = ("name",)
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"website": "https://azure.microsoft.com"}]}
    )

    name: str | None = Field(default=None, min_length=1, max_length=128, pattern=r"\S")
    website: str | None = Field(default=None, max_length=255)

    _strip_name = field_validator("name", "website")(_strip)


class ProviderRead(BaseModel):
    """A provider."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    website: str | None
    created_at: UtcDateTime
    updated_at: UtcDateTime


class ServiceCreate(BaseModel):
    """A new service."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "provider_id": 1,
                    "category_id": 1,
                    "name": "AWS production account",
                    "description": "EC2, RDS and S3 for the main product",
                    "active": True,
                }
            ]
        }
    )

    provider_id: RecordId
    category_id: RecordId
    name: str = Field(min_length=1, max_length=128, pattern=r"\S")
    description: str | None = Field(default=None, max_length=10_000)
    active: bool = True

    _strip_name = field_validator("name")(_strip)


class ServiceUpdate(UpdateModel):
    """Fields of a service to change; any subset."""

    required_fields: ClassVar[tuple[str, ...]] = ("provider_id", "category_id", "name", "active")
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"name": "AWS (prod)", "active": False}]}
    )

    provider_id: RecordId | None = None
    category_id: RecordId | None = None
    name: str | None = Field(default=None, min_length=1, max_length=128, pattern=r"\S")
    description: str | None = Field(default=None, max_length=10_000)
    active: bool | None = None

    _strip_name = field_validator("name")(_strip)


class ServiceRead(BaseModel):
    """A service, with the names of its provider and category."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    provider_id: int
    category_id: int
    name: str
    description: str | None
    active: bool
    provider_name: str
    category_name: str
    category_code: str = Field(description="The category's stable code.")
    created_at: UtcDateTime
    updated_at: UtcDateTime
