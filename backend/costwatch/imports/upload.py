"""Receiving one uploaded file straight into a named temporary file, in large writes.

Starlette's form parser spools a part to an anonymous temporary file and hands each chunk of
the body (64 kB or so) to a thread of its own: about ten thousand thread hops for a 600 MB
bill, most of the time of an upload. Here the multipart body is parsed as it streams in (by
python-multipart, as Starlette does), the file part is gathered in memory up to ``BATCH``
bytes and written by one thread call per batch, into a file with a name that DuckDB can open.
The rest of the upload machinery is the CSV imports': the token is checked before the body is
read, ``BodyLimitMiddleware`` ends the stream with a 413 past ``COSTWATCH_MAX_UPLOAD_BYTES``.
"""

import asyncio
import contextlib
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, MultipartState, parse_options_header
from starlette.requests import Request

from costwatch.errors import BadRequest, Invalid

if TYPE_CHECKING:  # a typing-only name of python-multipart
    from python_multipart.multipart import MultipartCallbacks

BATCH = 4 * 1024 * 1024
"""Bytes of the file gathered before one write (a bounded amount of memory per upload)."""

MAX_PARTS = 4
"""Parts a body may have (the file, and a few fields that are ignored)."""


class _Receiver:
    """The parser's callbacks: keep the data of the part named ``field``, ignore the others."""

    def __init__(self, field: str) -> None:
        self.field = field.encode()
        self.pending = bytearray()
        self.found = False
        self.parts = 0
        self._in_file = False
        self._header_field = bytearray()
        self._header_value = bytearray()
        self._disposition = b""

    def callbacks(self) -> "MultipartCallbacks":
        return {
            "on_part_begin": self._part_begin,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
            "on_header_field": self._header_field_data,
            "on_header_value": self._header_value_data,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
        }

    def _part_begin(self) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            raise BadRequest(f"The body has more than {MAX_PARTS} parts; send the one file.")
        self._disposition = b""

    def _header_field_data(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def _header_value_data(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        if self._header_field.lower() == b"content-disposition":
            self._disposition = bytes(self._header_value)
        self._header_field.clear()
        self._header_value.clear()

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        self._in_file = options.get(b"name") == self.field
        if self._in_file:
            if self.found:
                raise BadRequest("Send one file only (the multipart field `file`).")
            self.found = True

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._in_file:
            self.pending += memoryview(data)[start:end]

    def _part_end(self) -> None:
        self._in_file = False


@contextlib.asynccontextmanager
async def received_file(request: Request, field: str = "file") -> AsyncIterator[Path]:
    """Receive the multipart field ``field`` into a temporary file; its path, then deleted.

    No multipart body, or no such field: 422 on ``field``; a malformed body: 400.
    """
    kind, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise Invalid(
            field, f"Send the file as the multipart field `{field}` (multipart/form-data)."
        )
    receiver = _Receiver(field)
    with tempfile.NamedTemporaryFile(prefix="costwatch-upload-") as target:
        parser = MultipartParser(boundary, receiver.callbacks())
        try:
            async for chunk in request.stream():
                parser.write(chunk)
                if len(receiver.pending) >= BATCH:
                    data, receiver.pending = receiver.pending, bytearray()
                    await asyncio.to_thread(target.write, data)
            parser.finalize()
        except FormParserError:
            raise BadRequest("The multipart body is malformed.") from None
        if parser.state != MultipartState.END:
            # python-multipart accepts a body cut short: half a bill must not be imported.
            raise BadRequest("The multipart body ends before its closing boundary (cut short?).")
        if not receiver.found:
            raise Invalid(field, f"Send the file as the multipart field `{field}`.")
        await asyncio.to_thread(target.write, receiver.pending)
        await asyncio.to_thread(target.flush)
        yield Path(target.name)
