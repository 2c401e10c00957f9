"""SQL of budgets."""

from sqlalchemy import func, select

from costwatch.db.repository import Repository
from costwatch.models import Budget, Service, ServiceCategory


class BudgetRepository(Repository[Budget]):
    """CRUD on ``budget``."""

    model = Budget

    async def list_page(self, *, limit: int | None, offset: int) -> tuple[list[Budget], int]:
        """Budgets by name, and how many there are."""
        stmt = select(Budget).order_by(Budget.name, Budget.id).offset(offset)
        if limit is not None:
            stmt = stmt.limit(limit)
        rows = list((await self.session.execute(stmt)).scalars())
        total = (await self.session.execute(select(func.count()).select_from(Budget))).scalar_one()
        return rows, total

    async def subject_names(
        self, category_ids: set[int], service_ids: set[int]
    ) -> tuple[dict[int, str], dict[int, str]]:
        """The names of the categories and services budgets cover."""
        categories: dict[int, str] = {}
        services: dict[int, str] = {}
        if category_ids:
            stmt = select(ServiceCategory.id, ServiceCategory.name).where(
                ServiceCategory.id.in_(category_ids)
            )
            categories = {row[0]: row[1] for row in (await self.session.execute(stmt)).all()}
        if service_ids:
            stmt = select(Service.id, Service.name).where(Service.id.in_(service_ids))
            services = {row[0]: row[1] for row in (await self.session.execute(stmt)).all()}
        return categories, services
