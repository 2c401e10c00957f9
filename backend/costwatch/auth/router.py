"""Routes under ``/auth``."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordRequestForm

from costwatch.auth import service
from costwatch.auth import tokens as api_tokens
from costwatch.auth.dependencies import CurrentAdmin, SettingsDep
from costwatch.auth.schemas import (
    ApiTokenCreate,
    ApiTokenCreated,
    ApiTokenRead,
    Me,
    PasswordChange,
    Token,
)
from costwatch.auth.throttle import MAX_FAILURES, WINDOW, Blocked
from costwatch.db.session import SessionDep
from costwatch.errors import error_responses
from costwatch.params import TOTAL_COUNT_HEADER, IdPath, PageDep, set_total
from costwatch.routing import DecimalJSONRoute

router = APIRouter(prefix="/auth", tags=["auth"], route_class=DecimalJSONRoute)


@router.post(
    "/login",
    response_model=Token,
    responses={
        **error_responses(401, 422),
        429: {
            "description": f"{MAX_FAILURES} wrong logins from this address for this email within"
            f" {WINDOW.seconds // 60} minutes: wait `Retry-After` seconds.",
            "headers": {"Retry-After": {"schema": {"type": "integer"}}},
        },
    },
)
async def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> Token | JSONResponse:
    """Exchange the admin's email (as `username`) and password for a bearer token."""
    address = request.client.host if request.client else "unknown"
    outcome = await service.login(session, settings, form.username, form.password, address)
    # Answered, not raised: the failure just counted must be committed with the 401.
    if outcome is None:
        return JSONResponse(
            {"detail": "Wrong email or password."},
            status_code=status.HTTP_401_UNAUTHORIZED,
            headers={"WWW-Authenticate": "Bearer"},
        )
    if isinstance(outcome, Blocked):
        return JSONResponse(
            {"detail": "Too many wrong logins; try again later."},
            status_code=status.HTTP_429_TOO_MANY_REQUESTS,
            headers={"Retry-After": str(outcome.retry_after)},
        )
    return outcome


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


tokens = APIRouter(prefix="/tokens", tags=["tokens"], route_class=DecimalJSONRoute)


@tokens.get(
    "",
    response_model=list[ApiTokenRead],
    responses={**error_responses(401, 403, 422), 200: {"headers": TOTAL_COUNT_HEADER}},
)
async def list_tokens(session: SessionDep, response: Response, page: PageDep) -> list[ApiTokenRead]:
    """List API tokens, newest first (never the tokens themselves)."""
    rows, total = await api_tokens.list_api_tokens(session, limit=page.limit, offset=page.offset)
    set_total(response, total)
    return [ApiTokenRead.model_validate(row) for row in rows]


@tokens.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ApiTokenCreated,
    responses=error_responses(401, 403, 422),
)
async def create_token(session: SessionDep, body: ApiTokenCreate) -> ApiTokenCreated:
    """Make an API token; this answer is the only one that shows it."""
    row, token = await api_tokens.create_api_token(session, body)
    return ApiTokenCreated.model_validate(
        {**ApiTokenRead.model_validate(row).model_dump(), "token": token}
    )


@tokens.delete(
    "/{token_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(401, 403, 404, 422),
)
async def delete_token(session: SessionDep, token_id: IdPath) -> None:
    """Revoke an API token: it stops working at once."""
    await api_tokens.delete_api_token(session, token_id)
