"""Routes under ``/licenses``."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import StreamingResponse

from costwatch.csv_export import FormatQuery, csv_pages, with_csv
from costwatch.db.session import SessionDep
from costwatch.errors import error_responses
from costwatch.licenses import service
from costwatch.licenses.schemas import LicenseCreate, LicenseRead, LicenseUpdate
from costwatch.params import (
    TOTAL_COUNT_HEADER,
    IdPath,
    IdQuery,
    PageDep,
    set_total,
    sort_description,
)
from costwatch.routing import DecimalJSONRoute

router = APIRouter(prefix="/licenses", tags=["licenses"], route_class=DecimalJSONRoute)
LicenseSort = Literal[
    "provider_name",
    "-provider_name",
    "service_name",
    "-service_name",
    "qty",
    "-qty",
    "monthly_unit_cost",
    "-monthly_unit_cost",
    "monthly_cost",
    "-monthly_cost",
    "start_month",
    "-start_month",
    "end_month",
    "-end_month",
    "annual_commitment_end",
    "-annual_commitment_end",
]


@router.get(
    "",
    response_model=list[LicenseRead],
    responses=with_csv({**error_responses(401, 422), 200: {"headers": TOTAL_COUNT_HEADER}}),
)
async def list_licenses(
    session: SessionDep,
    request: Request,
    response: Response,
    page: PageDep,
    active: Annotated[
        bool | None,
        Query(
            description="true: the plan in force this month for each service; false: all others."
        ),
    ] = None,
    service_id: IdQuery = None,
    provider_id: IdQuery = None,
    q: Annotated[
        str | None,
        Query(max_length=128, description="Case-insensitive substring of the service's name."),
    ] = None,
    sort: Annotated[
        LicenseSort, Query(description=sort_description("provider_name"))
    ] = "provider_name",
    format: FormatQuery = "json",
) -> list[LicenseRead] | StreamingResponse:
    """List license plans by provider and service, newest plan first (or as `sort` says)."""
    if format == "csv":
        return await csv_pages(
            request,
            session,
            "licenses",
            LicenseRead,
            lambda s, limit, offset: service.list_licenses(
                s,
                active=active,
                service_id=service_id,
                provider_id=provider_id,
                q=q,
                sort=sort,
                limit=limit,
                offset=offset,
            ),
        )
    rows, total = await service.list_licenses(
        session,
        active=active,
        service_id=service_id,
        provider_id=provider_id,
        q=q,
        sort=sort,
        limit=page.limit,
        offset=page.offset,
    )
    set_total(response, total)
    return [LicenseRead.model_validate(row) for row in rows]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=LicenseRead,
    responses=error_responses(401, 409, 422),
)
async def create_license(session: SessionDep, body: LicenseCreate) -> LicenseRead:
    """Add a plan, or record a price/qty change as a plan with a later start month."""
    return LicenseRead.model_validate(await service.create_license(session, body))


@router.get("/{plan_id}", response_model=LicenseRead, responses=error_responses(401, 404, 422))
async def get_license(session: SessionDep, plan_id: IdPath) -> LicenseRead:
    """Read one plan."""
    return LicenseRead.model_validate(await service.get_license(session, plan_id))


@router.put("/{plan_id}", response_model=LicenseRead, responses=error_responses(401, 404, 409, 422))
async def update_license(session: SessionDep, plan_id: IdPath, body: LicenseUpdate) -> LicenseRead:
    """Correct a plan (set `end_month` to stop it)."""
    return LicenseRead.model_validate(await service.update_license(session, plan_id, body))


@router.delete(
    "/{plan_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(401, 404, 422),
)
async def delete_license(session: SessionDep, plan_id: IdPath) -> None:
    """Delete a plan entered by mistake."""
    await service.delete_license(session, plan_id)
