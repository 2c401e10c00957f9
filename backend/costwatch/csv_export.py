"""``format=csv`` on every record list and report: one writer, streamed in pages.

- The columns are the JSON answer's fields, in its order; money is a plain decimal with two
  decimals (``-12.50``), dates and timestamps are ISO 8601, booleans ``true``/``false``, a
  missing value an empty cell, and a nested object (the audit log's ``before``/``after``) its
  JSON text.
- A list exports every row matching its filters, in its sort order: ``limit`` and ``offset``
  page the JSON answer only (an export is for the whole selection). The rows are read in
  pages of ``BATCH_ROWS`` by the route's own list function, inside one read transaction of a
  session of their own (the route's session ends when the route returns, before the body is
  sent), and written out page by page: the whole table is never in memory.
- The list function runs once before the answer starts, so a bad filter (a service that does
  not exist) is still a clean 4xx rather than a cut-off download.
- Formula injection: a spreadsheet runs a cell starting with ``=``, ``+``, ``-``, ``@``, a tab
  or a carriage return as a formula. Such cells of *text* fields (names, notes, actors) get a
  leading apostrophe, which spreadsheets show as text. Numbers, money (which may be negative:
  ``-12.50`` must stay a number), dates and ids are never changed; they are produced by the
  server and cannot hold a formula.
"""

import csv
import io
import json
import types
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from fastapi import Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

BATCH_ROWS = 10_000
"""Rows read and written per page of an export."""

MEDIA_TYPE = "text/csv; charset=utf-8"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Format = Literal["json", "csv"]
FormatQuery = Annotated[
    Format,
    Query(
        description="`json` (default) or `csv`: every row matching the filters, in the same"
        " order and with the same fields, as a `text/csv` download (`limit` and `offset`"
        " are ignored)."
    ),
]
ReportFormatQuery = Annotated[
    Format, Query(description="`json` (default) or `csv`: the same figures as a `text/csv` file.")
]

Row = Mapping[str, Any]
Fetch = Callable[[AsyncSession, int, int], Awaitable[tuple[Sequence[Any], int]]]
"""A list function: ``(session, limit, offset) -> (rows, total)``."""


def with_csv(responses: dict[int | str, dict[str, Any]]) -> dict[int | str, dict[str, Any]]:
    """``responses`` of a route, with ``text/csv`` documented as an alternative 200 answer."""
    ok = dict(responses.get(200, {}))
    ok["content"] = {
        **ok.get("content", {}),
        "text/csv": {
            "schema": {"type": "string"},
            "example": "id,name\n1,Acme Cloud\n",
        },
    }
    return {**responses, 200: ok}


def _is_text(annotation: Any) -> bool:
    if annotation is str:
        return True
    if get_origin(annotation) is Annotated:
        return _is_text(get_args(annotation)[0])
    if get_origin(annotation) in (Union, types.UnionType):
        return any(_is_text(arg) for arg in get_args(annotation) if arg is not type(None))
    return False


def text_columns(model: type[BaseModel]) -> frozenset[str]:
    """The fields of ``model`` that hold free text (guarded against formulas)."""
    return frozenset(
        name for name, field in model.model_fields.items() if _is_text(field.annotation)
    )


def guard(text: str) -> str:
    """A text cell that no spreadsheet runs as a formula (see the module's docstring)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell(value: Any, *, text: bool = False) -> str:
    """One value of a JSON-mode dump as a CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    rendered = str(value)
    return guard(rendered) if text else rendered


class CsvWriter:
    """Rows of fixed columns to CSV text, one chunk at a time."""

    def __init__(self, columns: Sequence[str], text: Iterable[str] = ()) -> None:
        self.columns = list(columns)
        self.text = frozenset(text)
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\r\n")

    def _take(self) -> bytes:
        chunk = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return chunk.encode()

    def header(self) -> bytes:
        """The header row."""
        self._writer.writerow(self.columns)
        return self._take()

    def rows(self, rows: Iterable[Row]) -> bytes:
        """Data rows (dicts by column name; a missing key is an empty cell)."""
        for row in rows:
            self._writer.writerow(
                [cell(row.get(name), text=name in self.text) for name in self.columns]
            )
        return self._take()


def _dump(model: type[BaseModel], rows: Iterable[Any]) -> list[dict[str, Any]]:
    return [
        (row if isinstance(row, model) else model.model_validate(row)).model_dump(mode="json")
        for row in rows
    ]


def _headers(name: str, total: int | None = None) -> dict[str, str]:
    headers = {"Content-Disposition": f'attachment; filename="{name}.csv"'}
    if total is not None:
        headers["X-Total-Count"] = str(total)
    return headers


def csv_table(
    name: str, columns: Sequence[str], rows: Iterable[Row], text: Iterable[str] = ()
) -> StreamingResponse:
    """A small, already computed table (a report) as a CSV download named ``name.csv``."""
    writer = CsvWriter(columns, text)

    async def body() -> AsyncIterator[bytes]:
        yield writer.header()
        yield writer.rows(rows)

    return StreamingResponse(body(), media_type=MEDIA_TYPE, headers=_headers(name))


def csv_models(name: str, model: type[BaseModel], rows: Iterable[Any]) -> StreamingResponse:
    """Report rows shaped like ``model`` (its fields are the columns) as a CSV download."""
    return csv_table(name, list(model.model_fields), _dump(model, rows), text_columns(model))


async def csv_pages(
    request: Request,
    session: AsyncSession,
    name: str,
    model: type[BaseModel],
    fetch: Fetch,
) -> StreamingResponse:
    """Every row ``fetch`` lists, page by page, as a CSV download (see the module's docstring).

    ``fetch`` is the route's own list call with its filters and sort, given a session, a
    limit and an offset. It runs once on the route's ``session`` for one row (a bad filter is
    a clean error, and the total is known for ``X-Total-Count``); the rows are then read, from
    the first on, in a session of the body's own: the route's session ends when the route
    returns, before the body is sent.
    """
    _, total = await fetch(session, 1, 0)
    batch = BATCH_ROWS
    factory: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    writer = CsvWriter(list(model.model_fields), text_columns(model))

    async def body() -> AsyncIterator[bytes]:
        yield writer.header()
        async with factory() as reader:  # one read transaction: a consistent export
            offset, size = 0, batch
            while size == batch:
                page, _ = await fetch(reader, batch, offset)
                size, offset = len(page), offset + batch
                if page:
                    yield writer.rows(_dump(model, page))
                reader.expunge_all()  # the rows written are not kept in the session

    return StreamingResponse(body(), media_type=MEDIA_TYPE, headers=_headers(name, total))
