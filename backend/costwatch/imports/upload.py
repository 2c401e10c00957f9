"""Receiving one uploaded FOCUS file into a temporary file, in large writes, summed as it arrives.

Starlette's form parser spools a part to an anonymous temporary file and hands each chunk of
the body (64 kB or so) to a thread of its own: about ten thousand thread hops for a 600 MB
bill, most of the time of an upload. Here the multipart body is parsed as it streams in (by
python-multipart, as Starlette does), the file part is gathered in memory up to ``BATCH``
bytes and written by one thread call per batch, into a file with a name that DuckDB can open.
The rest of the upload machinery is the CSV imports': the token is checked before the body is
read, ``BodyLimitMiddleware`` ends the stream with a 413 past ``COSTWATCH_MAX_UPLOAD_BYTES``.

A large plain CSV is also passed to DuckDB through a named pipe while it arrives (``_Stream``):
the upload and the sum overlap, and a multi-gigabyte bill is summed about when its last byte is
received rather than one full read of the disk later.
"""

import asyncio
import contextlib
import errno
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, MultipartState, parse_options_header
from starlette.requests import Request

from costwatch.errors import BadRequest, Invalid
from costwatch.imports.focus import (
    Aggregate,
    CostColumn,
    GroupBy,
    Plan,
    Source,
    aggregate,
    csv_header_from,
    plan,
    run,
)

if TYPE_CHECKING:  # a typing-only name of python-multipart
    from python_multipart.multipart import MultipartCallbacks

BATCH = 4 * 1024 * 1024
"""Bytes of the file gathered before one write (a bounded amount of memory per upload)."""

HEADER_BYTES = 1024 * 1024
"""Where the header of a streamed CSV must end (else the file is summed once received)."""

OPEN_SECONDS = 30.0
"""How long DuckDB may take to open the pipe it sums from."""

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


class _Stream:
    """A named pipe that DuckDB sums from while the upload is still arriving.

    The upload is written to its file on disk and to this pipe, batch by batch, so that the
    sum of a large plain CSV is done about when the last byte arrives, instead of after it.
    The file on disk is kept for what a pipe cannot give: the row of a bad value, found by a
    second scan. DuckDB reads gzip and Parquet only from a file: those are summed afterwards.
    """

    def __init__(self, fd: int, task: "asyncio.Future[Aggregate]") -> None:
        self.fd: int | None = fd
        self.task = task
        # A write runs in a worker thread, which may outlive a cancelled request: the pipe is
        # closed only between two writes, never under one.
        self._lock = threading.Lock()

    @classmethod
    async def start(cls, fifo: Path, job: Plan, rows_from: Source) -> "_Stream":
        os.mkfifo(fifo, 0o600)
        task = asyncio.ensure_future(asyncio.to_thread(run, job, rows_from=rows_from))
        # Opening a pipe for writing waits for its reader: poll without blocking, so that a
        # reader that failed first is noticed (its error is the answer) rather than waited on.
        deadline = time.monotonic() + OPEN_SECONDS
        while True:
            try:
                fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as error:
                if error.errno != errno.ENXIO:
                    raise
            else:
                os.set_blocking(fd, True)
                return cls(fd, task)
            if task.done():
                await task  # raises the reader's error
                raise RuntimeError("DuckDB ended without reading the upload's stream.")
            if time.monotonic() > deadline:  # pragma: no cover - DuckDB opens it at once
                raise RuntimeError("DuckDB did not open the upload's stream in time.")
            await asyncio.sleep(0.005)

    def write(self, data: bytes | bytearray) -> None:
        """Pass a batch on (in a worker thread: it waits while DuckDB is behind)."""
        view = memoryview(data)
        with self._lock:
            try:
                while view and self.fd is not None:
                    view = view[os.write(self.fd, view) :]
            except BrokenPipeError:  # DuckDB stopped reading (an error it will report)
                self._close()

    def close(self) -> None:
        """End the stream: DuckDB reads the end of the file."""
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    async def result(self) -> Aggregate:
        """The sum, once the whole upload was passed on."""
        self.close()
        return await self.task

    async def abandon(self) -> None:
        """The upload failed: end the stream and wait for DuckDB, whatever it found."""
        self.close()
        with contextlib.suppress(Exception):
            await self.task


def _write(target: BinaryIO, stream: _Stream | None, data: bytearray) -> None:
    target.write(data)
    if stream is not None:
        stream.write(data)


async def sum_upload(
    request: Request, *, cost: CostColumn, group_by: GroupBy, field: str = "file"
) -> tuple[Aggregate, int]:
    """Receive the multipart field ``field`` and sum it as a FOCUS file; also its size.

    A plain CSV larger than one batch is summed while it arrives (``_Stream``); anything else
    once it is on disk. No multipart body, or no such field: 422 on ``field``; a malformed body:
    400; a bad file: 422 naming the row and column.
    """
    kind, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise Invalid(
            field, f"Send the file as the multipart field `{field}` (multipart/form-data)."
        )
    receiver = _Receiver(field)
    size = 0
    with tempfile.TemporaryDirectory(prefix="costwatch-upload-") as folder:
        path = Path(folder) / "upload"
        stream: _Stream | None = None
        with path.open("wb") as target:
            parser = MultipartParser(boundary, receiver.callbacks())
            try:
                async for chunk in request.stream():
                    parser.write(chunk)
                    if len(receiver.pending) >= BATCH:
                        data, receiver.pending = receiver.pending, bytearray()
                        if size == 0:
                            stream = await _maybe_stream(data, Path(folder), path, cost, group_by)
                        size += len(data)
                        await asyncio.to_thread(_write, target, stream, data)
                parser.finalize()
                if parser.state != MultipartState.END:
                    # python-multipart accepts a body cut short: half a bill must not count.
                    raise BadRequest(
                        "The multipart body ends before its closing boundary (cut short?)."
                    )
                if not receiver.found:
                    raise Invalid(field, f"Send the file as the multipart field `{field}`.")
                size += len(receiver.pending)
                await asyncio.to_thread(_write, target, stream, receiver.pending)
                target.flush()  # before the stream ends: DuckDB may look up a row in it
            except FormParserError:
                if stream is not None:
                    await stream.abandon()
                raise BadRequest("The multipart body is malformed.") from None
            except BaseException:
                if stream is not None:
                    await stream.abandon()
                raise
        if stream is not None:
            return await stream.result(), size
        return await asyncio.to_thread(aggregate, path, cost=cost, group_by=group_by), size


async def _maybe_stream(
    head: bytearray, folder: Path, path: Path, cost: CostColumn, group_by: GroupBy
) -> _Stream | None:
    """Start summing from a pipe when the first batch is the start of a plain CSV."""
    columns = csv_header_from(bytes(head[:HEADER_BYTES]))
    if columns is None:
        return None
    job = plan(Source(folder / "stream", "csv", columns), cost=cost, group_by=group_by)
    return await _Stream.start(folder / "stream", job, Source(path, "csv", columns))
