"""Routes under ``/invoices``."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import StreamingResponse

from costwatch.csv_export import FormatQuery, csv_pages, with_csv
from costwatch.db.session import SessionDep
from costwatch.errors import error_responses
from costwatch.invoices import service
from costwatch.invoices.schemas import InvoiceCreate, InvoiceRead, InvoiceUpdate
from costwatch.params import (
    TOTAL_COUNT_HEADER,
    IdPath,
    IdQuery,
    MonthQuery,
    PageDep,
    YearQuery,
    month_from_query,
    set_total,
    sort_description,
)
from costwatch.routing import DecimalJSONRoute

router = APIRouter(prefix="/invoices", tags=["invoices"], route_class=DecimalJSONRoute)
InvoiceSort = Literal[
    "invoice_month",
    "-invoice_month",
    "amount",
    "-amount",
    "currency",
    "-currency",
    "created_at",
    "-created_at",
]


@router.get(
    "",
    response_model=list[InvoiceRead],
    responses=with_csv({**error_responses(401, 422), 200: {"headers": TOTAL_COUNT_HEADER}}),
)
async def list_invoices(
    session: SessionDep,
    request: Request,
    response: Response,
    page: PageDep,
    service_id: IdQuery = None,
    year: YearQuery = None,
    month: MonthQuery = None,
    sort: Annotated[
        InvoiceSort, Query(description=sort_description("-invoice_month"))
    ] = "-invoice_month",
    format: FormatQuery = "json",
) -> list[InvoiceRead] | StreamingResponse:
    """List infrastructure invoices, newest month first unless `sort` says otherwise."""
    first = month_from_query(year, month)
    if format == "csv":
        return await csv_pages(
            request,
            session,
            "invoices",
            InvoiceRead,
            lambda s, limit, offset: service.list_invoices(
                s, service_id=service_id, month=first, sort=sort, limit=limit, offset=offset
            ),
        )
    rows, total = await service.list_invoices(
        session,
        service_id=service_id,
        month=first,
        sort=sort,
        limit=page.limit,
        offset=page.offset,
    )
    set_total(response, total)
    return [InvoiceRead.model_validate(row) for row in rows]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=InvoiceRead,
    responses=error_responses(401, 409, 422),
)
async def create_invoice(session: SessionDep, body: InvoiceCreate) -> InvoiceRead:
    """Record a month's invoice of an infrastructure service."""
    return InvoiceRead.model_validate(await service.create_invoice(session, body))


@router.get("/{invoice_id}", response_model=InvoiceRead, responses=error_responses(401, 404, 422))
async def get_invoice(session: SessionDep, invoice_id: IdPath) -> InvoiceRead:
    """Read one invoice."""
    return InvoiceRead.model_validate(await service.get_invoice(session, invoice_id))


@router.put(
    "/{invoice_id}", response_model=InvoiceRead, responses=error_responses(401, 404, 409, 422)
)
async def update_invoice(
    session: SessionDep, invoice_id: IdPath, body: InvoiceUpdate
) -> InvoiceRead:
    """Correct an invoice."""
    return InvoiceRead.model_validate(await service.update_invoice(session, invoice_id, body))


@router.delete(
    "/{invoice_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(401, 404, 422),
)
async def delete_invoice(session: SessionDep, invoice_id: IdPath) -> None:
    """Delete an invoice entered by mistake."""
    await service.delete_invoice(session, invoice_id)
