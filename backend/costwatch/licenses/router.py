"""Routes under ``/licenses``."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from costwatch.api import TOTAL_COUNT_HEADER, PageDep, set_total
from costwatch.db import SessionDep
from costwatch.errors import error_responses
from costwatch.licenses import service
from costwatch.licenses.schemas import LicenseCreate, LicenseRead, LicenseUpdate

router = APIRouter(prefix="/licenses", tags=["licenses"])
IdPath = Annotated[int, Path(ge=1, le=2**63 - 1)]


@router.get(
    "",
    response_model=list[LicenseRead],
    responses={**error_responses(401, 422), 200: {"headers": TOTAL_COUNT_HEADER}},
)
async def list_licenses(
    session: SessionDep,
    response: Response,
    page: PageDep,
    active: Annotated[
        bool | None,
        Query(
            description="true: the plan in force this month for each service; false: all others."
        ),
    ] = None,
    service_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
) -> list[LicenseRead]:
    """List license plans by provider and service, newest plan first."""
    rows, total = await service.list_licenses(
        session, active=active, service_id=service_id, limit=page.limit, offset=page.offset
    )
    set_total(response, total)
    return rows


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=LicenseRead,
    responses=error_responses(401, 409, 422),
)
async def create_license(session: SessionDep, body: LicenseCreate) -> LicenseRead:
    """Add a plan, or record a price/qty change as a plan with a later start month."""
    return await service.create_license(session, body)


@router.get("/{plan_id}", response_model=LicenseRead, responses=error_responses(401, 404, 422))
async def get_license(session: SessionDep, plan_id: IdPath) -> LicenseRead:
    """Read one plan."""
    return await service.get_license(session, plan_id)


@router.put("/{plan_id}", response_model=LicenseRead, responses=error_responses(401, 404, 409, 422))
async def update_license(session: SessionDep, plan_id: IdPath, body: LicenseUpdate) -> LicenseRead:
    """Correct a plan (set `end_month` to stop it)."""
    return await service.update_license(session, plan_id, body)


@router.delete(
    "/{plan_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(401, 404, 422),
)
async def delete_license(session: SessionDep, plan_id: IdPath) -> None:
    """Delete a plan entered by mistake."""
    await service.delete_license(session, plan_id)
