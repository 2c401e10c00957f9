"""The manifest of a backup file and the answer of a restore."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FORMAT: Literal["costwatch-backup"] = "costwatch-backup"
FORMAT_VERSION = 1


class ManifestFile(BaseModel):
    """One CSV file of the backup: a table."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=100, description="The file in the zip: `<table>.csv`.")
    table: str = Field(max_length=64)
    rows: int = Field(ge=0, description="Data rows (the header not counted).")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the file's bytes.")


class Manifest(BaseModel):
    """``manifest.json``: what the backup holds and how to check it."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["costwatch-backup"] = FORMAT
    format_version: int = Field(description="The layout of the file; 1.")
    schema_revision: str = Field(
        max_length=64,
        description="The Alembic revision of the database it came from; a restore needs the"
        " same one.",
    )
    created_at: datetime
    app_version: str = Field(max_length=40)
    secrets: bool = Field(
        description="Whether provider connections and notification channels are in it (their"
        " secrets encrypted with the key of the deployment that made it)."
    )
    files: list[ManifestFile] = Field(max_length=100)


class RestoreReport(BaseModel):
    """What a restore stored."""

    schema_revision: str
    created_at: datetime = Field(description="When the backup was made.")
    secrets: bool
    tables: dict[str, int] = Field(description="Rows restored per table.")
