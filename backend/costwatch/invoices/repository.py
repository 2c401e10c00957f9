"""SQL for ``infra_invoice``."""

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from costwatch.calendar import add_months
from costwatch.db.data_version import mark_changed
from costwatch.db.repository import AnySelect, Repository, order_by
from costwatch.db.totals import Changes, add_to_month_totals, combine
from costwatch.models import InvoiceMonthTotal, Service
from costwatch.models.invoice import InfraInvoice

INVOICE_SORT: dict[str, list[Any]] = {
    "invoice_month": [InfraInvoice.invoice_month, InfraInvoice.service_id],
    "amount": [InfraInvoice.amount],
    "currency": [InfraInvoice.currency, InfraInvoice.invoice_month],
    "created_at": [InfraInvoice.created_at],
}


def month_totals_from_raw() -> AnySelect:
    """``invoice_month_total`` recomputed from the invoices: (month, currency, sum, count)."""
    return select(
        InfraInvoice.invoice_month,
        InfraInvoice.currency,
        func.sum(InfraInvoice.amount),
        func.count(),
    ).group_by(InfraInvoice.invoice_month, InfraInvoice.currency)


async def rebuild_month_totals(session: AsyncSession) -> None:
    """Recompute ``invoice_month_total`` from the invoices (after a bulk load)."""
    await session.execute(delete(InvoiceMonthTotal))
    await session.execute(
        insert(InvoiceMonthTotal).from_select(
            ["month", "currency", "amount", "invoices"], month_totals_from_raw()
        )
    )
    mark_changed(session.sync_session)


class InvoiceRepository(Repository[InfraInvoice]):
    """CRUD on ``infra_invoice``, keeping ``invoice_month_total`` in step.

    Every write of an invoice goes through ``add``, ``update`` or ``delete`` here (the API,
    the CSV and FOCUS imports, the demo data), each moving the month totals in the same
    transaction.
    """

    model = InfraInvoice

    async def _move_totals(self, changes: Changes) -> None:
        await add_to_month_totals(self.session, InvoiceMonthTotal, "invoices", changes)

    async def add(self, **values: Any) -> InfraInvoice:
        """Insert an invoice and add it to its month's total."""
        row = await super().add(**values)
        changes: Changes = {}
        combine(changes, (row.invoice_month, row.currency), row.amount, 1)
        await self._move_totals(changes)
        return row

    async def update(self, row: InfraInvoice, **values: Any) -> InfraInvoice:
        """Change an invoice, and move its amount from the old month total to the new one."""
        changes: Changes = {}
        combine(changes, (row.invoice_month, row.currency), -row.amount, -1)
        row = await super().update(row, **values)
        combine(changes, (row.invoice_month, row.currency), row.amount, 1)
        await self._move_totals(changes)
        return row

    async def delete(self, row: InfraInvoice) -> None:
        """Remove an invoice and take it out of its month's total."""
        changes: Changes = {}
        combine(changes, (row.invoice_month, row.currency), -row.amount, -1)
        await super().delete(row)
        await self._move_totals(changes)

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
        """The SELECT of ``cost_by_month``: (month index, currency, sum), for a UNION.

        Read from the month totals: one row per month and currency, not every invoice.
        """
        total = InvoiceMonthTotal
        return (
            select(months.c.i, total.currency, total.amount)
            .select_from(months)
            .join(total, total.month == months.c.m)
        )

    @staticmethod
    def month_totals_select(start: Any, end: Any) -> Select[date, str, Decimal]:
        """(month, currency, sum) of the invoices from ``start`` to ``end``, for a UNION.

        One range of the month totals' primary key (no table of months to join, no
        temporary table): a row per month and currency.
        """
        total = InvoiceMonthTotal
        return select(total.month, total.currency, total.amount).where(
            total.month.between(start, end)
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
