"""SQL of provider connections and their sync runs."""

from datetime import datetime

from sqlalchemy import select, update

from costwatch.db.repository import Repository
from costwatch.models import ProviderConnection, Service, SyncRun


class ConnectionRepository(Repository[ProviderConnection]):
    """CRUD on ``provider_connection``."""

    model = ProviderConnection

    async def list_with_names(self) -> list[tuple[ProviderConnection, str]]:
        """Every connection with its service's name, by name then id."""
        stmt = (
            select(ProviderConnection, Service.name)
            .join(Service, Service.id == ProviderConnection.service_id)
            .order_by(ProviderConnection.name, ProviderConnection.id)
        )
        return [(row[0], row[1]) for row in (await self.session.execute(stmt)).all()]

    async def service_name(self, service_id: int) -> str:
        """The name of a connection's service."""
        stmt = select(Service.name).where(Service.id == service_id)
        return str((await self.session.execute(stmt)).scalar_one())

    async def all_credentials(self) -> list[tuple[int, str]]:
        """Every connection's id and encrypted credentials (for re-encryption)."""
        stmt = select(ProviderConnection.id, ProviderConnection.credentials).order_by(
            ProviderConnection.id
        )
        return [(row[0], row[1]) for row in (await self.session.execute(stmt)).all()]

    async def set_credentials(self, connection_id: int, token: str) -> None:
        """Store re-encrypted credentials."""
        await self.session.execute(
            update(ProviderConnection)
            .where(ProviderConnection.id == connection_id)
            .values(credentials=token)
        )

    async def due(self, before: datetime) -> list[int]:
        """Enabled connections whose last sync started before ``before`` (or never ran)."""
        stmt = (
            select(ProviderConnection.id)
            .where(
                ProviderConnection.enabled.is_(True),
                (ProviderConnection.last_sync_at.is_(None))
                | (ProviderConnection.last_sync_at < before),
            )
            .order_by(ProviderConnection.id)
        )
        return list((await self.session.execute(stmt)).scalars())


class SyncRunRepository(Repository[SyncRun]):
    """CRUD on ``sync_run``."""

    model = SyncRun

    async def of_connection(self, connection_id: int, limit: int) -> list[SyncRun]:
        """The latest runs of a connection, newest first."""
        stmt = (
            select(SyncRun)
            .where(SyncRun.connection_id == connection_id)
            .order_by(SyncRun.id.desc())
            .limit(limit)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def running_since(self, connection_id: int, since: datetime) -> SyncRun | None:
        """A run of the connection still marked running that started after ``since``."""
        stmt = (
            select(SyncRun)
            .where(
                SyncRun.connection_id == connection_id,
                SyncRun.status == "running",
                SyncRun.started_at >= since,
            )
            .limit(1)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()
