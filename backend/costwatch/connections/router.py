"""Routes under ``/connections``: provider billing APIs that fill Usage services by themselves."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from costwatch.connections import service
from costwatch.connections.schemas import (
    ConnectionCreate,
    ConnectionRead,
    ConnectionUpdate,
    SyncResult,
    SyncRunRead,
)
from costwatch.connections.sync import Writer, sync_connection
from costwatch.db.session import SessionDep, own_transactions
from costwatch.errors import error_responses
from costwatch.params import IdPath
from costwatch.routing import DecimalJSONRoute
from costwatch.vault import Vault

router = APIRouter(prefix="/connections", tags=["connections"], route_class=DecimalJSONRoute)


def _vault(request: Request) -> Vault:
    vault: Vault = request.app.state.vault
    return vault


@router.get("", response_model=list[ConnectionRead], responses=error_responses(401))
async def list_connections(session: SessionDep) -> list[ConnectionRead]:
    """List provider connections (credentials are never returned: see `has_credentials`)."""
    return await service.list_connections(session)


@router.post(
    "",
    response_model=ConnectionRead,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 422),
)
async def create_connection(
    session: SessionDep, request: Request, body: ConnectionCreate
) -> ConnectionRead:
    """Connect a provider's billing API to a Usage service; the credentials are encrypted."""
    return await service.create_connection(session, _vault(request), body)


@router.get(
    "/{connection_id}", response_model=ConnectionRead, responses=error_responses(401, 404, 422)
)
async def get_connection(session: SessionDep, connection_id: IdPath) -> ConnectionRead:
    """One connection, with the provider's balance beside ours."""
    return await service.get_connection(session, connection_id)


@router.put(
    "/{connection_id}", response_model=ConnectionRead, responses=error_responses(401, 404, 422)
)
async def update_connection(
    session: SessionDep, request: Request, connection_id: IdPath, body: ConnectionUpdate
) -> ConnectionRead:
    """Change a connection; send `credentials` to replace the stored ones."""
    return await service.update_connection(session, _vault(request), connection_id, body)


@router.delete(
    "/{connection_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 404, 422),
)
async def delete_connection(session: SessionDep, connection_id: IdPath) -> Response:
    """Remove a connection and its run history; the consumption it synced stays."""
    await service.delete_connection(session, connection_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{connection_id}/sync",
    response_model=SyncResult,
    responses=error_responses(401, 404, 409, 422, 502),
)
@own_transactions
async def sync_now(session: SessionDep, request: Request, connection_id: IdPath) -> SyncResult:
    """Sync now: fetch the provider's daily costs and balance; 502 when the provider fails."""
    # The request's own session only read (who is asking); end its transaction now, so that
    # it holds no connection (nor snapshot) while the sync waits on the provider.
    await session.commit()
    state = request.app.state
    run, counts = await sync_connection(
        Writer(state.sessionmaker, state.write_lock), _vault(request), connection_id
    )
    return SyncResult(
        run_id=run.id,
        days=counts.days,
        created=counts.created,
        updated=counts.updated,
        unchanged=counts.unchanged,
        through=run.through,
    )


@router.get(
    "/{connection_id}/runs",
    response_model=list[SyncRunRead],
    responses=error_responses(401, 404, 422),
)
async def list_runs(
    session: SessionDep,
    connection_id: IdPath,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[SyncRunRead]:
    """The history of a connection's syncs, newest first."""
    return [
        SyncRunRead.model_validate(run)
        for run in await service.list_runs(session, connection_id, limit)
    ]
