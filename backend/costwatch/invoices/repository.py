"""SQL for ``infra_invoice``."""

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from costwatch.calendar import add_months
from costwatch.db.repository import Repository, order_by
from costwatch.models import Service
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
        stmt = self.cost_by_month_select(months)
        return [(row[0], row[1], row[2]) for row in (await self.session.execute(stmt)).all()]

    @staticmethod
    def cost_by_month_select(months: Any) -> Select[Any]:
        """The SELECT of ``cost_by_month``: (month index, currency, sum), for a UNION."""
        return (
            select(months.c.i, InfraInvoice.currency, func.sum(InfraInvoice.amount))
            .select_from(months)
            .join(InfraInvoice, InfraInvoice.invoice_month == months.c.m)
            .group_by(months.c.i, InfraInvoice.currency)
        )

    async def cost_by_service(self, month: date) -> list[tuple[int, str, Decimal]]:
        """Invoices of ``month`` summed per service and currency."""
        stmt = (
            select(InfraInvoice.service_id, InfraInvoice.currency, func.sum(InfraInvoice.amount))
            .where(InfraInvoice.invoice_month == month)
            .group_by(InfraInvoice.service_id, InfraInvoice.currency)
        )
        return [(row[0], row[1], row[2]) for row in (await self.session.execute(stmt)).all()]

    async def any_in_month(self, month: date) -> bool:
        """Whether any service has an invoice for ``month``."""
        stmt = select(InfraInvoice.id).where(InfraInvoice.invoice_month == month).limit(1)
        return (await self.session.execute(stmt)).first() is not None

    async def trailing_sums(
        self, month: date, *, count: int, lookback: int
    ) -> list[tuple[int, str, Decimal, int]]:
        """The last ``count`` invoiced months before ``month`` of each service that needs them.

        For every active service with no invoice for ``month``: its ``count`` most recent
        invoices dated in the ``lookback`` months before ``month`` (months without an invoice
        are skipped, not counted as zero), summed per currency. Rows are ``(service_id,
        currency, sum, invoices)``; a service's invoices in all currencies add up to the number
        of months its average is taken over. Summed by the database (window function
        ``ROW_NUMBER``, on MariaDB 10.2+, MySQL 8 and SQLite 3.25+).
        """
        same_month = aliased(InfraInvoice)
        billed = (
            select(same_month.id)
            .where(same_month.service_id == InfraInvoice.service_id)
            .where(same_month.invoice_month == month)
            .exists()
        )
        ranked = (
            select(
                InfraInvoice.service_id.label("service_id"),
                InfraInvoice.currency.label("currency"),
                InfraInvoice.amount.label("amount"),
                func.row_number()
                .over(
                    partition_by=InfraInvoice.service_id,
                    order_by=InfraInvoice.invoice_month.desc(),
                )
                .label("position"),
            )
            .join(Service, Service.id == InfraInvoice.service_id)
            .where(Service.active.is_(True))
            .where(InfraInvoice.invoice_month < month)
            .where(InfraInvoice.invoice_month >= add_months(month, -lookback))
            .where(~billed)
            .subquery()
        )
        stmt = (
            select(ranked.c.service_id, ranked.c.currency, func.sum(ranked.c.amount), func.count())
            .where(ranked.c.position <= count)
            .group_by(ranked.c.service_id, ranked.c.currency)
        )
        return [
            (row[0], row[1], row[2], row[3]) for row in (await self.session.execute(stmt)).all()
        ]
