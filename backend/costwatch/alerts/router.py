"""Routes ``/alerts`` (the inbox), ``/alerts/evaluate`` and ``/alerts/{id}/acknowledge``."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse

from costwatch.alerts import service
from costwatch.alerts.engine import evaluate
from costwatch.alerts.schemas import AlertRead, AlertState, Evaluation
from costwatch.auth.dependencies import SettingsDep
from costwatch.csv_export import FormatQuery, csv_pages, with_csv
from costwatch.db.session import SessionDep, own_transactions
from costwatch.errors import error_responses
from costwatch.notifications.delivery import Notifier
from costwatch.notifications.schemas import AlertKind, DeliveryRead
from costwatch.params import TOTAL_COUNT_HEADER, IdPath, PageDep, set_total
from costwatch.routing import DecimalJSONRoute

router = APIRouter(prefix="/alerts", tags=["alerts"], route_class=DecimalJSONRoute)


@router.get(
    "",
    response_model=list[AlertRead],
    responses=with_csv({**error_responses(401, 422), 200: {"headers": TOTAL_COUNT_HEADER}}),
)
async def list_alerts(
    session: SessionDep,
    request: Request,
    response: Response,
    page: PageDep,
    state: Annotated[AlertState | None, Query(description="Only events in this state.")] = None,
    kind: Annotated[AlertKind | None, Query(description="Only alerts of this kind.")] = None,
    format: FormatQuery = "json",
) -> list[AlertRead] | StreamingResponse:
    """The alert inbox, newest first.

    Budgets crossed, low balances, short runways, commitments ending, unusual spend. One
    condition is one event per subject, threshold and period, however often the rules run; it
    resolves by itself when the condition clears.
    """
    if format == "csv":
        return await csv_pages(
            request,
            session,
            "alerts",
            AlertRead,
            lambda s, limit, offset: service.list_alerts(
                s, state=state, kind=kind, limit=limit, offset=offset
            ),
        )
    rows, total = await service.list_alerts(
        session, state=state, kind=kind, limit=page.limit, offset=page.offset
    )
    set_total(response, total)
    return rows


@router.post("/evaluate", response_model=Evaluation, responses=error_responses(401, 422))
@own_transactions
async def evaluate_now(session: SessionDep, request: Request, settings: SettingsDep) -> Evaluation:
    """Run every alert rule now; notify the channels of the events it opens.

    The server also runs them every `COSTWATCH_ALERT_INTERVAL_SECONDS` (300) and shortly after
    writes. Waits for the notifications (with their retries) before answering.
    """
    # The request's session only authenticated: end its transaction before the long run.
    await session.commit()
    state = request.app.state
    return await evaluate(
        state.sessionmaker, state.write_lock, Notifier.of_app(state), service.parameters(settings)
    )


@router.get("/{alert_id}", response_model=AlertRead, responses=error_responses(401, 404, 422))
async def get_alert(session: SessionDep, alert_id: IdPath) -> AlertRead:
    """Read one alert."""
    return await service.get_alert(session, alert_id)


@router.get(
    "/{alert_id}/deliveries",
    response_model=list[DeliveryRead],
    responses=error_responses(401, 404, 422),
)
async def list_deliveries(session: SessionDep, alert_id: IdPath) -> list[DeliveryRead]:
    """Who was told about this alert: one delivery per channel, with its outcome."""
    return await service.list_deliveries(session, alert_id)


@router.post(
    "/{alert_id}/acknowledge",
    response_model=AlertRead,
    responses=error_responses(401, 404, 409, 422),
)
async def acknowledge(session: SessionDep, alert_id: IdPath) -> AlertRead:
    """Mark an alert as seen: it stays in the inbox as `acknowledged` until it resolves."""
    return await service.acknowledge(session, alert_id)
