"""FastAPI dependencies: the settings and the signed-in admin."""

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from costwatch.auth.service import ADMIN_ACTOR, CHECKED_IDENTITY, check_token, user_from_token
from costwatch.auth.tokens import Identity, looks_like_api_token
from costwatch.config import Settings
from costwatch.db.audit_trail import set_actor
from costwatch.db.session import SessionDep
from costwatch.logs import request_id_var
from costwatch.models.admin_user import AdminUser

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="auth/login", auto_error=False)
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def get_settings(request: Request) -> Settings:
    """The settings the app was created with (``async``: no worker thread, see ``page_params``)."""
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_current_admin(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> AdminUser:
    """The admin named by a valid bearer token (a login or an API token), or 401."""
    if token and looks_like_api_token(token) and request.method not in READ_METHODS:
        identity = await check_token(session, settings.effective_jwt_secret, token)
        if identity is not None and not identity.can_write:
            raise _read_only()
    user = await user_from_token(session, settings, token) if token else None
    if user is None:
        raise _unauthorized()
    set_actor(session.sync_session, ADMIN_ACTOR, request_id_var.get())
    return user


def _read_only() -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_403_FORBIDDEN,
        detail="This API token may only read; use a token with the write scope.",
    )


def _unauthorized() -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail="Not authenticated: send a valid token as 'Authorization: Bearer <token>'.",
        headers={"WWW-Authenticate": "Bearer"},
    )


CurrentAdmin = Annotated[AdminUser, Depends(get_current_admin)]


async def require_admin(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> None:
    """Guard of every data route: a valid, current token, or 401; a read token writes nothing.

    Also leaves the data version in ``request.state`` for the report cache (one query does
    both), and names the actor of this request's changes for the audit log.
    """
    await _authorize(request, session, settings, token)
    set_actor(session.sync_session, request.state.actor, request_id_var.get())


async def _authorize(
    request: Request, session: AsyncSession, settings: Settings, token: str | None
) -> None:
    checked = getattr(request.state, CHECKED_IDENTITY, None)
    if token and checked is not None and checked[0] == token:
        # The HTTP cache checked this very token a moment ago, and read the data version
        # before any of the route's data: the version the answer is kept under is never
        # newer than the data it was computed from (reads are READ COMMITTED anyway, each
        # statement its own snapshot), so reading it again here adds a round trip only.
        identity: Identity | None = checked[1]
    else:
        identity = (
            await check_token(session, settings.effective_jwt_secret, token) if token else None
        )
    if identity is None:
        raise _unauthorized()
    if request.method not in READ_METHODS and not identity.can_write:
        raise _read_only()
    request.state.data_version = identity.data_version
    request.state.actor = identity.actor


async def require_admin_before_upload(
    request: Request,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> None:
    """``require_admin`` for routes that receive an upload: checked before the body is read.

    Its session is its own and ends at once: the route opens its transaction once the file
    is received (``request_session``) and names the actor there (``request.state.actor``).
    """
    factory: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    async with factory() as session:
        await _authorize(request, session, settings, token)
        if session.info.get("commit_reads"):  # an API token's last use, noted
            await session.commit()


async def require_login(request: Request) -> None:
    """Only the admin's own login may manage API tokens (a token cannot make more tokens)."""
    if getattr(request.state, "actor", None) != ADMIN_ACTOR:
        raise HTTPException(
            status_code=status.HTTP_403_FORBIDDEN,
            detail="API tokens are managed with the admin's login, not with a token.",
        )
