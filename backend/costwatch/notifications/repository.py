"""SQL of notification channels and their delivery log."""

from sqlalchemy import select

from costwatch.db.repository import Repository
from costwatch.models import NotificationChannel, NotificationDelivery


class ChannelRepository(Repository[NotificationChannel]):
    """CRUD on ``notification_channel``."""

    model = NotificationChannel

    async def all(self) -> list[NotificationChannel]:
        """Every channel, by name then id."""
        stmt = select(NotificationChannel).order_by(
            NotificationChannel.name, NotificationChannel.id
        )
        return list((await self.session.execute(stmt)).scalars())

    async def receiving(self, alert_kind: str) -> list[NotificationChannel]:
        """The enabled channels that receive alerts of a kind (for the alert engine)."""
        stmt = (
            select(NotificationChannel)
            .where(NotificationChannel.enabled.is_(True))
            .order_by(NotificationChannel.id)
        )
        channels = (await self.session.execute(stmt)).scalars()
        return [channel for channel in channels if alert_kind in channel.kinds.split(",")]

    async def all_secrets(self) -> list[tuple[int, str]]:
        """Every channel's id and encrypted secret (for re-encryption)."""
        stmt = (
            select(NotificationChannel.id, NotificationChannel.secret)
            .where(NotificationChannel.secret.is_not(None))
            .order_by(NotificationChannel.id)
        )
        return [(row[0], str(row[1])) for row in (await self.session.execute(stmt)).all()]


class DeliveryRepository(Repository[NotificationDelivery]):
    """CRUD on ``notification_delivery``."""

    model = NotificationDelivery

    async def of_channel(self, channel_id: int, limit: int) -> list[NotificationDelivery]:
        """The latest deliveries to a channel, newest first."""
        stmt = (
            select(NotificationDelivery)
            .where(NotificationDelivery.channel_id == channel_id)
            .order_by(NotificationDelivery.id.desc())
            .limit(limit)
        )
        return list((await self.session.execute(stmt)).scalars())

    async def of_event(self, event_id: int) -> list[NotificationDelivery]:
        """The deliveries of an alert event, oldest first."""
        stmt = (
            select(NotificationDelivery)
            .where(NotificationDelivery.event_id == event_id)
            .order_by(NotificationDelivery.id)
        )
        return list((await self.session.execute(stmt)).scalars())
