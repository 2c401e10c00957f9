"""Routes under ``/auth``."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Response, status
from fastapi.security import OAuth2PasswordRequestForm

from costwatch.auth import service
from costwatch.auth.dependencies import CurrentAdmin, SettingsDep
from costwatch.auth.schemas import Me, PasswordChange, Token
from costwatch.db.session import SessionDep
from costwatch.errors import error_responses

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/login", response_model=Token, responses=error_responses(401, 422))
async def login(
    session: SessionDep,
    settings: SettingsDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> Token:
    """Exchange the admin's email (as `username`) and password for a bearer token."""
    token = await service.login(session, settings, form.username, form.password)
    if token is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="Wrong email or password.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return token


@router.get("/me", response_model=Me, responses=error_responses(401))
async def me(admin: CurrentAdmin) -> Me:
    """Who the token belongs to."""
    return Me(email=admin.email)


@router.post(
    "/password",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(400, 401, 422),
)
async def change_password(session: SessionDep, admin: CurrentAdmin, body: PasswordChange) -> None:
    """Change the admin's password; tokens issued before stop working."""
    await service.change_password(session, admin, body.current_password, body.new_password)
