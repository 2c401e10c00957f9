"""Refuse request bodies over a size limit with 413, before reading them.

The limit runs in front of routing and authentication: a client without a token cannot make
the server read and parse a large body. A declared ``Content-Length`` over the limit is
answered at once, without reading a byte; a streamed body (no length) is cut off as soon as
it passes the limit. Paths given their own limit (uploads) use it instead.
"""

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

TOO_LARGE = "The request body is larger than the server accepts ({limit:,} bytes)."


class BodyLimitMiddleware:
    """413 for bodies over ``max_bytes`` (or the limit of the longest matching path prefix)."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, path_limits: dict[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.path_limits = sorted((path_limits or {}).items(), key=lambda item: -len(item[0]))

    def _limit(self, path: str) -> int:
        for prefix, limit in self.path_limits:
            if path.startswith(prefix):
                return limit
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass requests within the limit; answer 413 for the others."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            response = JSONResponse({"detail": TOO_LARGE.format(limit=limit)}, status_code=413)
            await response(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # An HTTPException passes FastAPI's body parsing untouched and is answered
                    # as JSON by its handler.
                    raise HTTPException(413, TOO_LARGE.format(limit=limit))
            return message

        await self.app(scope, counted, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
