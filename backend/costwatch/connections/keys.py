"""Re-encrypt every stored credential with the first key of ``COSTWATCH_ENCRYPTION_KEYS``."""

from sqlalchemy.ext.asyncio import AsyncEngine

from costwatch.connections.repository import ConnectionRepository
from costwatch.connections.secrets import Vault
from costwatch.db.session import make_sessionmaker


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
    return len(rows)
