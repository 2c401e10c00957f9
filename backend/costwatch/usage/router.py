"""Routes under ``/usage``."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from costwatch.api import TOTAL_COUNT_HEADER, PageDep, set_total
from costwatch.db import SessionDep
from costwatch.errors import error_responses
from costwatch.usage import service
from costwatch.usage.schemas import (
    Balance,
    ConsumptionCreate,
    ConsumptionRead,
    TopupCreate,
    TopupRead,
)

router = APIRouter(prefix="/usage", tags=["usage"])
IdPath = Annotated[int, Path(ge=1, le=2**63 - 1)]
ServiceFilter = Annotated[int | None, Query(ge=1, le=2**63 - 1)]
LIST_RESPONSES = {**error_responses(401, 422), 200: {"headers": TOTAL_COUNT_HEADER}}


@router.get("/topups", response_model=list[TopupRead], responses=LIST_RESPONSES)
async def list_topups(
    session: SessionDep, response: Response, page: PageDep, service_id: ServiceFilter = None
) -> list[TopupRead]:
    """List top-ups, newest first."""
    rows, total = await service.list_topups(
        session, service_id=service_id, limit=page.limit, offset=page.offset
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
    session: SessionDep, response: Response, page: PageDep, service_id: ServiceFilter = None
) -> list[ConsumptionRead]:
    """List consumption events, newest first."""
    rows, total = await service.list_consumption(
        session, service_id=service_id, limit=page.limit, offset=page.offset
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


@router.get("/balances", response_model=list[Balance], responses=error_responses(401))
async def list_balances(session: SessionDep) -> list[Balance]:
    """Balance of every usage service (top-ups minus consumption)."""
    return await service.list_balances(session)


@router.get(
    "/balances/{service_id}", response_model=Balance, responses=error_responses(401, 404, 422)
)
async def get_balance(session: SessionDep, service_id: IdPath) -> Balance:
    """Balance of one usage service."""
    return await service.get_balance(session, service_id)
