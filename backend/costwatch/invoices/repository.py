"""SQL for ``infra_invoice``."""

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from costwatch.db.repository import Repository, order_by
from costwatch.models.invoice import InfraInvoice

INVOICE_SORT: dict[str, list[Any]] = {
    "invoice_month": [InfraInvoice.invoice_month, InfraInvoice.service_id],
    "amount": [InfraInvoice.amount],
    "currency": [InfraInvoice.currency, InfraInvoice.invoice_month],
    "created_at": [InfraInvoice.created_at],
}


class InvoiceRepository(Repository[InfraInvoice]):
    """CRUD on ``infra_invoice``."""

    model = InfraInvoice

    async def find(self, service_id: int, invoice_month: date) -> InfraInvoice | None:
        """The invoice of a service for a month (unique)."""
        stmt = select(InfraInvoice).where(
            InfraInvoice.service_id == service_id, InfraInvoice.invoice_month == invoice_month
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def list_page(
        self,
        *,
        service_id: int | None,
        month: date | None,
        sort: str,
        limit: int,
        offset: int,
    ) -> tuple[list[InfraInvoice], int]:
        """Invoices filtered by service and month, sorted."""
        stmt = select(InfraInvoice).order_by(*order_by(sort, INVOICE_SORT, InfraInvoice.id))
        if service_id is not None:
            stmt = stmt.where(InfraInvoice.service_id == service_id)
        if month is not None:
            stmt = stmt.where(InfraInvoice.invoice_month == month)
        return await self.page(stmt, limit=limit, offset=offset)

    async def cost_by_month(self, months: Any) -> list[tuple[int, str, Decimal]]:
        """Invoices summed per month of ``months`` and currency.

        ``months`` is the table of ``reports.repository.months_table``.
        """
        stmt = (
            select(months.c.i, InfraInvoice.currency, func.sum(InfraInvoice.amount))
            .select_from(months)
            .join(InfraInvoice, InfraInvoice.invoice_month == months.c.m)
            .group_by(months.c.i, InfraInvoice.currency)
        )
        return [(row[0], row[1], row[2]) for row in (await self.session.execute(stmt)).all()]
