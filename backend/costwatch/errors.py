"""Domain errors raised below the routers, and the one place that turns them into HTTP."""

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DataError, IntegrityError


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
        self.loc: list[str | int] = [location, field]


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


# Fields whose value is a secret: a 422 about them never repeats what was sent.
_SECRET_PARTS = ("password", "secret", "token", "api_key", "credentials")


def _is_secret(loc: Any) -> bool:
    return any(
        isinstance(part, str) and any(word in part.lower() for word in _SECRET_PARTS)
        for part in loc
    )


def _renderable(value: Any) -> bool:
    try:
        json.dumps(jsonable_encoder(value), allow_nan=False, ensure_ascii=False).encode()
    except (ValueError, TypeError, UnicodeEncodeError):
        return False
    return True


def _validation_error_response(_: Request, exc: Exception) -> JSONResponse:
    """FastAPI's 422 body, without the submitted value of a secret field."""
    assert isinstance(exc, RequestValidationError)
    errors = []
    for error in exc.errors():
        if _is_secret(error.get("loc", ())):
            error = {key: value for key, value in error.items() if key not in ("input", "ctx")}
        elif "input" in error and not _renderable(error["input"]):
            # A lone surrogate or NaN cannot be written back as JSON: say what it was instead.
            error = {**error, "input": repr(error["input"])[:200]}
        errors.append(error)
    return JSONResponse({"detail": jsonable_encoder(errors)}, status_code=422)


def _data_error_response(_: Request, exc: Exception) -> JSONResponse:
    # Values are range-checked on the way in; what is left is a sum the database must keep
    # (a month's consumption total) growing past its column. The request is refused whole.
    return JSONResponse(
        {"detail": "This would make a stored total larger than the database can hold."}, 422
    )


def install_error_handlers(app: FastAPI) -> None:
    """Map domain errors, validation errors and late database integrity errors to JSON."""
    app.add_exception_handler(RequestValidationError, _validation_error_response)
    app.add_exception_handler(DomainError, _domain_error_response)
    app.add_exception_handler(IntegrityError, _integrity_error_response)
    app.add_exception_handler(DataError, _data_error_response)


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the error codes a route can answer."""
    described = {
        400: "The request cannot be carried out (or its body cannot be read).",
        401: "Missing, invalid or expired token.",
        403: "The token may not do this (a read-only API token, or a token managing tokens).",
        404: "No record with that id.",
        409: "Clashes with a record already stored.",
        413: "The body is larger than the server accepts.",
        422: "A field is missing or invalid.",
        502: "An outside service (a provider's API) failed; the detail says how.",
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
