"""Business rules of authentication: login, the current admin, password changes."""

from sqlalchemy.ext.asyncio import AsyncSession

from costwatch.auth.repository import AdminUserRepository
from costwatch.auth.schemas import Token
from costwatch.auth.security import (
    create_token,
    decode_token,
    decode_token_cached,
    hash_password,
    verify_password,
)
from costwatch.config import Settings
from costwatch.errors import BadRequest
from costwatch.models.admin_user import AdminUser


async def login(
    session: AsyncSession, settings: Settings, email: str, password: str
) -> Token | None:
    """A token for the admin when the credentials match, else ``None``."""
    user = await AdminUserRepository(session).get_by_email(email)
    if not verify_password(password, user.password_hash if user else None) or user is None:
        return None
    token = create_token(
        user_id=user.id,
        version=user.token_version,
        secret=settings.effective_jwt_secret,
        minutes=settings.token_minutes,
    )
    return Token(access_token=token, expires_in=settings.token_minutes * 60)


async def user_from_token(
    session: AsyncSession, settings: Settings, token: str
) -> AdminUser | None:
    """The admin a token names, if it is valid and was issued since the last password change."""
    claims = decode_token(token, settings.effective_jwt_secret)
    if claims is None:
        return None
    user_id, version = claims
    user = await AdminUserRepository(session).get(user_id)
    if user is None or user.token_version != version:
        return None
    return user


async def check_token(session: AsyncSession, secret: str, token: str) -> int | None:
    """The data version if the token is valid and still current, else ``None``.

    The one token check of every data route, and of the HTTP cache before it serves a kept
    answer: one primary-key read gives both the token version and the data version.
    """
    claims = decode_token_cached(token, secret)
    if claims is None:
        return None
    user_id, version = claims
    state = await AdminUserRepository(session).token_state(user_id)
    if state is None or state[0] != version:
        return None
    return state[1]


async def change_password(
    session: AsyncSession, user: AdminUser, current_password: str, new_password: str
) -> None:
    """Set a new password and revoke every token issued before."""
    if not verify_password(current_password, user.password_hash):
        raise BadRequest("The current password is wrong.")
    await AdminUserRepository(session).update(
        user, password_hash=hash_password(new_password), token_version=user.token_version + 1
    )


async def ensure_admin(session: AsyncSession, settings: Settings) -> bool:
    """Create the admin from the settings when no user exists yet; ``True`` if one was made."""
    repository = AdminUserRepository(session)
    if await repository.count():
        return False
    await repository.add(settings.admin_email, hash_password(settings.admin_password))
    return True
