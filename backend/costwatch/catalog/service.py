"""Business rules of the catalog: unique provider names, soft delete, category changes."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from costwatch.catalog.repository import CategoryRepository, ProviderRepository, ServiceRepository
from costwatch.catalog.schemas import ProviderCreate, ProviderUpdate, ServiceCreate, ServiceUpdate
from costwatch.errors import Conflict, Invalid, NotFound
from costwatch.models import CategoryCode, Provider, Service, ServiceCategory


async def list_categories(session: AsyncSession) -> list[ServiceCategory]:
    """The three categories."""
    return await CategoryRepository(session).list_all()


async def list_providers(
    session: AsyncSession, *, q: str | None, sort: str, limit: int, offset: int
) -> tuple[list[Provider], int]:
    """A page of providers and the total."""
    return await ProviderRepository(session).list_page(q=q, sort=sort, limit=limit, offset=offset)


async def get_provider(session: AsyncSession, provider_id: int, *, lock: bool = False) -> Provider:
    """One provider, or 404; ``lock`` locks its row first (writers)."""
    provider = await ProviderRepository(session).get(provider_id, for_update=lock)
    if provider is None:
        raise NotFound(f"Provider {provider_id} does not exist.")
    return provider


async def _check_provider_name(repo: ProviderRepository, name: str, own_id: int | None) -> None:
    clash = await repo.get_by_name(name)
    if clash is not None and clash.id != own_id:
        raise Conflict(f"A provider named {clash.name!r} already exists (id {clash.id}).")


async def create_provider(session: AsyncSession, body: ProviderCreate) -> Provider:
    """Add a provider; its name must be unique."""
    repo = ProviderRepository(session)
    await _check_provider_name(repo, body.name, None)
    return await repo.add(**body.model_dump())


async def update_provider(
    session: AsyncSession, provider_id: int, body: ProviderUpdate
) -> Provider:
    """Change a provider's name or website."""
    repo = ProviderRepository(session)
    provider = await get_provider(session, provider_id, lock=True)
    changes = body.changes()
    if "name" in changes:
        await _check_provider_name(repo, changes["name"], provider.id)
    return await repo.update(provider, **changes)


async def delete_provider(session: AsyncSession, provider_id: int) -> None:
    """Remove a provider that no service uses."""
    repo = ProviderRepository(session)
    provider = await get_provider(session, provider_id, lock=True)
    if await repo.has_services(provider_id):
        raise Conflict("The provider still has services; move or delete them first.")
    await repo.delete(provider)


async def list_services(
    session: AsyncSession,
    *,
    active: bool | None,
    category_id: int | None,
    provider_id: int | None,
    q: str | None,
    sort: str,
    limit: int,
    offset: int,
) -> tuple[list[dict[str, Any]], int]:
    """A page of services with their provider's and category's names, and the total."""
    return await ServiceRepository(session).list_page(
        active=active,
        category_id=category_id,
        provider_id=provider_id,
        q=q,
        sort=sort,
        limit=limit,
        offset=offset,
    )


async def get_service(session: AsyncSession, service_id: int) -> Service:
    """One service (active or not) with its provider and category, or 404."""
    service = await ServiceRepository(session).get_loaded(service_id)
    if service is None:
        raise NotFound(f"Service {service_id} does not exist.")
    return service


async def _check_references(
    session: AsyncSession, provider_id: int | None, category_id: int | None
) -> None:
    # The provider's row is locked (FOR UPDATE, as its deletion locks it) so that a provider
    # deleted at the same moment is either gone before this check (422) or waits for the new
    # service and then refuses (409); without it, the foreign key decided with a bare 409.
    provider_repo = ProviderRepository(session)
    if provider_id is not None and await provider_repo.get(provider_id, for_update=True) is None:
        raise Invalid("provider_id", f"Provider {provider_id} does not exist.")
    if category_id is not None and await CategoryRepository(session).get(category_id) is None:
        raise Invalid("category_id", f"Category {category_id} does not exist.")


async def create_service(session: AsyncSession, body: ServiceCreate) -> Service:
    """Add a service under an existing provider and category."""
    await _check_references(session, body.provider_id, body.category_id)
    service = await ServiceRepository(session).add(**body.model_dump())
    return await get_service(session, service.id)


async def _locked_service(repo: ServiceRepository, service_id: int) -> Service:
    service = await repo.get(service_id, for_update=True)
    if service is None:
        raise NotFound(f"Service {service_id} does not exist.")
    return service


async def update_service(session: AsyncSession, service_id: int, body: ServiceUpdate) -> Service:
    """Change any subset of a service's fields.

    The category cannot change once cost records exist: an invoice on a license service would
    make every summary wrong. The service's row is locked first, so that a record added at the
    same moment (its writer locks the service too) is seen by the check.
    """
    repo = ServiceRepository(session)
    service = await _locked_service(repo, service_id)
    changes = body.changes()
    await _check_references(session, changes.get("provider_id"), changes.get("category_id"))
    new_category = changes.get("category_id")
    if (
        new_category is not None
        and new_category != service.category_id
        and await repo.has_cost_records(service_id)
    ):
        raise Conflict("The service already has cost records; its category cannot change.")
    await repo.update(service, **changes)
    return await get_service(session, service_id)


async def deactivate_service(session: AsyncSession, service_id: int) -> None:
    """Soft delete: the service becomes inactive and keeps its history."""
    repo = ServiceRepository(session)
    await repo.update(await _locked_service(repo, service_id), active=False)


async def require_service(
    session: AsyncSession, service_id: int, category: CategoryCode, *, lock: bool = False
) -> Service:
    """The service a record refers to; 422 when it does not exist or is of another category.

    ``lock`` locks the service's row first, for the rest of the transaction (see
    ``ServiceRepository.lock``).
    """
    repo = ServiceRepository(session)
    if lock:
        await repo.lock(service_id)
    service = await repo.get_loaded(service_id)
    if service is None:
        raise Invalid("service_id", f"Service {service_id} does not exist.")
    if service.category_code != category:
        wanted = (await CategoryRepository(session).get_by_code(category)).name
        raise Invalid(
            "service_id",
            f"Service {service_id} is a {service.category_name} service, not a {wanted} service.",
        )
    return service
