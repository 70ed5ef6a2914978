"""What a request needs from the process: settings, the Temporal client, database sessions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from temporalio.client import Client

from core.settings import Settings


@dataclass
class Services:
    settings: Settings
    client: Client
    engine: AsyncEngine
    sessions: async_sessionmaker[Any]
    # How long a request waits for the worker before answering 503.
    wait: timedelta = field(default=timedelta(seconds=30))


async def services(request: Request) -> Services:
    # async: FastAPI runs a plain def dependency on a thread, a hop for every request.
    found: Services = request.app.state.services
    return found
