"""SQL for the ``admin_user`` table."""

from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from costwatch.db.repository import Repository
from costwatch.models import AdminUser, ApiToken, DataVersion

# The token's version and the data version in one read (built once: this runs on every request).
TOKEN_STATE = (
    select(AdminUser.token_version, DataVersion.version)
    .join(DataVersion, DataVersion.id == 1)
    .where(AdminUser.id == bindparam("user_id"))
)


# An API token's state and the data version in one read, by the token's hash.
API_TOKEN_STATE = (
    select(ApiToken.id, ApiToken.name, ApiToken.scope, ApiToken.expires_at, DataVersion.version)
    .join(DataVersion, DataVersion.id == 1)
    .where(ApiToken.token_hash == bindparam("token_hash"))
)
# last_used_at is written at most once a minute per token: a busy script must not turn
# every read into a write.
LAST_USED_EVERY = timedelta(minutes=1)


async def token_state(connection: AsyncConnection, user_id: int) -> tuple[int, int] | None:
    """The user's token version and the data version, in one primary-key read of each.

    This is the whole database cost of an authenticated request whose report is cached: on
    a bare connection, without a session to open and close around it.
    """
    row = (await connection.execute(TOKEN_STATE, {"user_id": user_id})).first()
    return (row[0], row[1]) if row else None


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

    async def all(self) -> list[AdminUser]:
        """Every user (there is one admin)."""
        return list((await self.session.execute(select(AdminUser))).scalars())

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


class ApiTokenRepository(Repository[ApiToken]):
    """CRUD on ``api_token``."""

    model = ApiToken

    async def state(self, token_hash: str) -> tuple[int, str, str, datetime | None, int] | None:
        """(id, name, scope, expiry, data version) of the token with that hash."""
        connection = await self.session.connection()
        row = (await connection.execute(API_TOKEN_STATE, {"token_hash": token_hash})).first()
        return (row[0], row[1], row[2], row[3], row[4]) if row else None

    async def list_page(self, *, limit: int, offset: int) -> tuple[list[ApiToken], int]:
        """Tokens, newest first."""
        stmt = select(ApiToken).order_by(ApiToken.id.desc())
        return await self.page(stmt, limit=limit, offset=offset)

    async def touch(self, token_id: int, now: datetime) -> None:
        """Note that a token was used.

        A Core statement: no audit entry and no new data version, so cached answers stay valid.
        """
        await self.session.execute(
            update(ApiToken)
            .where(
                ApiToken.id == token_id,
                or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - LAST_USED_EVERY),
            )
            .values(last_used_at=now)
        )
