"""SQL for categories, providers and services."""

from typing import Any

from sqlalchemy import exists, func, select

from costwatch.catalog.models import Provider, Service, ServiceCategory
from costwatch.invoices.models import InfraInvoice
from costwatch.licenses.models import LicensePlan
from costwatch.repository import AnySelect, Repository
from costwatch.usage.models import UsageConsumption, UsageTopup


def escape_like(text: str) -> str:
    """Escape LIKE wildcards so that ``q`` matches them literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def name_contains(column: Any, text: str) -> Any:
    """A case-insensitive substring match on a name column."""
    return func.lower(column).like(f"%{escape_like(text.lower())}%", escape="\\")


class CategoryRepository(Repository[ServiceCategory]):
    """Reads of ``service_category``."""

    model = ServiceCategory

    async def list_all(self) -> list[ServiceCategory]:
        """Every category, by id."""
        result = await self.session.execute(select(ServiceCategory).order_by(ServiceCategory.id))
        return list(result.scalars())


class ProviderRepository(Repository[Provider]):
    """CRUD on ``provider``."""

    model = Provider

    async def get_by_name(self, name: str) -> Provider | None:
        """The provider with that name, ignoring case (as MySQL's collation does)."""
        stmt = select(Provider).where(func.lower(Provider.name) == name.lower())
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def list_page(
        self, *, q: str | None, limit: int, offset: int
    ) -> tuple[list[Provider], int]:
        """Providers by name, optionally filtered by a substring of it."""
        stmt = select(Provider).order_by(Provider.name, Provider.id)
        if q:
            stmt = stmt.where(name_contains(Provider.name, q))
        rows, total = await self.page(stmt, limit=limit, offset=offset)
        return [row[0] for row in rows], total

    async def has_services(self, provider_id: int) -> bool:
        """Whether any service belongs to the provider."""
        stmt = select(exists().where(Service.provider_id == provider_id))
        return bool((await self.session.execute(stmt)).scalar())


class ServiceRepository(Repository[Service]):
    """CRUD on ``service``; reads come with the provider and category names."""

    model = Service

    def _with_names(self) -> AnySelect:
        return (
            select(Service, Provider.name, ServiceCategory.name)
            .join(Provider, Service.provider_id == Provider.id)
            .join(ServiceCategory, Service.category_id == ServiceCategory.id)
        )

    async def get_with_names(self, service_id: int) -> tuple[Service, str, str] | None:
        """A service with its provider's and category's names."""
        row = (
            await self.session.execute(self._with_names().where(Service.id == service_id))
        ).first()
        return (row[0], row[1], row[2]) if row else None

    async def lock(self, service_id: int) -> None:
        """Lock a service's row until the transaction ends (``SELECT ... FOR UPDATE``).

        Writers of a service's usage records take it first, so that they run one after the
        other for that service (and never for different services): the currency check and the
        monthly rollup stay exact under concurrent writes. SQLite locks the whole database on
        write anyway and renders no FOR UPDATE.
        """
        stmt = select(Service.id).where(Service.id == service_id).with_for_update()
        await self.session.execute(stmt)

    async def get_with_category(self, service_id: int) -> tuple[Service, str] | None:
        """A service with its category's name."""
        stmt = (
            select(Service, ServiceCategory.name)
            .join(ServiceCategory, Service.category_id == ServiceCategory.id)
            .where(Service.id == service_id)
        )
        row = (await self.session.execute(stmt)).first()
        return (row[0], row[1]) if row else None

    async def list_page(
        self,
        *,
        active: bool | None,
        category_id: int | None,
        provider_id: int | None,
        q: str | None,
        limit: int,
        offset: int,
    ) -> tuple[list[tuple[Service, str, str]], int]:
        """Services by provider name then service name, filtered."""
        stmt = self._with_names().order_by(Provider.name, Service.name, Service.id)
        if active is not None:
            stmt = stmt.where(Service.active.is_(active))
        if category_id is not None:
            stmt = stmt.where(Service.category_id == category_id)
        if provider_id is not None:
            stmt = stmt.where(Service.provider_id == provider_id)
        if q:
            stmt = stmt.where(name_contains(Service.name, q))
        rows, total = await self.page(stmt, limit=limit, offset=offset)
        return [(row[0], row[1], row[2]) for row in rows], total

    async def has_cost_records(self, service_id: int) -> bool:
        """Whether any invoice, plan, top-up or consumption points at the service."""
        checks = [
            exists().where(table.service_id == service_id)
            for table in (InfraInvoice, LicensePlan, UsageTopup, UsageConsumption)
        ]
        stmt = select(checks[0] | checks[1] | checks[2] | checks[3])
        return bool((await self.session.execute(stmt)).scalar())
