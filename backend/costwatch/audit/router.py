"""``GET /audit``: who changed what, and from what. No route changes an entry."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse

from costwatch.audit.repository import AuditRepository
from costwatch.audit.schemas import AuditRead
from costwatch.csv_export import FormatQuery, csv_pages, with_csv
from costwatch.db.session import SessionDep
from costwatch.errors import error_responses
from costwatch.params import TOTAL_COUNT_HEADER, IdQuery, PageDep, set_total
from costwatch.routing import DecimalJSONRoute

router = APIRouter(prefix="/audit", tags=["audit"], route_class=DecimalJSONRoute)


@router.get(
    "",
    response_model=list[AuditRead],
    responses=with_csv({**error_responses(401, 422), 200: {"headers": TOTAL_COUNT_HEADER}}),
)
async def list_audit(
    session: SessionDep,
    request: Request,
    response: Response,
    page: PageDep,
    entity: Annotated[
        str | None, Query(max_length=64, description="A table name, e.g. `license_plan`.")
    ] = None,
    entity_id: IdQuery = None,
    actor: Annotated[
        str | None, Query(max_length=120, description="`admin`, `token:<name>` or `system`.")
    ] = None,
    format: FormatQuery = "json",
) -> list[AuditRead] | StreamingResponse:
    """List every create, update and delete, newest first."""
    if format == "csv":
        return await csv_pages(
            request,
            session,
            "audit",
            AuditRead,
            lambda s, limit, offset: AuditRepository(s).list_page(
                entity=entity, entity_id=entity_id, actor=actor, limit=limit, offset=offset
            ),
        )
    rows, total = await AuditRepository(session).list_page(
        entity=entity, entity_id=entity_id, actor=actor, limit=page.limit, offset=page.offset
    )
    set_total(response, total)
    return [AuditRead.model_validate(row) for row in rows]
