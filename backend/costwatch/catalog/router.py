"""Routes for categories, providers and services."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import StreamingResponse

from costwatch.catalog import service
from costwatch.catalog.schemas import (
    CategoryRead,
    ProviderCreate,
    ProviderRead,
    ProviderUpdate,
    ServiceCreate,
    ServiceRead,
    ServiceUpdate,
)
from costwatch.csv_export import FormatQuery, ReportFormatQuery, csv_models, csv_pages, with_csv
from costwatch.db.session import SessionDep
from costwatch.errors import error_responses
from costwatch.params import (
    TOTAL_COUNT_HEADER,
    IdPath,
    IdQuery,
    PageDep,
    set_total,
    sort_description,
)
from costwatch.routing import DecimalJSONRoute

router = APIRouter(route_class=DecimalJSONRoute)

ProviderSort = Literal["name", "-name", "website", "-website"]
ServiceSort = Literal[
    "name",
    "-name",
    "provider_name",
    "-provider_name",
    "category_name",
    "-category_name",
    "active",
    "-active",
    "created_at",
    "-created_at",
]
NameQuery = Annotated[
    str | None, Query(max_length=128, description="Case-insensitive substring of the name.")
]


@router.get(
    "/categories",
    tags=["catalog"],
    response_model=list[CategoryRead],
    responses=with_csv(error_responses(401, 422)),
)
async def list_categories(
    session: SessionDep, format: ReportFormatQuery = "json"
) -> list[CategoryRead] | StreamingResponse:
    """List the three cost categories."""
    rows = await service.list_categories(session)
    if format == "csv":
        return csv_models("categories", CategoryRead, rows)
    return [CategoryRead.model_validate(row) for row in rows]


@router.get(
    "/providers",
    tags=["providers"],
    response_model=list[ProviderRead],
    responses=with_csv({**error_responses(401, 422), 200: {"headers": TOTAL_COUNT_HEADER}}),
)
async def list_providers(
    session: SessionDep,
    request: Request,
    response: Response,
    page: PageDep,
    q: NameQuery = None,
    sort: Annotated[ProviderSort, Query(description=sort_description("name"))] = "name",
    format: FormatQuery = "json",
) -> list[ProviderRead] | StreamingResponse:
    """List providers, by name unless `sort` says otherwise."""
    if format == "csv":
        return await csv_pages(
            request,
            session,
            "providers",
            ProviderRead,
            lambda s, limit, offset: service.list_providers(
                s, q=q, sort=sort, limit=limit, offset=offset
            ),
        )
    rows, total = await service.list_providers(
        session, q=q, sort=sort, limit=page.limit, offset=page.offset
    )
    set_total(response, total)
    return [ProviderRead.model_validate(row) for row in rows]


@router.post(
    "/providers",
    tags=["providers"],
    status_code=status.HTTP_201_CREATED,
    response_model=ProviderRead,
    responses=error_responses(401, 409, 422),
)
async def create_provider(session: SessionDep, body: ProviderCreate) -> ProviderRead:
    """Create a provider (unique name)."""
    return ProviderRead.model_validate(await service.create_provider(session, body))


@router.get(
    "/providers/{provider_id}",
    tags=["providers"],
    response_model=ProviderRead,
    responses=error_responses(401, 404, 422),
)
async def get_provider(session: SessionDep, provider_id: IdPath) -> ProviderRead:
    """Read one provider."""
    return ProviderRead.model_validate(await service.get_provider(session, provider_id))


@router.put(
    "/providers/{provider_id}",
    tags=["providers"],
    response_model=ProviderRead,
    responses=error_responses(401, 404, 409, 422),
)
async def update_provider(
    session: SessionDep, provider_id: IdPath, body: ProviderUpdate
) -> ProviderRead:
    """Update a provider's name or website."""
    return ProviderRead.model_validate(await service.update_provider(session, provider_id, body))


@router.delete(
    "/providers/{provider_id}",
    tags=["providers"],
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(401, 404, 409, 422),
)
async def delete_provider(session: SessionDep, provider_id: IdPath) -> None:
    """Delete a provider that has no services."""
    await service.delete_provider(session, provider_id)


@router.get(
    "/service",
    tags=["services"],
    response_model=list[ServiceRead],
    responses=with_csv({**error_responses(401, 422), 200: {"headers": TOTAL_COUNT_HEADER}}),
)
async def list_services(
    session: SessionDep,
    request: Request,
    response: Response,
    page: PageDep,
    active: bool | None = None,
    category_id: IdQuery = None,
    provider_id: IdQuery = None,
    q: NameQuery = None,
    sort: Annotated[
        ServiceSort, Query(description=sort_description("provider_name"))
    ] = "provider_name",
    format: FormatQuery = "json",
) -> list[ServiceRead] | StreamingResponse:
    """List services, active and inactive, filtered and sorted."""
    if format == "csv":
        return await csv_pages(
            request,
            session,
            "services",
            ServiceRead,
            lambda s, limit, offset: service.list_services(
                s,
                active=active,
                category_id=category_id,
                provider_id=provider_id,
                q=q,
                sort=sort,
                limit=limit,
                offset=offset,
            ),
        )
    rows, total = await service.list_services(
        session,
        active=active,
        category_id=category_id,
        provider_id=provider_id,
        q=q,
        sort=sort,
        limit=page.limit,
        offset=page.offset,
    )
    set_total(response, total)
    return [ServiceRead.model_validate(row) for row in rows]


@router.post(
    "/service",
    tags=["services"],
    status_code=status.HTTP_201_CREATED,
    response_model=ServiceRead,
    responses=error_responses(401, 422),
)
async def create_service(session: SessionDep, body: ServiceCreate) -> ServiceRead:
    """Create a service."""
    return ServiceRead.model_validate(await service.create_service(session, body))


@router.get(
    "/service/{service_id}",
    tags=["services"],
    response_model=ServiceRead,
    responses=error_responses(401, 404, 422),
)
async def get_service(session: SessionDep, service_id: IdPath) -> ServiceRead:
    """Read one service, active or not."""
    return ServiceRead.model_validate(await service.get_service(session, service_id))


@router.put(
    "/service/{service_id}",
    tags=["services"],
    response_model=ServiceRead,
    responses=error_responses(401, 404, 409, 422),
)
async def update_service(
    session: SessionDep, service_id: IdPath, body: ServiceUpdate
) -> ServiceRead:
    """Update any subset of a service's fields."""
    return ServiceRead.model_validate(await service.update_service(session, service_id, body))


@router.delete(
    "/service/{service_id}",
    tags=["services"],
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(401, 404, 422),
)
async def delete_service(session: SessionDep, service_id: IdPath) -> None:
    """Soft-delete a service: it becomes inactive and its costs stay in every summary."""
    await service.deactivate_service(session, service_id)
