"""What runs once before the server starts: migrations, the admin user, demo data."""

import logging

from costwatch.alerts.engine import evaluate
from costwatch.alerts.service import parameters
from costwatch.auth.service import demo_password_in_use, ensure_admin
from costwatch.config import Settings
from costwatch.db.engine import make_engine
from costwatch.db.session import make_sessionmaker
from costwatch.demo import load_demo_data
from costwatch.migrate import alembic_config, migration_lock, upgrade_locked
from costwatch.notifications.delivery import DeliveryPolicy, Notifier, SmtpConfig
from costwatch.vault import Vault

__all__ = ["alembic_config", "prepare_database"]

log = logging.getLogger("costwatch.startup")


async def prepare_database(settings: Settings, *, seed: bool = False) -> bool:
    """Migrate, create the admin if there is none, and load the demo data when asked.

    All of it under one lock: replicas starting together would otherwise each create the
    admin (or seed the demo data) at the same moment. Returns whether the admin's password
    is still the demo password.
    """
    # Unbounded reads: a migration may rewrite a large table.
    engine = make_engine(settings.effective_database_url, bounded=False)
    try:
        async with migration_lock(engine), make_sessionmaker(engine)() as session:
            await upgrade_locked(engine)
            if await ensure_admin(session, settings):
                log.info("created the admin user %s", settings.admin_email)
            if seed:
                summary = await load_demo_data(session, Vault(settings.effective_encryption_keys))
                log.info("demo data: %s", summary)
            await session.commit()
            if seed:
                # The demo's pages have their alerts from the first minute (the scheduler's
                # first run may be minutes away, and a test server has none).
                factory = make_sessionmaker(engine)
                vault = Vault(settings.effective_encryption_keys)
                notifier = Notifier(
                    factory,
                    None,
                    vault,
                    SmtpConfig.from_settings(settings),
                    DeliveryPolicy.from_settings(settings),
                )
                outcome = await evaluate(factory, None, notifier, parameters(settings))
                log.info("alerts after the demo data: %s", outcome.model_dump())
            return await demo_password_in_use(session)
    finally:
        await engine.dispose()
