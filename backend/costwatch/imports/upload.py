"""Receiving one uploaded FOCUS file into temporary files, in large writes, summed as it arrives.

Starlette's form parser spools a part to an anonymous temporary file and hands each chunk of
the body (64 kB or so) to a thread of its own: about ten thousand thread hops for a 600 MB
bill, most of the time of an upload. Here the multipart body is parsed as it streams in (by
python-multipart, as Starlette does), the file part is gathered in memory up to ``BATCH``
bytes and written by one thread call per batch, into files with names that DuckDB can open;
a batch is written while the next one is received, in two buffers used again (``_Batches``).
The rest of the upload machinery is the CSV imports': the token is checked before the body is
read, ``BodyLimitMiddleware`` ends the stream with a 413 past ``COSTWATCH_MAX_UPLOAD_BYTES``.

A large plain CSV is summed while it arrives (``_Parts``): it is cut at line breaks into
files of about ``PART_BYTES``, and DuckDB sums each complete part in a thread of its own while
the next one is received. Summing from files (not from a pipe) lets DuckDB read on all its
threads; the parts' exact sums are added, then rounded once. A multi-gigabyte bill is summed
shortly after its last byte arrives rather than one full read of the disk later.
"""

import asyncio
import contextlib
import queue
import shutil
import tempfile
import threading
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, MultipartState, parse_options_header
from starlette.requests import Request

from costwatch.errors import BadRequest, Invalid
from costwatch.imports.focus import (
    DUCKDB_THREADS,
    Aggregate,
    CostColumn,
    GroupBy,
    Partial,
    Plan,
    Source,
    add_partials,
    aggregate,
    csv_header_from,
    finish,
    partial,
    plan,
)

if TYPE_CHECKING:  # a typing-only name of python-multipart
    from python_multipart.multipart import MultipartCallbacks

BATCH = 4 * 1024 * 1024
"""Bytes of the file gathered before one write (a bounded amount of memory per upload)."""

HEADER_BYTES = 1024 * 1024
"""Where the header of a streamed CSV must end (else the file is summed once received)."""

PART_BYTES = 128 * 1024 * 1024
"""About how large a part of a plain CSV upload is before it is summed (``_Parts``): large
enough that starting DuckDB for it costs little, small enough that the last part, summed after
the upload ends, is quick."""

MAX_PARTS = 4
"""Parts a body may have (the file, and a few fields that are ignored)."""


class _Batches:
    """The file's bytes gathered into buffers of ``BATCH`` bytes that are used again.

    A fresh buffer for every batch costs more than the copy into it: each of its pages is
    faulted in on first touch (about a second per gigabyte here, on the event loop). So the
    buffers are kept: one is filled while the one before is written, then handed back
    (``release``) and filled again.
    """

    def __init__(self) -> None:
        self._free: list[bytearray] = []
        self._current: bytearray | None = None
        self._fill = 0
        self.full: list[bytearray] = []

    def add(self, data: bytes | memoryview) -> None:
        """Copy ``data`` in; each buffer that fills up goes to ``full``."""
        view = memoryview(data)
        while view:
            if self._current is None:
                self._current = self._free.pop() if self._free else bytearray(BATCH)
            taken = min(len(view), BATCH - self._fill)
            self._current[self._fill : self._fill + taken] = view[:taken]
            self._fill += taken
            view = view[taken:]
            if self._fill == BATCH:
                self.full.append(self._current)
                self._current, self._fill = None, 0

    def rest(self) -> bytearray:
        """The bytes of the buffer being filled (the end of the file): a buffer of their own."""
        rest = bytearray() if self._current is None else self._current[: self._fill]
        self._current, self._fill = None, 0
        return rest

    def release(self, buffer: bytearray) -> None:
        """A full buffer was written: fill it again."""
        if len(buffer) == BATCH:
            self._free.append(buffer)


class _Receiver:
    """The parser's callbacks: keep the data of the part named ``field``, ignore the others."""

    def __init__(self, field: str, batches: _Batches) -> None:
        self.field = field.encode()
        self.batches = batches
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
            self.batches.add(memoryview(data)[start:end])

    def _part_end(self) -> None:
        self._in_file = False


class _Parts:
    """A plain CSV upload cut at record ends into files that DuckDB sums while the rest arrives.

    Each part is a CSV file of its own: the header line, then the records. (DuckDB reads a
    headerless part differently: it takes the kind of line break from the first line, which
    may be inside a quoted cell.) A part ends at the last line break of a batch. That is a
    record's end unless the break is inside a quoted cell (a cell may hold line breaks): then
    the part ends inside quotes, which DuckDB, reading it strictly, refuses ("unterminated
    quote"), and the file is summed whole once received (below): a rare file pays with time,
    never with a wrong sum. Knowing for sure where records end would take a count of every
    quote character of the file, with the GIL held: a third of the receiving's CPU time for
    a bill of 10 million rows. Complete parts are queued to one summing thread, which takes
    every part waiting at once.

    A part that cannot be read (a broken line, or a cut inside quotes) is not reported from
    the part, whose line numbers are its own: the parts are put back together and the whole
    file is summed the ordinary way, which names the line (``whole``). A bad value (a cost
    that is not a number...) is reported with its row, looked up in the parts read in order
    as one file.
    """

    def __init__(
        self, folder: Path, header: bytes, job: Plan, cost: CostColumn, group_by: GroupBy
    ) -> None:
        self.folder = folder
        self.header = header
        self.job = job
        self.cost: CostColumn = cost
        self.group_by: GroupBy = group_by
        self.paths: list[Path] = []
        self.partials: list[Partial] = []
        self.failed = False
        self._skip = len(header)  # the header's bytes, at the start of the first batch
        self._size = 0  # bytes in the part being written
        self._file: BinaryIO | None = None
        self._queue: queue.SimpleQueue[Path | None] = queue.SimpleQueue()
        # A thread of its own, not one of the event loop's few pooled ones: it waits for
        # parts as long as the upload lasts, and the batches' writes need the pool meanwhile
        # (several uploads at once must not take every pooled thread).
        loop = asyncio.get_running_loop()
        self._summing: asyncio.Future[None] = loop.create_future()
        threading.Thread(
            target=self._sum_then_tell, args=(loop,), name="focus-upload-parts", daemon=True
        ).start()

    @classmethod
    def start(
        cls, head: bytearray, folder: Path, cost: CostColumn, group_by: GroupBy
    ) -> "_Parts | None":
        """Parts for an upload whose first batch is the start of a plain CSV, else None.

        The columns are checked against the header at once: a file without a column FOCUS
        requires is refused before the rest of it is received.
        """
        found = csv_header_from(bytes(head[:HEADER_BYTES]))
        if found is None:
            return None
        columns, length = found
        job = plan(Source(folder / "part", "csv", columns), cost=cost, group_by=group_by)
        return cls(folder, bytes(head[:length]), job, cost, group_by)

    def write(self, data: bytearray) -> None:
        """Add a batch of the file (in a worker thread); queue each part once it is complete."""
        begin = min(self._skip, len(data))
        self._skip -= begin
        cut = None
        if self._size + len(data) - begin >= PART_BYTES:
            last_break = data.rfind(b"\n", begin)
            cut = last_break + 1 if last_break >= 0 else None
        if cut is None:
            self._append(data, begin, len(data))
            return
        self._append(data, begin, cut)
        self._end_part()
        self._append(data, cut, len(data))

    def _append(self, data: bytearray, start: int, end: int) -> None:
        if start >= end:
            return
        if self._file is None:
            path = self.folder / f"part-{len(self.paths):05d}.csv"
            self._file = path.open("wb")
            self._file.write(self.header)
            self.paths.append(path)
        self._file.write(memoryview(data)[start:end])
        self._size += end - start

    def _end_part(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
            self._queue.put(self.paths[-1])
        self._size = 0

    def _sum_then_tell(self, loop: asyncio.AbstractEventLoop) -> None:
        try:
            self._sum_queued()
        finally:
            loop.call_soon_threadsafe(self._summed)

    def _summed(self) -> None:
        if not self._summing.done():
            self._summing.set_result(None)

    def _sum_queued(self) -> None:
        """The summing thread: sum every part waiting, until the end of the upload."""
        done = False
        while not done:
            waiting = [self._queue.get()]
            while not self._queue.empty():  # parts that arrived meanwhile: one scan for all
                waiting.append(self._queue.get())
            done = None in waiting
            paths = [path for path in waiting if path is not None]
            if not paths or self.failed:
                continue
            # While the upload arrives, its receiving has one core: DuckDB gets one thread
            # (it also spends less in all on one); the parts left at the end, all of them.
            threads = DUCKDB_THREADS if done else 1
            try:
                self.partials.append(partial(self._over(paths), threads=threads))
            except Exception:
                # A broken line (``whole`` reports it with the file's own line number), or
                # anything else, which ``whole`` meets again: no part's sum is left out.
                self.failed = True

    def _over(self, paths: list[Path]) -> Plan:
        """The plan, to read these parts (in this order, as one file)."""
        columns = self.job.source.columns
        source = Source(paths[0], "csv", columns, more=tuple(paths[1:]))
        return replace(self.job, source=source)

    async def result(self) -> Aggregate:
        """The sum of the file, once all of it was written."""
        await asyncio.to_thread(self._end_part)
        self._queue.put(None)
        await self._summing
        if self.failed or not self.paths:
            return await asyncio.to_thread(self.whole)
        # A bad value's row is looked up in the parts, read in order as one file.
        job = self._over(self.paths)
        return await asyncio.to_thread(lambda: finish(job, add_partials(self.partials)))

    def whole(self) -> Aggregate:
        """The parts as one file again, summed the ordinary way: its errors name the row."""
        path = self.folder / "upload"
        with path.open("wb") as target:
            target.write(self.header)
            for part in self.paths:
                with part.open("rb") as source:
                    source.seek(len(self.header))
                    shutil.copyfileobj(source, target, BATCH)
        return aggregate(path, cost=self.cost, group_by=self.group_by)

    async def abandon(self) -> None:
        """The upload failed: stop summing, and wait for the part being summed, if any."""
        self.failed = True
        await asyncio.to_thread(self._close)
        self._queue.put(None)
        with contextlib.suppress(Exception):
            await self._summing

    def _close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


BODY_TYPES = (
    "text/csv",
    "application/gzip",
    "application/vnd.apache.parquet",
    "application/octet-stream",
)
"""The content types of a body that is the file itself (``curl -T bill.csv``): no multipart."""
RAW_TYPES = frozenset({*BODY_TYPES, "application/csv", "application/x-gzip"})
"""Those, and the other names in use for CSV and gzip."""


class _Body:
    """The file's bytes as the body arrives: a multipart field, or the whole body.

    A multipart body is parsed as it streams in; a body of one of ``RAW_TYPES`` is the file
    (what a script sends most cheaply: nothing to parse).
    """

    def __init__(self, request: Request, field: str) -> None:
        self.field = field
        kind, params = parse_options_header(request.headers.get("content-type", ""))
        self.batches = _Batches()
        self.receiver = _Receiver(field, self.batches)
        self.parser: MultipartParser | None = None
        if kind == b"multipart/form-data" and params.get(b"boundary"):
            self.parser = MultipartParser(params[b"boundary"], self.receiver.callbacks())
        elif kind.decode("latin-1").lower() in RAW_TYPES:
            self.receiver.found = True
        else:
            raise Invalid(
                field,
                f"Send the file as the multipart field `{field}` (multipart/form-data), or as"
                " the body itself (Content-Type text/csv, application/gzip,"
                " application/vnd.apache.parquet or application/octet-stream).",
            )

    def feed(self, chunk: bytes) -> None:
        """A piece of the body."""
        if self.parser is None:
            self.batches.add(chunk)
        else:
            self.parser.write(chunk)

    def end(self) -> None:
        """The body is over: a multipart body must have ended properly and held the file."""
        if self.parser is None:
            return
        self.parser.finalize()
        if self.parser.state != MultipartState.END:
            # python-multipart accepts a body cut short: half a bill must not count.
            raise BadRequest("The multipart body ends before its closing boundary (cut short?).")
        if not self.receiver.found:
            raise Invalid(self.field, f"Send the file as the multipart field `{self.field}`.")


async def sum_upload(
    request: Request, *, cost: CostColumn, group_by: GroupBy, field: str = "file"
) -> tuple[Aggregate, int]:
    """Receive the file (the multipart field ``field``, or the body) and sum it; also its size.

    A plain CSV larger than one batch is summed while it arrives (``_Parts``); anything else
    once it is on disk. Neither a multipart body nor a file's content type: 422 on ``field``
    (so is a multipart body without that field); a malformed body: 400; a bad file: 422
    naming the row and column.
    """
    body = _Body(request, field)
    size = 0
    with tempfile.TemporaryDirectory(prefix="costwatch-upload-") as scratch:
        folder = Path(scratch)
        path = folder / "upload"
        parts: _Parts | None = None
        # One batch is written (in a thread) while the next one is received: the event
        # loop's receiving and the writes overlap, and at most two batches are in memory.
        writing: asyncio.Future[None] | None = None

        async def write(data: bytearray, *, whole_batch: bool = True) -> None:
            nonlocal parts, size, writing
            if size == 0 and whole_batch:  # a file smaller than a batch is summed once stored
                parts = _Parts.start(data, folder, cost, group_by)
            size += len(data)
            if writing is not None:
                await writing
            writing = asyncio.ensure_future(written(parts or target, data))

        async def written(sink: "_Parts | BinaryIO", data: bytearray) -> None:
            try:
                await asyncio.to_thread(sink.write, data)
            finally:
                body.batches.release(data)

        with path.open("wb") as target:  # a file received whole (not a plain CSV, or small)
            try:
                try:
                    async for chunk in request.stream():
                        body.feed(chunk)
                        while body.batches.full:
                            await write(body.batches.full.pop(0))
                    body.end()
                    while body.batches.full:
                        await write(body.batches.full.pop(0))
                    await write(body.batches.rest(), whole_batch=False)
                finally:
                    if writing is not None:  # not left writing into a closed file
                        await asyncio.wait([writing])
                if writing is not None:
                    await writing  # its error, if any
            except FormParserError:
                if parts is not None:
                    await parts.abandon()
                raise BadRequest("The multipart body is malformed.") from None
            except BaseException:
                if parts is not None:
                    await parts.abandon()
                raise
        if parts is not None:
            return await parts.result(), size
        return await asyncio.to_thread(aggregate, path, cost=cost, group_by=group_by), size
