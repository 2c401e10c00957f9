"""FastAPI dependencies: the settings and the signed-in admin."""

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer

from costwatch.auth.service import check_token, user_from_token
from costwatch.config import Settings
from costwatch.db.session import SessionDep
from costwatch.models.admin_user import AdminUser

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="auth/login", auto_error=False)


def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_current_admin(
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> AdminUser:
    """The admin named by a valid bearer token, or 401."""
    user = await user_from_token(session, settings, token) if token else None
    if user is None:
        raise _unauthorized()
    return user


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
    """Guard of every data route: a valid, current token, or 401.

    Also leaves the data version in ``request.state`` for the report cache: one query does both.
    """
    data_version = (
        await check_token(session, settings.effective_jwt_secret, token) if token else None
    )
    if data_version is None:
        raise _unauthorized()
    request.state.data_version = data_version
