"""Routes ``POST /imports/{invoices|licenses|topups|consumption}`` and their templates.

The upload is received before any transaction starts: ``require_admin_before_upload``
checks the token first (a client without one cannot make the server store a large file),
then the multipart body streams into a temporary file (Starlette spools a part to disk past
1 MB), within ``COSTWATCH_MAX_UPLOAD_BYTES`` (the body limit answers 413 above it). Only then
does the route open its transaction, the same one a route's ``SessionDep`` would be.
"""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse

from costwatch.csv_export import csv_table, with_csv
from costwatch.csv_import import service
from costwatch.csv_import.schemas import ImportRefused, ImportReport, RecordKind, RequestRefused
from costwatch.db.audit_trail import set_actor
from costwatch.db.session import request_session
from costwatch.errors import error_responses
from costwatch.logs import request_id_var
from costwatch.routing import DecimalJSONRoute
from costwatch.uploads import received_file, upload_body

router = APIRouter(prefix="/imports", tags=["imports"], route_class=DecimalJSONRoute)
templates = APIRouter(prefix="/imports", tags=["imports"], route_class=DecimalJSONRoute)

KINDS: tuple[RecordKind, ...] = ("invoices", "licenses", "topups", "consumption")
NAMES = {
    "invoices": "invoices of infrastructure services",
    "licenses": "license plans",
    "topups": "top-ups of usage services",
    "consumption": "consumption events of usage services",
}
UPLOAD_BODY = upload_body("A CSV.")


async def _import(request: Request, kind: RecordKind, dry_run: bool) -> ImportReport | JSONResponse:
    async with received_file(request, "CSV file") as file, request_session(request) as session:
        set_actor(session.sync_session, request.state.actor, request_id_var.get())
        report = await service.import_csv(session, kind, file, dry_run=dry_run)
    if not dry_run and not report.committed:
        bad = len({error.row for error in report.errors})
        refused = ImportRefused(
            **report.model_dump(),
            detail=f"Nothing was imported: {bad} row(s) have errors (see `errors`).",
        )
        return JSONResponse(refused.model_dump(mode="json"), status_code=422)
    return report


def _add_routes(kind: RecordKind) -> None:
    columns = ", ".join(f"`{name}`" for name in service.columns(kind))

    async def import_records(
        request: Request,
        dry_run: Annotated[
            bool, Query(description="true (default): check only; false: store every row or none.")
        ] = True,
    ) -> ImportReport | JSONResponse:
        return await _import(request, kind, dry_run)

    import_records.__doc__ = (
        f"Import {NAMES[kind]} from a CSV file (multipart field `file`, UTF-8) whose header"
        f" names the columns {columns} (any order; an empty cell is a field not given)."
        " Every row is checked exactly as the API's create route checks it; every bad row is"
        " listed with its number (1 = the first row after the header), column and message."
        " `dry_run=false` stores all the rows or, if any is bad, none (422 with the list)."
    )
    router.add_api_route(
        f"/{kind}",
        import_records,
        methods=["POST"],
        name=f"import_{kind}",
        response_model=ImportReport,
        responses={
            **error_responses(400, 401, 403, 413),
            422: {
                "model": ImportRefused | RequestRefused,
                "description": "Bad rows (nothing stored, with the list), or no usable file.",
            },
        },
        openapi_extra=UPLOAD_BODY,
    )

    async def template() -> StreamingResponse:
        return csv_table(f"{kind}-template", service.columns(kind), [service.template_row(kind)])

    template.__doc__ = f"A CSV file to fill in: the columns of {NAMES[kind]} and an example row."
    templates.add_api_route(
        f"/{kind}/template",
        template,
        methods=["GET"],
        name=f"{kind}_template",
        response_class=StreamingResponse,
        responses=with_csv(error_responses(401)),
    )


for _kind in KINDS:
    _add_routes(_kind)
