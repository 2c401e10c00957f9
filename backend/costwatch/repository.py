"""The generic part of every repository: CRUD on one table."""

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from costwatch.db import Base

AnySelect = Select[*tuple[Any, ...]]
"""A SELECT of any columns."""


class Repository[ModelT: Base]:
    """Create, read, update and delete rows of ``model``; subclasses add their queries."""

    model: type[ModelT]

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, row_id: int) -> ModelT | None:
        """The row with that id, or ``None``."""
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

    async def page(self, stmt: AnySelect, *, limit: int, offset: int) -> tuple[list[Any], int]:
        """One page of ``stmt``'s rows and the count of all of them."""
        total_stmt = select(func.count()).select_from(stmt.order_by(None).subquery())
        total = (await self.session.execute(total_stmt)).scalar_one()
        rows = (await self.session.execute(stmt.limit(limit).offset(offset))).all()
        return list(rows), total
