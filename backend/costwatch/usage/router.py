"""Routes under ``/usage``."""

from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import StreamingResponse

from costwatch.csv_export import FormatQuery, csv_pages, with_csv
from costwatch.db.session import SessionDep
from costwatch.errors import error_responses
from costwatch.params import (
    MAX_OFFSET,
    TOTAL_COUNT_HEADER,
    IdPath,
    IdQuery,
    PageDep,
    set_total,
    sort_description,
)
from costwatch.routing import DecimalJSONRoute
from costwatch.schemas import MAX_ID
from costwatch.usage import service
from costwatch.usage.schemas import (
    Balance,
    ConsumptionCreate,
    ConsumptionRead,
    TopupCreate,
    TopupRead,
    UsageEvent,
)
from costwatch.usage.service import LOW_BALANCE_PERCENT

router = APIRouter(prefix="/usage", tags=["usage"], route_class=DecimalJSONRoute)
TopupSort = Literal[
    "topup_date",
    "-topup_date",
    "amount_purchased",
    "-amount_purchased",
    "created_at",
    "-created_at",
]
ConsumptionSort = Literal[
    "consumption_date",
    "-consumption_date",
    "amount_consumed",
    "-amount_consumed",
    "created_at",
    "-created_at",
]
EventSort = Literal["date", "-date", "amount", "-amount", "kind", "-kind"]
BalanceSort = Literal[
    "provider_name",
    "-provider_name",
    "service_name",
    "-service_name",
    "balance",
    "-balance",
    "days_left",
    "-days_left",
]
ThresholdQuery = Annotated[
    Decimal,
    Query(
        ge=0,
        le=100,
        max_digits=5,
        decimal_places=2,
        description="Low below this percent of the last top-up (0-100).",
    ),
]
LIST_RESPONSES = with_csv({**error_responses(401, 422), 200: {"headers": TOTAL_COUNT_HEADER}})


@router.get("/topups", response_model=list[TopupRead], responses=LIST_RESPONSES)
async def list_topups(
    session: SessionDep,
    request: Request,
    response: Response,
    page: PageDep,
    service_id: IdQuery = None,
    sort: Annotated[TopupSort, Query(description=sort_description("-topup_date"))] = "-topup_date",
    format: FormatQuery = "json",
) -> list[TopupRead] | StreamingResponse:
    """List top-ups, newest first unless `sort` says otherwise."""
    if format == "csv":
        return await csv_pages(
            request,
            session,
            "topups",
            TopupRead,
            lambda s, limit, offset: service.list_topups(
                s, service_id=service_id, sort=sort, limit=limit, offset=offset
            ),
        )
    rows, total = await service.list_topups(
        session, service_id=service_id, sort=sort, limit=page.limit, offset=page.offset
    )
    set_total(response, total)
    return [TopupRead.model_validate(row) for row in rows]


@router.post(
    "/topups",
    status_code=status.HTTP_201_CREATED,
    response_model=TopupRead,
    responses=error_responses(401, 422),
)
async def create_topup(session: SessionDep, body: TopupCreate) -> TopupRead:
    """Record a top-up of a usage service."""
    return TopupRead.model_validate(await service.create_topup(session, body))


@router.delete(
    "/topups/{topup_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(401, 404, 422),
)
async def delete_topup(session: SessionDep, topup_id: IdPath) -> None:
    """Delete a top-up entered by mistake."""
    await service.delete_topup(session, topup_id)


@router.get("/consumption", response_model=list[ConsumptionRead], responses=LIST_RESPONSES)
async def list_consumption(
    session: SessionDep,
    request: Request,
    response: Response,
    page: PageDep,
    service_id: IdQuery = None,
    sort: Annotated[
        ConsumptionSort, Query(description=sort_description("-consumption_date"))
    ] = "-consumption_date",
    format: FormatQuery = "json",
) -> list[ConsumptionRead] | StreamingResponse:
    """List consumption events, newest first unless `sort` says otherwise."""
    if format == "csv":
        return await csv_pages(
            request,
            session,
            "consumption",
            ConsumptionRead,
            lambda s, limit, offset: service.list_consumption(
                s, service_id=service_id, sort=sort, limit=limit, offset=offset
            ),
        )
    rows, total = await service.list_consumption(
        session, service_id=service_id, sort=sort, limit=page.limit, offset=page.offset
    )
    set_total(response, total)
    return [ConsumptionRead.model_validate(row) for row in rows]


@router.post(
    "/consumption",
    status_code=status.HTTP_201_CREATED,
    response_model=ConsumptionRead,
    responses=error_responses(401, 422),
)
async def create_consumption(session: SessionDep, body: ConsumptionCreate) -> ConsumptionRead:
    """Record a consumption event (an outflow from the balance)."""
    return ConsumptionRead.model_validate(await service.create_consumption(session, body))


@router.delete(
    "/consumption/{consumption_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(401, 404, 422),
)
async def delete_consumption(session: SessionDep, consumption_id: IdPath) -> None:
    """Delete a consumption event entered by mistake."""
    await service.delete_consumption(session, consumption_id)


@router.get("/events", response_model=list[UsageEvent], responses=LIST_RESPONSES)
async def list_events(
    session: SessionDep,
    request: Request,
    response: Response,
    page: PageDep,
    service_id: Annotated[int, Query(ge=1, le=MAX_ID, description="The usage service.")],
    sort: Annotated[EventSort, Query(description=sort_description("-date"))] = "-date",
    format: FormatQuery = "json",
) -> list[UsageEvent] | StreamingResponse:
    """List one usage service's top-ups and consumption together, newest first."""
    if format == "csv":
        return await csv_pages(
            request,
            session,
            f"usage-events-{service_id}",
            UsageEvent,
            lambda s, limit, offset: service.list_events(
                s, service_id=service_id, sort=sort, limit=limit, offset=offset
            ),
        )
    rows, total = await service.list_events(
        session, service_id=service_id, sort=sort, limit=page.limit, offset=page.offset
    )
    set_total(response, total)
    return [UsageEvent.model_validate(row) for row in rows]


@router.get(
    "/balances",
    response_model=list[Balance],
    responses=LIST_RESPONSES,
)
async def list_balances(
    session: SessionDep,
    request: Request,
    response: Response,
    threshold_percent: ThresholdQuery = LOW_BALANCE_PERCENT,
    q: Annotated[
        str | None, Query(max_length=128, description="Case-insensitive substring of the name.")
    ] = None,
    sort: Annotated[
        BalanceSort, Query(description=sort_description("provider_name"))
    ] = "provider_name",
    limit: Annotated[
        int | None, Query(ge=1, le=1000, description="Rows to return; all when absent.")
    ] = None,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Rows to skip.")] = 0,
    format: FormatQuery = "json",
) -> list[Balance] | StreamingResponse | Response:
    """Balance of every usage service (top-ups minus consumption); `limit` pages them.

    Each row has its runway: `daily_burn` (mean daily consumption over the last 30 days,
    today included), `days_left` and `runout_date`. `sort=days_left` puts the services that
    run out first on top (those that consumed nothing in 30 days last).
    """
    if format == "csv":
        return await csv_pages(
            request,
            session,
            "balances",
            Balance,
            lambda s, limit, offset: service.list_balances(
                s, threshold_percent=threshold_percent, q=q, sort=sort, limit=limit, offset=offset
            ),
        )
    # The JSON made by the service (each row's from a memo), not rows to validate again.
    body, total = await service.list_balances_json(
        session, threshold_percent=threshold_percent, q=q, sort=sort, limit=limit, offset=offset
    )
    return Response(body, media_type="application/json", headers={"X-Total-Count": str(total)})


@router.get(
    "/balances/{service_id}", response_model=Balance, responses=error_responses(401, 404, 422)
)
async def get_balance(
    session: SessionDep, service_id: IdPath, threshold_percent: ThresholdQuery = LOW_BALANCE_PERCENT
) -> Balance:
    """Balance of one usage service."""
    return await service.get_balance(session, service_id, threshold_percent)
