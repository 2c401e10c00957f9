"""Routes ``GET /backup`` (download the ledger as one zip) and ``POST /restore`` (upload one).

``/restore`` receives its file like the CSV imports (``costwatch.uploads``): the token is
checked before the upload is read, the upload streams to a temporary file within
``COSTWATCH_MAX_UPLOAD_BYTES``, and only then does the transaction start.
"""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from costwatch import clock
from costwatch.backup import service
from costwatch.backup.schemas import RestoreReport
from costwatch.db.audit_trail import set_actor
from costwatch.db.session import SessionDep, request_session
from costwatch.errors import error_responses
from costwatch.logs import request_id_var
from costwatch.routing import DecimalJSONRoute
from costwatch.uploads import received_file, upload_body

router = APIRouter(tags=["backup"], route_class=DecimalJSONRoute)
restore = APIRouter(tags=["backup"], route_class=DecimalJSONRoute)

MEDIA_TYPE = "application/zip"


@router.get(
    "/backup",
    response_class=StreamingResponse,
    responses={
        **error_responses(401, 422),
        200: {
            "content": {MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            "description": "The backup, as a download.",
        },
    },
)
async def download_backup(
    request: Request,
    session: SessionDep,
    secrets: Annotated[
        bool,
        Query(
            description="Also the provider connections and notification channels, with their"
            " secrets as stored: encrypted, readable only by a deployment with the same"
            " `COSTWATCH_ENCRYPTION_KEYS`. Off by default."
        ),
    ] = False,
) -> StreamingResponse:
    """The whole ledger as one zip file: a CSV per table and `manifest.json`.

    The manifest names the format version, the schema revision, when the file was made, and
    each file's row count and SHA-256. Streamed as it is read, in one consistent snapshot.
    Users, API tokens and the audit log are not in it. `POST /restore` reads it back.
    """
    revision = await service.schema_revision(session)
    factory: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker

    async def body() -> AsyncIterator[bytes]:
        # A session of its own: the route's ends when the route returns, before the body.
        async with factory() as reader:
            await service.begin_snapshot(reader)
            async for chunk in service.export_backup(reader, revision=revision, secrets=secrets):
                yield chunk

    name = f"costwatch-backup-{clock.now():%Y%m%d-%H%M%S}.zip"
    return StreamingResponse(
        body(),
        media_type=MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@restore.post(
    "/restore",
    response_model=RestoreReport,
    responses=error_responses(400, 401, 403, 409, 413, 422),
    openapi_extra=upload_body("A backup file made by `GET /backup` (.zip)."),
)
async def restore_backup(request: Request) -> RestoreReport:
    """Restore a backup into this deployment, whose ledger must be empty (409 otherwise).

    Checked before anything is stored: the manifest (same schema revision as this
    database), each file's SHA-256, every cell against its column, every reference. A bad
    file is a 422 naming the file, row and column, and stores nothing; a good one is stored
    whole, in one transaction, with its ids, and noted in the audit log.
    """
    async with (
        received_file(request, "backup file (.zip)") as file,
        request_session(request) as session,
    ):
        set_actor(session.sync_session, request.state.actor, request_id_var.get())
        return await service.restore_backup(session, file, request.app.state.vault)
