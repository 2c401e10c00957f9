"""Routes under ``/notification-channels``: where alerts are sent, and a "send test"."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from costwatch.db.session import SessionDep, own_transactions
from costwatch.errors import error_responses
from costwatch.notifications import service
from costwatch.notifications.delivery import Notifier
from costwatch.notifications.schemas import ChannelCreate, ChannelRead, ChannelUpdate, DeliveryRead
from costwatch.params import IdPath
from costwatch.routing import DecimalJSONRoute
from costwatch.vault import Vault

router = APIRouter(
    prefix="/notification-channels", tags=["notifications"], route_class=DecimalJSONRoute
)


def _vault(request: Request) -> Vault:
    vault: Vault = request.app.state.vault
    return vault


def notifier(request: Request) -> Notifier:
    """The app's notifier: its database, key, SMTP server and retry policy."""
    return Notifier.of_app(request.app.state)


@router.get("", response_model=list[ChannelRead], responses=error_responses(401))
async def list_channels(session: SessionDep) -> list[ChannelRead]:
    """List notification channels (a webhook's secret is never returned: see `has_secret`)."""
    return await service.list_channels(session)


@router.post(
    "",
    response_model=ChannelRead,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 422),
)
async def create_channel(session: SessionDep, request: Request, body: ChannelCreate) -> ChannelRead:
    """Add an email, Slack or webhook channel; a webhook's signing key is stored encrypted."""
    return await service.create_channel(session, _vault(request), body)


@router.put("/{channel_id}", response_model=ChannelRead, responses=error_responses(401, 404, 422))
async def update_channel(
    session: SessionDep, request: Request, channel_id: IdPath, body: ChannelUpdate
) -> ChannelRead:
    """Change a channel; send `secret` to replace a webhook's signing key."""
    return await service.update_channel(session, _vault(request), channel_id, body)


@router.delete(
    "/{channel_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 404, 422),
)
async def delete_channel(session: SessionDep, channel_id: IdPath) -> Response:
    """Remove a channel and its delivery log."""
    await service.delete_channel(session, channel_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{channel_id}/test",
    response_model=DeliveryRead,
    responses=error_responses(401, 404, 409, 422, 502),
)
@own_transactions
async def send_test(session: SessionDep, request: Request, channel_id: IdPath) -> DeliveryRead:
    """Send a test message now (even to a disabled channel), with the usual retries.

    200 with the delivery when the receiver took it; 502 with the reason when it did not
    (both are in the delivery log).
    """
    channel = await service.get_channel(session, channel_id)
    # The request's session only read: end its transaction before waiting on the receiver.
    await session.commit()
    return await service.send_test(notifier(request), channel)


@router.get(
    "/{channel_id}/deliveries",
    response_model=list[DeliveryRead],
    responses=error_responses(401, 404, 422),
)
async def list_deliveries(
    session: SessionDep,
    channel_id: IdPath,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[DeliveryRead]:
    """The latest deliveries to a channel (tests and alerts), newest first."""
    return await service.list_deliveries(session, channel_id, limit)
