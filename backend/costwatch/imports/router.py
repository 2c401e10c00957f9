"""Route ``POST /imports/focus``: a FOCUS billing export, previewed or stored as invoices.

The upload goes the way of the CSV imports (``costwatch.csv_import.router``): the token is
checked before the body is read (``require_admin_before_upload``, given in ``app.py``), the
body streams to a temporary file within ``COSTWATCH_MAX_UPLOAD_BYTES`` (413 above it; the
``/imports/`` prefix has no request deadline), and the transaction opens only once the file is
received and summed, so that no transaction (nor SQLite's write queue) waits on an upload or
on DuckDB. The file is received by ``upload.sum_upload`` (large writes to named files, a large
CSV summed in parts while it arrives), not Starlette's form parser (see there why).
"""

import logging
import time
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from costwatch.csv_import.schemas import RequestRefused
from costwatch.db.audit_trail import set_actor
from costwatch.db.session import request_session
from costwatch.errors import error_responses
from costwatch.imports import service
from costwatch.imports.focus import CostColumn, GroupBy
from costwatch.imports.schemas import FocusRefused, FocusReport
from costwatch.imports.upload import BODY_TYPES, sum_upload
from costwatch.logs import request_id_var
from costwatch.routing import DecimalJSONRoute
from costwatch.uploads import upload_body

router = APIRouter(prefix="/imports", tags=["imports"], route_class=DecimalJSONRoute)
log = logging.getLogger("costwatch.imports")

UPLOAD_BODY = upload_body("A FOCUS 1.0-1.3 export: CSV, gzipped CSV or Parquet.", BODY_TYPES)


@router.post(
    "/focus",
    name="import_focus",
    response_model=FocusReport,
    responses={
        **error_responses(400, 401, 403, 413),
        422: {
            "model": FocusRefused | RequestRefused,
            "description": "Groups in conflict (nothing stored, with the preview), or a file"
            " that is not a readable FOCUS export (what is wrong, with the row and column).",
        },
    },
    openapi_extra=UPLOAD_BODY,
)
async def import_focus(
    request: Request,
    dry_run: Annotated[
        bool, Query(description="true (default): preview only; false: store every group or none.")
    ] = True,
    cost: Annotated[
        CostColumn,
        Query(description="`billed` (BilledCost, what the invoice says) or `effective`."),
    ] = "billed",
    group_by: Annotated[
        GroupBy,
        Query(
            description="One invoice per provider and `service` (ServiceName), `sub_account`"
            " (SubAccountName) or `provider`."
        ),
    ] = "service",
) -> FocusReport | JSONResponse:
    """Import a FOCUS billing export (AWS, Azure, Google Cloud, Oracle...) as invoices.

    The file (multipart field `file`, or the body itself with `Content-Type: text/csv`,
    `application/gzip`, `application/vnd.apache.parquet` or `application/octet-stream`, as
    `curl -T bill.csv` sends it; FOCUS 1.0 to 1.3 as CSV, CSV.gz or Parquet, told apart by
    their first bytes, any size up to the upload limit) is summed per provider, group, billing
    month (BillingPeriodStart) and currency (BillingCurrency), over every charge category
    (usage, purchases, tax, credits, adjustments), exactly, then rounded once to cents. Each
    group is the Infrastructure invoice of its service and month: `create`, `replace` (a
    corrected file), `unchanged` (the same file again), `skip` (a negative total) or
    `conflict` (an invoice already stored in another currency...). `dry_run=false` stores
    every group or, with any conflict, none (422 with the preview). Providers and services are
    created as needed.
    """
    started = time.perf_counter()
    summed, size = await sum_upload(request, cost=cost, group_by=group_by)
    added = time.perf_counter()
    async with request_session(request) as session:
        set_actor(session.sync_session, request.state.actor, request_id_var.get())
        report = await service.import_focus(
            session, summed, cost=cost, group_by=group_by, dry_run=dry_run
        )
    log.info(
        "FOCUS import of %d bytes, %d rows, %d groups (dry run %s): received and summed in"
        " %.2f s, matched and stored in %.2f s",
        size,
        summed.rows,
        len(summed.groups),
        dry_run,
        added - started,
        time.perf_counter() - added,
    )
    if not dry_run and not report.committed:
        refused = FocusRefused(
            **report.model_dump(),
            detail=f"Nothing was imported: {report.conflicts} group(s) are in conflict"
            " (see `groups`).",
        )
        return JSONResponse(refused.model_dump(mode="json"), status_code=422)
    return report
