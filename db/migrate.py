"""Apply the Alembic migrations to a database: ``python -m db.migrate`` or ``upgrade(url)``."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

from core.policies import known_landlords
from core.settings import get_settings
from db.staff import seed_development_staff

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url)
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Blocking; runs its own event loop (call through ``asyncio.to_thread`` from async code)."""
    command.upgrade(alembic_config(url), revision)


async def upgrade_async(url: str) -> None:
    await asyncio.to_thread(upgrade, url)


def main() -> None:
    settings = get_settings()
    upgrade(settings.resolved_database_url)
    if settings.environment == "development":  # make run: the development staff directory
        asyncio.run(seed_development_staff(settings.resolved_database_url, known_landlords()))
    print(f"database migrated: {settings.resolved_database_url.split('@')[-1]}")


if __name__ == "__main__":
    main()
