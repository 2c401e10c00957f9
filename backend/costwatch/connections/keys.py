"""Re-encrypt every stored secret with the first key of ``COSTWATCH_ENCRYPTION_KEYS``.

The provider connections' credentials and the notification channels' webhook secrets.
"""

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from costwatch.connections.repository import ConnectionRepository
from costwatch.db.session import make_sessionmaker
from costwatch.models import NotificationChannel
from costwatch.notifications.repository import ChannelRepository
from costwatch.vault import Vault


async def rotate_keys(engine: AsyncEngine, vault: Vault) -> int:
    """Re-encrypt all credentials in one transaction; return how many were re-encrypted.

    All or nothing: if one credential opens with none of the keys, nothing changes (and the
    error says to enter that connection's credentials again, or to keep the old key).
    """
    async with make_sessionmaker(engine)() as session, session.begin():
        repo = ConnectionRepository(session)
        rows = await repo.all_credentials()
        for connection_id, token in rows:
            await repo.set_credentials(connection_id, vault.rotate(token))
        secrets = await ChannelRepository(session).all_secrets()
        for channel_id, token in secrets:
            await session.execute(
                update(NotificationChannel)
                .where(NotificationChannel.id == channel_id)
                .values(secret=vault.rotate(token))
            )
    return len(rows) + len(secrets)
