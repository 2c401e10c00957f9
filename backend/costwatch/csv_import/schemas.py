"""Bodies of the import routes."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

RecordKind = Literal["invoices", "licenses", "topups", "consumption"]
"""The record types a CSV file can hold."""


class RowError(BaseModel):
    """What is wrong with one row (or with the header: row 0)."""

    row: int = Field(
        description="1 is the first row after the header (the header itself is 0); blank"
        " lines count, so this is the record's number in the file."
    )
    field: str | None = Field(description="The column at fault; null for the row as a whole.")
    message: str


class ImportReport(BaseModel):
    """The outcome of a dry run or a commit."""

    rows: int = Field(description="Data rows read (blank lines not counted).")
    valid: int = Field(description="Rows without an error.")
    errors: list[RowError]
    committed: bool = Field(description="Whether the rows were stored (never only some).")


class ImportRefused(ImportReport):
    """A commit refused because some rows are bad: nothing was stored."""

    detail: str


class FieldError(BaseModel):
    """One field FastAPI or a rule refused (the usual 422 shape)."""

    model_config = ConfigDict(extra="allow")

    loc: list[str | int]
    msg: str
    type: str


class RequestRefused(BaseModel):
    """A request refused before any row was read: the file is missing, a parameter is wrong."""

    detail: list[FieldError]
