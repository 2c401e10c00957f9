"""Business rules of invoices: one per service and month, on infrastructure services only."""

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from costwatch.catalog.service import require_service
from costwatch.errors import Conflict, NotFound
from costwatch.invoices.repository import InvoiceRepository
from costwatch.invoices.schemas import InvoiceCreate, InvoiceUpdate
from costwatch.models import CategoryCode, InfraInvoice


async def list_invoices(
    session: AsyncSession,
    *,
    service_id: int | None,
    month: date | None,
    sort: str,
    limit: int,
    offset: int,
) -> tuple[list[InfraInvoice], int]:
    """A page of invoices and the total."""
    return await InvoiceRepository(session).list_page(
        service_id=service_id, month=month, sort=sort, limit=limit, offset=offset
    )


async def get_invoice(
    session: AsyncSession, invoice_id: int, *, lock: bool = False
) -> InfraInvoice:
    """One invoice, or 404; ``lock`` locks its row first (writers)."""
    invoice = await InvoiceRepository(session).get(invoice_id, for_update=lock)
    if invoice is None:
        raise NotFound(f"Invoice {invoice_id} does not exist.")
    return invoice


async def _check_unique(
    repo: InvoiceRepository, service_id: int, month: date, own_id: int | None
) -> None:
    clash = await repo.find(service_id, month)
    if clash is not None and clash.id != own_id:
        raise Conflict(
            f"Service {service_id} already has an invoice for {month:%Y-%m} (id {clash.id})."
        )


async def create_invoice(session: AsyncSession, body: InvoiceCreate) -> InfraInvoice:
    """Record a month's invoice of an infrastructure service."""
    # Locked, so that a category change of the service at the same moment sees this invoice.
    await require_service(session, body.service_id, CategoryCode.INFRASTRUCTURE, lock=True)
    repo = InvoiceRepository(session)
    await _check_unique(repo, body.service_id, body.invoice_month, None)
    return await repo.add(**body.model_dump())


async def update_invoice(
    session: AsyncSession, invoice_id: int, body: InvoiceUpdate
) -> InfraInvoice:
    """Correct an invoice."""
    repo = InvoiceRepository(session)
    invoice = await get_invoice(session, invoice_id, lock=True)
    changes = body.changes()
    if "service_id" in changes:
        await require_service(
            session, changes["service_id"], CategoryCode.INFRASTRUCTURE, lock=True
        )
    await _check_unique(
        repo,
        changes.get("service_id", invoice.service_id),
        changes.get("invoice_month", invoice.invoice_month),
        invoice.id,
    )
    return await repo.update(invoice, **changes)


async def delete_invoice(session: AsyncSession, invoice_id: int) -> None:
    """Remove an invoice entered by mistake."""
    await InvoiceRepository(session).delete(await get_invoice(session, invoice_id, lock=True))
