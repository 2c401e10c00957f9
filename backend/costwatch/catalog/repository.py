"""SQL for categories, providers and services."""

from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, exists, func, select
from sqlalchemy.orm import contains_eager

from costwatch.db.repository import Repository, order_by
from costwatch.models import (
    InfraInvoice,
    LicensePlan,
    Provider,
    Service,
    ServiceCategory,
    UsageConsumption,
    UsageTopup,
)


def escape_like(text: str) -> str:
    """Escape LIKE wildcards so that ``q`` matches them literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains_pattern(text: str) -> str:
    """The LIKE pattern of ``name_contains`` for ``text`` (to bind to a statement built once)."""
    return f"%{escape_like(text.lower())}%"


def name_contains(column: Any, text: Any) -> Any:
    """A case-insensitive substring match on a name column.

    ``text`` is the text searched for, or a bound parameter that will hold its
    ``contains_pattern``.
    """
    pattern = contains_pattern(text) if isinstance(text, str) else text
    return func.lower(column).like(pattern, escape="\\")


PROVIDER_SORT: dict[str, list[Any]] = {"name": [Provider.name], "website": [Provider.website]}

SERVICE_SORT: dict[str, list[Any]] = {
    "name": [Service.name],
    "provider_name": [Provider.name, Service.name],
    "category_name": [ServiceCategory.name, Service.name],
    "active": [Service.active, Service.name],
    "created_at": [Service.created_at],
}


class CategoryRepository(Repository[ServiceCategory]):
    """Reads of ``service_category``."""

    model = ServiceCategory

    async def list_all(self) -> list[ServiceCategory]:
        """Every category, by id."""
        result = await self.session.execute(select(ServiceCategory).order_by(ServiceCategory.id))
        return list(result.scalars())

    async def get_by_code(self, code: str) -> ServiceCategory:
        """The category with that code (the first migration creates all three)."""
        stmt = select(ServiceCategory).where(ServiceCategory.code == code)
        return (await self.session.execute(stmt)).scalar_one()


class ProviderRepository(Repository[Provider]):
    """CRUD on ``provider``."""

    model = Provider

    async def get_by_name(self, name: str) -> Provider | None:
        """The provider with that name, ignoring case (as MySQL's collation does)."""
        stmt = select(Provider).where(func.lower(Provider.name) == name.lower())
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def list_page(
        self, *, q: str | None, sort: str, limit: int, offset: int
    ) -> tuple[list[Provider], int]:
        """Providers, optionally filtered by a substring of the name."""
        stmt = select(Provider).order_by(*order_by(sort, PROVIDER_SORT, Provider.id))
        if q:
            stmt = stmt.where(name_contains(Provider.name, q))
        return await self.page(stmt, limit=limit, offset=offset)

    async def has_services(self, provider_id: int) -> bool:
        """Whether any service belongs to the provider."""
        stmt = select(exists().where(Service.provider_id == provider_id))
        return bool((await self.session.execute(stmt)).scalar())


class ServiceRepository(Repository[Service]):
    """CRUD on ``service``; reads come with the provider and the category loaded."""

    model = Service

    def _loaded(self) -> Select[Service]:
        # Joined explicitly (not joinedload) so that filters and ORDER BY can use the names.
        return (
            select(Service)
            .join(Service.provider)
            .join(Service.category)
            .options(contains_eager(Service.provider), contains_eager(Service.category))
        )

    async def get_loaded(self, service_id: int) -> Service | None:
        """A service with its provider and category."""
        stmt = (
            self._loaded().where(Service.id == service_id).execution_options(populate_existing=True)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def lock(self, service_id: int) -> None:
        """Lock a service's row until the transaction ends (``SELECT ... FOR UPDATE``).

        Writers of a service's usage records take it first, so that they run one after the
        other for that service (and never for different services): the currency check and the
        monthly rollup stay exact under concurrent writes. SQLite locks the whole database on
        write anyway and renders no FOR UPDATE.
        """
        stmt = select(Service.id).where(Service.id == service_id).with_for_update()
        await self.session.execute(stmt)

    async def list_page(
        self,
        *,
        active: bool | None,
        category_id: int | None,
        provider_id: int | None,
        q: str | None,
        sort: str,
        limit: int,
        offset: int,
    ) -> tuple[list[dict[str, Any]], int]:
        """Services with their provider's and category's names, filtered and sorted.

        Rows are plain dicts with the fields of ``ServiceRead`` (read as columns: no ORM
        objects to build for a list). The page's ids are chosen first, from narrow rows (id
        and sort keys), and only those services are read whole: sorting every service with
        all its columns (the description is TEXT) made MariaDB build an on-disk temporary
        table. Every filter is on ``service`` and every service has a provider and a
        category (foreign keys, NOT NULL), so neither the choice of the page nor the count
        joins a table the sort does not need. The count comes with the page, in the same
        statement (one round trip); only a page past the end needs a count of its own.
        Sorted by provider, the page is chosen among the providers up to that of its last
        service (``_provider_cut``).
        """
        values: dict[str, Any] = {"limit": limit, "offset": offset}
        if category_id is not None:
            values["category_id"] = category_id
        if provider_id is not None:
            values["provider_id"] = provider_id
        if q:
            values["q"] = f"%{escape_like(q.lower())}%"
        given = frozenset(values) - {"limit", "offset"}
        if sort.lstrip("-") == "provider_name":
            cut_stmt = _provider_cut(active, given, descending=sort.startswith("-"))
            cut_values = {**values, "skip": offset + limit - 1}
            last = (await self.session.execute(cut_stmt, cut_values)).scalar()
            if last is not None:
                values["cut"] = last
        page_stmt, count_stmt = _service_page(active, given, sort, cut="cut" in values)
        result = await self.session.execute(page_stmt, values)
        rows = [dict(row) for row in result.mappings()]
        if not rows:
            return [], (await self.session.execute(count_stmt, values)).scalar_one()
        total = rows[0]["total"]
        for row in rows:
            del row["total"]
        return rows, total

    async def has_cost_records(self, service_id: int) -> bool:
        """Whether any invoice, plan, top-up or consumption points at the service."""
        checks = [
            exists().where(table.service_id == service_id)
            for table in (InfraInvoice, LicensePlan, UsageTopup, UsageConsumption)
        ]
        stmt = select(checks[0] | checks[1] | checks[2] | checks[3])
        return bool((await self.session.execute(stmt)).scalar())


# The statements of ``ServiceRepository.list_page``, built once per shape (which filters, the
# sort, whether the page is cut) with the values as bound parameters: a request then spends
# nothing on building, keying and compiling them. ``active`` is part of the shape (``IS
# TRUE`` takes no parameter).
_SERVICE_COLUMNS = (
    Service.id,
    Service.provider_id,
    Service.category_id,
    Service.name,
    Service.description,
    Service.active,
    Provider.name.label("provider_name"),
    ServiceCategory.name.label("category_name"),
    ServiceCategory.code.label("category_code"),
    Service.created_at,
    Service.updated_at,
)


def _service_filters(active: bool | None, given: frozenset[str]) -> list[Any]:
    filters: list[Any] = []
    if active is not None:
        filters.append(Service.active.is_(active))
    if "category_id" in given:
        filters.append(Service.category_id == bindparam("category_id"))
    if "provider_id" in given:
        filters.append(Service.provider_id == bindparam("provider_id"))
    if "q" in given:
        filters.append(func.lower(Service.name).like(bindparam("q"), escape="\\"))
    return filters


@cache
def _provider_cut(active: bool | None, given: frozenset[str], *, descending: bool) -> Any:
    """The provider name of the matching service after ``skip`` others, in provider order.

    Sorting every matching service by provider and name takes MariaDB a temporary table and
    a sort of the whole join (about 5 ms at 2,000 services) for 20 rows. This name comes off
    the provider name's unique index, service by service, stopping there (no sort: the order
    is the first table's). The first ``skip`` + 1 services are all at or before it, so sorting
    only the services of the providers up to it (a range of that index) gives the same page.
    NULL when fewer services match (then nothing is cut).
    """
    return (
        select(Provider.name)
        .join(Service, Service.provider_id == Provider.id)
        .where(*_service_filters(active, given))
        .order_by(Provider.name.desc() if descending else Provider.name.asc())
        .limit(1)
        .offset(bindparam("skip"))
    )


@cache
def _service_page(
    active: bool | None, given: frozenset[str], sort: str, *, cut: bool
) -> tuple[Any, Any]:
    """The page (with the total in every row) and the count alone, for a page past the end."""
    filters = _service_filters(active, given)
    terms = order_by(sort, SERVICE_SORT, Service.id)
    page = select(Service.id)
    if sort.lstrip("-") == "provider_name":
        page = page.join(Service.provider)
        if cut:
            bound: Any = bindparam("cut")
            descending = sort.startswith("-")
            page = page.where(Provider.name >= bound if descending else Provider.name <= bound)
    if sort.lstrip("-") == "category_name":
        page = page.join(Service.category)
    chosen = (
        page.where(*filters)
        .order_by(*terms)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
        .subquery("page")
    )
    counted = select(func.count()).select_from(Service).where(*filters)
    stmt = (
        # correlate(None): the count is of every matching service, not of the outer row's.
        select(*_SERVICE_COLUMNS, counted.scalar_subquery().correlate(None).label("total"))
        .join(chosen, chosen.c.id == Service.id)
        .join(Provider, Provider.id == Service.provider_id)
        .join(ServiceCategory, ServiceCategory.id == Service.category_id)
        .order_by(*terms)
    )
    return stmt, counted
