"""Business rules of authentication: login, the current admin, password changes."""

import asyncio

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from costwatch import clock
from costwatch.auth.passwords import password_problem
from costwatch.auth.repository import AdminUserRepository, token_state
from costwatch.auth.schemas import Token
from costwatch.auth.security import (
    create_token,
    decode_token,
    decode_token_cached,
    hash_password,
    verify_password,
)
from costwatch.auth.throttle import (
    Blocked,
    ThrottleRepository,
    blocked,
    count_failure,
    throttle_key,
)
from costwatch.auth.tokens import Identity, check_api_token, looks_like_api_token
from costwatch.config import DEMO_ADMIN_PASSWORD, Settings
from costwatch.errors import BadRequest, Invalid
from costwatch.models.admin_user import AdminUser

ADMIN_ACTOR = "admin"
# Where a request's state keeps ``(token, Identity)`` once the HTTP cache checked its token,
# before any data of the request was read (see ``auth.dependencies._authorize``).
CHECKED_IDENTITY = "checked_identity"


async def login(
    session: AsyncSession, settings: Settings, email: str, password: str, address: str
) -> Token | Blocked | None:
    """A token when the credentials match, ``None`` when they do not.

    ``Blocked`` when the (address, email) pair failed too often lately; the password is then
    not even checked. A failure is counted in the same transaction, which the caller commits
    whatever it answers.
    """
    throttle = ThrottleRepository(session)
    key = throttle_key(address, email)
    now = clock.now()
    await throttle.forget_before(now)
    row = await throttle.lock(key)
    if (block := blocked(row, now)) is not None:
        return block
    user = await AdminUserRepository(session).get_by_email(email)
    # Argon2 takes tens of milliseconds of CPU on purpose: in a thread, so that the event loop
    # keeps serving other requests meanwhile.
    matches = await asyncio.to_thread(
        verify_password, password, user.password_hash if user else None
    )
    if not matches or user is None:
        count_failure(row, now)
        return None
    await throttle.clear(key)
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
    """The admin a token names, if it is valid and was issued since the last password change.

    An API token speaks for the (single) admin too.
    """
    if looks_like_api_token(token):
        if await check_api_token(session, token) is None:
            return None
        users = await AdminUserRepository(session).all()
        return users[0] if users else None
    claims = decode_token(token, settings.effective_jwt_secret)
    if claims is None:
        return None
    user_id, version = claims
    user = await AdminUserRepository(session).get(user_id)
    if user is None or user.token_version != version:
        return None
    return user


async def check_token(session: AsyncSession, secret: str, token: str) -> Identity | None:
    """Who a valid, current token speaks for (and the data version), else ``None``.

    The one token check of every data route, and of the HTTP cache before it serves a kept
    answer: one indexed read gives both the token's state and the data version. A login
    token (JWT) is current while the admin's token version is unchanged; an API token while
    its row exists and has not expired.
    """
    if looks_like_api_token(token):
        return await check_api_token(session, token)
    claims = decode_token_cached(token, secret)
    if claims is None:
        return None  # refused without a connection (nor a database that answers)
    return await check_login_claims(await session.connection(), claims)


async def check_login_claims(
    connection: AsyncConnection, claims: tuple[int, int]
) -> Identity | None:
    """``check_token`` for a login token whose signature verified (``decode_token_cached``).

    Current while the admin's token version is unchanged. On a bare connection: it only reads.
    """
    user_id, version = claims
    state = await token_state(connection, user_id)
    if state is None or state[0] != version:
        return None
    return Identity(actor=ADMIN_ACTOR, can_write=True, data_version=state[1])


async def change_password(
    session: AsyncSession, user: AdminUser, current_password: str, new_password: str
) -> None:
    """Set a new password and revoke every token issued before."""
    if not await asyncio.to_thread(verify_password, current_password, user.password_hash):
        raise BadRequest("The current password is wrong.")
    problem = await asyncio.to_thread(
        password_problem, new_password, email=user.email, current=current_password
    )
    if problem is not None:
        raise Invalid("new_password", f"The new password {problem}.")
    new_hash = await asyncio.to_thread(hash_password, new_password)
    await AdminUserRepository(session).update(
        user, password_hash=new_hash, token_version=user.token_version + 1
    )


async def ensure_admin(session: AsyncSession, settings: Settings) -> bool:
    """Create the admin from the settings when no user exists yet; ``True`` if one was made."""
    repository = AdminUserRepository(session)
    if await repository.count():
        return False
    password_hash = await asyncio.to_thread(hash_password, settings.admin_password)
    await repository.add(settings.admin_email, password_hash)
    return True


async def demo_password_in_use(session: AsyncSession) -> bool:
    """Whether the admin still signs in with the documented demo password."""
    users = AdminUserRepository(session)
    for user in await users.all():
        if await asyncio.to_thread(verify_password, DEMO_ADMIN_PASSWORD, user.password_hash):
            return True
    return False
