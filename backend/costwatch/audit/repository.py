"""SQL for reading ``audit_log``."""

from sqlalchemy import select

from costwatch.db.repository import Repository
from costwatch.models import AuditEntry


class AuditRepository(Repository[AuditEntry]):
    """Reads of ``audit_log``: there is no update or delete."""

    model = AuditEntry

    async def list_page(
        self,
        *,
        entity: str | None,
        entity_id: int | None,
        actor: str | None,
        limit: int,
        offset: int,
    ) -> tuple[list[AuditEntry], int]:
        """Entries, newest first, filtered."""
        stmt = select(AuditEntry).order_by(AuditEntry.id.desc())
        if entity is not None:
            stmt = stmt.where(AuditEntry.entity == entity)
        if entity_id is not None:
            stmt = stmt.where(AuditEntry.entity_id == entity_id)
        if actor is not None:
            stmt = stmt.where(AuditEntry.actor == actor)
        return await self.page(stmt, limit=limit, offset=offset)
