"""Business rules of the alert inbox: list, acknowledge, and the evaluation's parameters."""

from sqlalchemy.ext.asyncio import AsyncSession

from costwatch import clock
from costwatch.alerts.repository import AlertRepository
from costwatch.alerts.rules import Parameters
from costwatch.alerts.schemas import AlertRead
from costwatch.config import Settings
from costwatch.errors import Conflict, NotFound
from costwatch.notifications.repository import DeliveryRepository
from costwatch.notifications.schemas import DeliveryRead


def parameters(settings: Settings) -> Parameters:
    """The rules' parameters from the ``COSTWATCH_*`` settings, as of today."""
    return Parameters(
        today=clock.today(),
        currency=settings.reporting_currency,
        runway_days=settings.runway_alert_days,
        low_balance_percent=settings.low_balance_alert_percent,
        notice_windows=tuple(settings.notice_windows),
        anomaly_k=settings.anomaly_k,
    )


async def list_alerts(
    session: AsyncSession,
    *,
    state: str | None,
    kind: str | None,
    limit: int | None,
    offset: int,
) -> tuple[list[AlertRead], int]:
    """A page of events, newest first, and how many match."""
    rows, total = await AlertRepository(session).list_page(
        state=state, kind=kind, limit=limit, offset=offset
    )
    return [AlertRead.model_validate(row) for row in rows], total


async def get_alert(session: AsyncSession, alert_id: int) -> AlertRead:
    """One event, or 404."""
    event = await AlertRepository(session).get(alert_id)
    if event is None:
        raise NotFound(f"Alert {alert_id} does not exist.")
    return AlertRead.model_validate(event)


async def list_deliveries(session: AsyncSession, alert_id: int) -> list[DeliveryRead]:
    """The notifications of an event, one per channel told, oldest first."""
    await get_alert(session, alert_id)
    rows = await DeliveryRepository(session).of_event(alert_id)
    return [DeliveryRead.model_validate(row) for row in rows]


async def acknowledge(session: AsyncSession, alert_id: int) -> AlertRead:
    """Mark an open event as seen (again: no change); a resolved one is 409."""
    repo = AlertRepository(session)
    event = await repo.get(alert_id, for_update=True)
    if event is None:
        raise NotFound(f"Alert {alert_id} does not exist.")
    if event.state == "resolved":
        raise Conflict(f"Alert {alert_id} is resolved already: its condition has cleared.")
    if event.state == "open":
        await repo.update(event, state="acknowledged", acknowledged_at=clock.now())
    return AlertRead.model_validate(event)
