"""Business rules of provider connections: credentials sealed on the way in, never out."""

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from costwatch import clock
from costwatch.catalog.service import require_service
from costwatch.connections.repository import ConnectionRepository, SyncRunRepository
from costwatch.connections.schemas import (
    ConnectionCreate,
    ConnectionRead,
    ConnectionUpdate,
    check_credentials,
)
from costwatch.errors import Invalid, NotFound
from costwatch.models import CategoryCode, ProviderConnection, SyncRun
from costwatch.usage.service import get_balance
from costwatch.vault import Vault

DEFAULT_BACKFILL = timedelta(days=90)


async def _read(
    session: AsyncSession, connection: ProviderConnection, service_name: str | None = None
) -> ConnectionRead:
    """The answer for a connection: its fields, our balance beside the provider's."""
    if service_name is None:
        service_name = await ConnectionRepository(session).service_name(connection.service_id)
    ours = None
    difference = None
    if connection.provider_balance is not None:
        balance = await get_balance(session, connection.service_id)
        ours = balance.balance
        if balance.currency == connection.provider_balance_currency:
            difference = connection.provider_balance - ours
    return ConnectionRead(
        id=connection.id,
        kind=connection.kind,
        name=connection.name,
        service_id=connection.service_id,
        service_name=service_name,
        base_url=connection.base_url,
        enabled=connection.enabled,
        sync_from=connection.sync_from,
        synced_through=connection.synced_through,
        has_credentials=bool(connection.credentials),
        last_sync_at=connection.last_sync_at,
        last_status=connection.last_status,
        last_error=connection.last_error,
        provider_balance=connection.provider_balance,
        provider_balance_currency=connection.provider_balance_currency,
        balance=ours,
        balance_difference=difference,
        created_at=connection.created_at,
        updated_at=connection.updated_at,
    )


async def list_connections(session: AsyncSession) -> list[ConnectionRead]:
    """Every connection, by name."""
    rows = await ConnectionRepository(session).list_with_names()
    return [await _read(session, connection, name) for connection, name in rows]


async def _get(
    session: AsyncSession, connection_id: int, *, lock: bool = False
) -> ProviderConnection:
    connection = await ConnectionRepository(session).get(connection_id, for_update=lock)
    if connection is None:
        raise NotFound(f"Connection {connection_id} does not exist.")
    return connection


async def get_connection(session: AsyncSession, connection_id: int) -> ConnectionRead:
    """One connection, or 404."""
    return await _read(session, await _get(session, connection_id))


async def create_connection(
    session: AsyncSession, vault: Vault, body: ConnectionCreate
) -> ConnectionRead:
    """Add a connection; its credentials are encrypted before they are stored."""
    await require_service(session, body.service_id, CategoryCode.USAGE)
    sync_from = body.sync_from or clock.today() - DEFAULT_BACKFILL
    if sync_from > clock.today():
        raise Invalid("sync_from", "sync_from must not be in the future")
    connection = await ConnectionRepository(session).add(
        kind=body.kind,
        name=body.name.strip(),
        service_id=body.service_id,
        credentials=vault.encrypt(body.credentials),
        base_url=body.base_url,
        enabled=body.enabled,
        sync_from=sync_from,
    )
    return await _read(session, connection)


async def update_connection(
    session: AsyncSession, vault: Vault, connection_id: int, body: ConnectionUpdate
) -> ConnectionRead:
    """Change a connection; new credentials replace the old ones, encrypted."""
    connection = await _get(session, connection_id, lock=True)
    changes = body.changes()
    if "credentials" in changes:
        try:
            credentials = check_credentials(connection.kind, changes["credentials"])
        except ValueError as exc:
            raise Invalid("credentials", str(exc)) from exc
        changes["credentials"] = vault.encrypt(credentials)
        # New keys deserve a new try, and a fresh status.
        changes.update(last_status="never", last_error=None)
    if "service_id" in changes and changes["service_id"] != connection.service_id:
        await require_service(session, changes["service_id"], CategoryCode.USAGE)
        changes["synced_through"] = None  # the new service has none of the history
    if "sync_from" in changes:
        if changes["sync_from"] > clock.today():
            raise Invalid("sync_from", "sync_from must not be in the future")
        if changes["sync_from"] < connection.sync_from:
            changes["synced_through"] = None  # backfill from the earlier day
    if "name" in changes:
        changes["name"] = changes["name"].strip()
    await ConnectionRepository(session).update(connection, **changes)
    return await _read(session, connection)


async def delete_connection(session: AsyncSession, connection_id: int) -> None:
    """Remove a connection and its run history; the consumption it synced stays."""
    repo = ConnectionRepository(session)
    await repo.delete(await _get(session, connection_id, lock=True))


async def list_runs(session: AsyncSession, connection_id: int, limit: int) -> list[SyncRun]:
    """The latest syncs of a connection, newest first."""
    await _get(session, connection_id)
    return await SyncRunRepository(session).of_connection(connection_id, limit)
