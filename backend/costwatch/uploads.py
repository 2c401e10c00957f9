"""Receiving one uploaded file: streamed to a temporary file, within the upload limit.

Shared by every route that takes a file (CSV imports, restoring a backup). The app routes
such a path through ``BodyLimitMiddleware`` with ``COSTWATCH_MAX_UPLOAD_BYTES`` (413 above it)
and past the request replay buffer of ``ResilienceMiddleware``; the route depends on
``require_admin_before_upload`` (the token is checked before a byte is read). Starlette then
spools the multipart part to disk past 1 MB: the file is never held in memory.
"""

import contextlib
from collections.abc import AsyncIterator
from typing import IO, Any

from fastapi import Request
from starlette.datastructures import UploadFile

from costwatch.errors import Invalid


def upload_body(description: str, body_types: tuple[str, ...] = ()) -> dict[str, Any]:
    """The OpenAPI request body of a route taking one file as the multipart field ``file``.

    ``body_types``: content types in which the route also takes the file as the body itself.
    """
    as_body = {
        kind: {"schema": {"type": "string", "format": "binary", "description": description}}
        for kind in body_types
    }
    return {
        "requestBody": {
            "required": True,
            "content": {
                **as_body,
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {
                            "file": {
                                "type": "string",
                                "format": "binary",
                                "description": description,
                            }
                        },
                    }
                },
            },
        }
    }


@contextlib.asynccontextmanager
async def received_file(request: Request, what: str) -> AsyncIterator[IO[bytes]]:
    """The multipart field ``file`` of the request, received whole, as a binary file.

    A request without it is a 422 naming ``what`` it should hold; the temporary file is
    removed when the block ends.
    """
    form = await request.form(max_files=1, max_fields=4)
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise Invalid("file", f"Send the {what} as the multipart field `file`.")
        yield upload.file
    finally:
        await form.close()
