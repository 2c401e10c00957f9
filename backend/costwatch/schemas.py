"""Helpers shared by the request schemas of every domain."""

from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, Field, model_validator

MAX_ID = 2**63 - 1
"""Ids are BIGINT: a larger one must be a 422, not an overflow in the database driver
(SQLite raised OverflowError -> 500 for provider_id = 2**63)."""

RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]
"""A reference to a stored record in a body."""


class UpdateModel(BaseModel):
    """Base of ``XUpdate`` bodies: any subset of fields, but no ``null`` where a value is required.

    Subclasses list in ``required_fields`` the columns that cannot be empty; sending ``null``
    for one of them is a 422, not a database error.
    """

    required_fields: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="after")
    def _no_null_for_required(self) -> Any:
        for name in self.required_fields:
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self

    def changes(self) -> dict[str, Any]:
        """The fields the client sent, by name."""
        return self.model_dump(exclude_unset=True)
