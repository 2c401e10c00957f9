"""``GET /health`` (liveness: the database answers) and ``GET /ready`` (and is migrated)."""

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from costwatch.migrate import head_revision, is_at_head

router = APIRouter(tags=["health"])
HEALTH_TIMEOUT_SECONDS = 1.5


class Health(BaseModel):
    """The server's state."""

    status: str


class Readiness(BaseModel):
    """Whether this replica should receive traffic."""

    status: str
    revision: str


@router.get("/health", response_model=Health, responses={503: {"model": Health}})
async def health(request: Request) -> JSONResponse:
    """`ok` when the database answers, 503 when it does not. Needs no token."""
    try:
        # A load balancer's probe: answered within 2 s, whatever state the database is in.
        async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS):
            async with request.app.state.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError, TimeoutError):
        return JSONResponse(
            {"status": "unavailable"}, status_code=503, headers={"Retry-After": "2"}
        )
    return JSONResponse({"status": "ok"})


@router.get("/ready", response_model=Readiness, responses={503: {"model": Readiness}})
async def ready(request: Request) -> JSONResponse:
    """`ready` when the database answers and is at the newest migration, else 503."""
    head = head_revision()
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS):
            at_head = await is_at_head(request.app.state.engine)
    except (SQLAlchemyError, OSError, TimeoutError):
        return JSONResponse({"status": "database unavailable", "revision": head}, status_code=503)
    if not at_head:
        return JSONResponse({"status": "migrations pending", "revision": head}, status_code=503)
    return JSONResponse({"status": "ready", "revision": head})
