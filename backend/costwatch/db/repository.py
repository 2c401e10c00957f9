"""The generic part of every repository: CRUD on one table, pages and counts."""

from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from costwatch.models.base import Base

AnySelect = Select[*tuple[Any, ...]]
"""A SELECT of any columns (reports, aggregates)."""


def order_by(sort: str, columns: dict[str, list[Any]], tiebreak: Any) -> list[ColumnElement[Any]]:
    """ORDER BY terms for a ``sort`` value: a field name, or ``-name`` for descending.

    ``columns`` maps each sortable field to the columns it sorts by (a name may sort by
    several, e.g. provider then service); a ``Reversed`` column runs the other way. ``tiebreak``
    (the id) comes last so that pages never overlap or skip rows between requests.
    """
    descending = sort.startswith("-")
    terms = []
    for column in [*columns[sort.lstrip("-")], tiebreak]:
        backwards = descending != isinstance(column, Reversed)
        inner = column.column if isinstance(column, Reversed) else column
        terms.append(inner.desc() if backwards else inner.asc())
    return terms


class Reversed:
    """A sort column that runs against the field's direction (newest plan first, say)."""

    def __init__(self, column: Any) -> None:
        self.column = column


class Repository[ModelT: Base]:
    """Create, read, update and delete rows of ``model``; subclasses add their queries."""

    model: type[ModelT]

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, row_id: int, *, for_update: bool = False) -> ModelT | None:
        """The row with that id, or ``None``.

        ``for_update`` locks the row until the transaction ends (``SELECT ... FOR UPDATE``)
        *before* reading it: a second writer of the same row waits, then sees the first
        one's outcome (a delete makes it ``None``) instead of acting on a stale copy.
        """
        if for_update:
            # populate_existing: a copy already in the session would otherwise be returned
            # as it was, without the values read under the lock.
            return await self.session.get(
                self.model, row_id, with_for_update=True, populate_existing=True
            )
        return await self.session.get(self.model, row_id)

    async def add(self, **values: Any) -> ModelT:
        """Insert a row and read back what the database filled in (id, timestamps)."""
        row = self.model(**values)
        self.session.add(row)
        await self.session.flush()
        await self.session.refresh(row)
        return row

    async def update(self, row: ModelT, **values: Any) -> ModelT:
        """Change some columns of a row and read back its new ``updated_at``."""
        for name, value in values.items():
            setattr(row, name, value)
        await self.session.flush()
        await self.session.refresh(row)
        return row

    async def delete(self, row: ModelT) -> None:
        """Remove a row."""
        await self.session.delete(row)
        await self.session.flush()

    async def count(self, stmt: Select[Any]) -> int:
        """How many rows ``stmt`` selects, ignoring its order, limit and offset."""
        # Count the ids only: the statement may load joined rows (contains_eager) whose
        # columns would clash by name inside a subquery.
        ids = self.model.id  # type: ignore[attr-defined]  # every table but the rollup has one
        inner = stmt.with_only_columns(ids, maintain_column_froms=True).order_by(None)
        counted = select(func.count()).select_from(inner.subquery())
        total: int = (await self.session.execute(counted)).scalar_one()
        return total

    async def page(
        self, stmt: Select[ModelT], *, limit: int, offset: int
    ) -> tuple[list[ModelT], int]:
        """One page of the rows ``stmt`` selects, and how many it selects in all."""
        total = await self.count(stmt)
        rows = (await self.session.execute(stmt.limit(limit).offset(offset))).scalars().unique()
        return list(rows), total
