"""What every use case needs from the process: settings, the Temporal client and the database.

The app factory (web/app.py) builds one at start-up; the API and the console hand it to the
services unopened: only services open database sessions (one transaction per use case).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from temporalio.client import Client

from core.settings import Settings
from db.engine import create_engine, session_factory


@dataclass
class Services:
    settings: Settings
    client: Client
    engine: AsyncEngine
    sessions: async_sessionmaker[Any]
    # How long a request waits for the worker before answering 503.
    wait: timedelta = field(default=timedelta(seconds=30))


def start(settings: Settings, client: Client) -> Services:
    """The process's services: one engine (its connection pool) for the process's life."""
    engine = create_engine(settings.resolved_database_url)
    return Services(settings, client, engine, session_factory(engine))


async def stop(svc: Services) -> None:
    await svc.engine.dispose()
