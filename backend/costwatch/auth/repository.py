"""SQL for the ``admin_user`` table."""

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from costwatch.auth.models import AdminUser


class AdminUserRepository:
    """CRUD for the admin user."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: int) -> AdminUser | None:
        """The user with that id."""
        return await self.session.get(AdminUser, user_id)

    async def get_by_email(self, email: str) -> AdminUser | None:
        """The user with that email, compared without regard to case."""
        stmt = select(AdminUser).where(func.lower(AdminUser.email) == email.lower())
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def count(self) -> int:
        """How many users exist."""
        return (await self.session.execute(select(func.count(AdminUser.id)))).scalar_one()

    async def add(self, email: str, password_hash: str) -> AdminUser:
        """Insert a user."""
        user = AdminUser(email=email, password_hash=password_hash, token_version=0)
        self.session.add(user)
        await self.session.flush()
        await self.session.refresh(user)
        return user

    async def update(self, user: AdminUser, *, password_hash: str, token_version: int) -> None:
        """Store a new password hash and token version."""
        user.password_hash = password_hash
        user.token_version = token_version
        await self.session.flush()
