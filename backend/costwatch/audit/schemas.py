"""Bodies of the audit routes."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from costwatch.calendar import UtcDateTime


class AuditRead(BaseModel):
    """One change of one record."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    at: UtcDateTime
    actor: str = Field(description="`admin`, `token:<name>`, or `system` (start-up, demo data).")
    action: Literal["create", "update", "delete", "import", "restore"] = Field(
        description="`create`, `update`, `delete` of one record; `import` (a CSV file of"
        " records) and `restore` (a backup) are one entry each, with counts in `after`."
    )
    entity: str = Field(description="The table: service, license_plan, usage_topup, ...")
    entity_id: int | None
    before: dict[str, Any] | None = Field(
        description="The changed fields before (an update) or the whole row (a delete)."
    )
    after: dict[str, Any] | None = Field(
        description="The changed fields after (an update) or the whole row (a create)."
    )
    request_id: str | None = Field(description="The X-Request-ID of the request that did it.")
