"""SQL of the FOCUS import: matching a file's groups to stored services and invoices."""

from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, select, tuple_

from costwatch.db.repository import Repository
from costwatch.models import CategoryCode, InfraInvoice, Provider, Service, ServiceCategory


class FocusRepository(Repository[Service]):
    """Reads that match a file's providers, services and months to stored rows."""

    model = Service

    async def providers(self, names: Iterable[str]) -> dict[str, Provider]:
        """Providers by lower-cased name (names are unique ignoring case)."""
        lowered = sorted({name.lower() for name in names})
        if not lowered:
            return {}
        stmt = select(Provider).where(func.lower(Provider.name).in_(lowered))
        return {row.name.lower(): row for row in (await self.session.execute(stmt)).scalars()}

    async def infrastructure_services(
        self, provider_ids: Iterable[int]
    ) -> dict[tuple[int, str], int]:
        """Infrastructure services of those providers: (provider id, lower-cased name) -> id.

        Two services of one name under one provider: the oldest (lowest id) is the match.
        """
        ids = sorted(set(provider_ids))
        if not ids:
            return {}
        stmt = (
            select(Service.id, Service.provider_id, Service.name)
            .join(ServiceCategory, ServiceCategory.id == Service.category_id)
            .where(ServiceCategory.code == CategoryCode.INFRASTRUCTURE)
            .where(Service.provider_id.in_(ids))
            .order_by(Service.id.desc())
        )
        return {
            (row.provider_id, row.name.lower()): row.id
            for row in (await self.session.execute(stmt)).all()
        }

    async def invoices(
        self, keys: Iterable[tuple[int, date]]
    ) -> dict[tuple[int, date], InfraInvoice]:
        """The stored invoices of those (service id, month) pairs."""
        wanted = sorted(set(keys))
        found: dict[tuple[int, date], InfraInvoice] = {}
        # In chunks: a file of a few hundred services over a year is thousands of pairs.
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            stmt = select(InfraInvoice).where(
                tuple_(InfraInvoice.service_id, InfraInvoice.invoice_month).in_(chunk)
            )
            for invoice in (await self.session.execute(stmt)).scalars():
                found[(invoice.service_id, invoice.invoice_month)] = invoice
        return found
