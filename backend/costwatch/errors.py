"""Domain errors raised below the routers, and the one place that turns them into HTTP."""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError


class ErrorBody(BaseModel):
    """The body of every 4xx answer other than 422."""

    detail: str


class DomainError(Exception):
    """Base of every error a service may raise on purpose."""

    status_code = 400

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(DomainError):
    """The id in the path names nothing."""

    status_code = 404


class Conflict(DomainError):
    """The request clashes with data already stored (a unique key, records in the way)."""

    status_code = 409


class BadRequest(DomainError):
    """A well-formed request that cannot be carried out (a wrong current password)."""

    status_code = 400


class Invalid(DomainError):
    """A field's value is wrong given what is stored; answered in FastAPI's 422 shape."""

    status_code = 422

    def __init__(self, field: str, detail: str, location: str = "body") -> None:
        super().__init__(detail)
        self.loc = [location, field]


def _domain_error_response(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    body: dict[str, Any]
    if isinstance(exc, Invalid):
        body = {"detail": [{"type": "value_error", "loc": exc.loc, "msg": exc.detail}]}
    else:
        body = {"detail": exc.detail}
    return JSONResponse(body, status_code=exc.status_code)


def _integrity_error_response(_: Request, exc: Exception) -> JSONResponse:
    # Services check uniqueness before writing; this catches the race where two requests pass
    # that check at the same moment and the database's unique key decides.
    return JSONResponse({"detail": "This record clashes with one already stored."}, 409)


def install_error_handlers(app: FastAPI) -> None:
    """Map domain errors and late database integrity errors to JSON responses."""
    app.add_exception_handler(DomainError, _domain_error_response)
    app.add_exception_handler(IntegrityError, _integrity_error_response)


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the error codes a route can answer."""
    described = {
        400: "The request cannot be carried out.",
        401: "Missing, invalid or expired token.",
        404: "No record with that id.",
        409: "Clashes with a record already stored.",
        422: "A field is missing or invalid.",
    }
    result: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        entry: dict[str, Any] = {"description": described[code]}
        if code != 422:
            entry["model"] = ErrorBody
        result[code] = entry
    if 422 in codes:
        # Starlette answers 400 itself when a body cannot be decoded at all.
        result.setdefault(400, {"description": "The body is not valid JSON.", "model": ErrorBody})
    return result
