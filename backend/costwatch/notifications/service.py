"""Business rules of notification channels: secrets sealed on the way in, never out."""

from sqlalchemy.ext.asyncio import AsyncSession

from costwatch import clock
from costwatch.errors import DomainError, Invalid, NotFound
from costwatch.models import NotificationChannel, NotificationDelivery
from costwatch.notifications.delivery import Message, Notifier
from costwatch.notifications.repository import ChannelRepository, DeliveryRepository
from costwatch.notifications.schemas import (
    ALERT_KINDS,
    ChannelCreate,
    ChannelRead,
    ChannelUpdate,
    DeliveryRead,
    check_secret,
    check_target,
)
from costwatch.vault import Vault


class DeliveryFailed(DomainError):
    """The channel's receiver did not take the message; the delivery log records why."""

    status_code = 502


def to_read(channel: NotificationChannel) -> ChannelRead:
    """The answer for a channel (``has_secret``, never the secret)."""
    return ChannelRead(
        id=channel.id,
        kind=channel.kind,
        name=channel.name,
        target=channel.target,
        has_secret=bool(channel.secret),
        enabled=channel.enabled,
        kinds=[kind for kind in channel.kinds.split(",") if kind],
        created_at=channel.created_at,
        updated_at=channel.updated_at,
    )


def _seal(vault: Vault, secret: str | None) -> str | None:
    return None if secret is None else vault.encrypt({"secret": secret})


async def get_channel(
    session: AsyncSession, channel_id: int, *, lock: bool = False
) -> NotificationChannel:
    """A channel, or 404."""
    channel = await ChannelRepository(session).get(channel_id, for_update=lock)
    if channel is None:
        raise NotFound(f"Notification channel {channel_id} does not exist.")
    return channel


async def list_channels(session: AsyncSession) -> list[ChannelRead]:
    """Every channel, by name."""
    return [to_read(channel) for channel in await ChannelRepository(session).all()]


async def create_channel(session: AsyncSession, vault: Vault, body: ChannelCreate) -> ChannelRead:
    """Add a channel; a webhook's secret is encrypted before it is stored."""
    channel = await ChannelRepository(session).add(
        kind=body.kind,
        name=body.name,
        target=body.target,
        secret=_seal(vault, body.secret),
        enabled=body.enabled,
        kinds=",".join(body.kinds),
    )
    return to_read(channel)


async def update_channel(
    session: AsyncSession, vault: Vault, channel_id: int, body: ChannelUpdate
) -> ChannelRead:
    """Change a channel; the result must still suit its kind (a webhook keeps a secret)."""
    channel = await get_channel(session, channel_id, lock=True)
    changes = body.changes()
    kind = changes.get("kind", channel.kind)
    target = changes.get("target", channel.target)
    try:
        changes["target"] = check_target(kind, target)
    except ValueError as exc:
        raise Invalid("target", str(exc)) from exc
    if "secret" in changes:
        try:
            check_secret(kind, changes["secret"])
        except ValueError as exc:
            raise Invalid("secret", str(exc)) from exc
        changes["secret"] = _seal(vault, changes["secret"])
    elif kind != "webhook":
        changes["secret"] = None  # a channel that stops being a webhook drops its key
    elif not channel.secret:
        raise Invalid("secret", "a webhook channel needs a secret (its signing key)")
    if "kinds" in changes:
        changes["kinds"] = ",".join(changes["kinds"])
    await ChannelRepository(session).update(channel, **changes)
    return to_read(channel)


async def delete_channel(session: AsyncSession, channel_id: int) -> None:
    """Remove a channel and its delivery log."""
    repo = ChannelRepository(session)
    await repo.delete(await get_channel(session, channel_id, lock=True))


async def list_deliveries(session: AsyncSession, channel_id: int, limit: int) -> list[DeliveryRead]:
    """The latest deliveries to a channel, newest first."""
    await get_channel(session, channel_id)
    rows = await DeliveryRepository(session).of_channel(channel_id, limit)
    return [DeliveryRead.model_validate(row) for row in rows]


def sample_message(channel: NotificationChannel) -> Message:
    """The message "send test" sends: shaped like an alert event, marked ``test``."""
    now = clock.now().isoformat() + "Z"
    kinds = ", ".join(kind for kind in channel.kinds.split(",") if kind) or ", ".join(ALERT_KINDS)
    text = (
        f'This is a test of the CostWatch notification channel "{channel.name}".'
        f" It receives these alerts: {kinds}."
    )
    return Message(
        event="test",
        subject="Test notification",
        text=text,
        alert={
            "id": None,
            "kind": "test",
            "subject": channel.name,
            "service_id": None,
            "budget_id": None,
            "period": None,
            "message": text,
            "state": "open",
            "first_seen": now,
            "last_seen": now,
        },
    )


async def send_test(notifier: Notifier, channel: NotificationChannel) -> DeliveryRead:
    """Send the test message now; :class:`DeliveryFailed` (502) with the reason on failure."""
    delivery: NotificationDelivery = await notifier.deliver(channel, sample_message(channel))
    if delivery.status != "sent":
        raise DeliveryFailed(
            f"The test to {channel.kind} channel {channel.name!r} failed after"
            f" {delivery.attempts} tries: {delivery.error}"
        )
    return DeliveryRead.model_validate(delivery)
