"""What runs once before the server starts: migrations, the admin user, demo data."""

import asyncio
import logging
from pathlib import Path

from alembic import command
from alembic.config import Config

from costwatch.auth.service import ensure_admin
from costwatch.config import Settings
from costwatch.db import make_engine, make_sessionmaker
from costwatch.demo import load_demo_data

log = logging.getLogger("costwatch.setup")
BACKEND_DIR = Path(__file__).resolve().parent.parent


def alembic_config(url: str | None = None) -> Config:
    """Alembic's configuration for ``backend/migrations``, optionally for a given URL."""
    config = Config(str(BACKEND_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(BACKEND_DIR / "migrations"))
    config.attributes["configure_logger"] = False
    if url:
        # ConfigParser treats % as interpolation; a password may contain one.
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_database(url: str) -> None:
    """Bring the database to the latest migration (runs its own event loop)."""
    command.upgrade(alembic_config(url), "head")


async def prepare_database(settings: Settings, *, seed: bool = False) -> None:
    """Migrate, create the admin if there is none, and load the demo data when asked."""
    url = settings.effective_database_url
    # Alembic's async env runs its own event loop: keep it off this one.
    await asyncio.to_thread(upgrade_database, url)
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine)() as session:
            if await ensure_admin(session, settings):
                log.info("created the admin user %s", settings.admin_email)
            if seed:
                summary = await load_demo_data(session)
                log.info("demo data: %s", summary)
            await session.commit()
    finally:
        await engine.dispose()
