"""The public intake's shared rate limit (issue 13): one count per client and window, kept in
the database so that it holds across API replicas. The statement is the repository
:mod:`db.intake_windows`; the edge's limiter (edge/ratelimit.py) asks here."""

from __future__ import annotations

import hashlib
import time
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker

from db.intake_windows import count_hit
from services.context import Services

__all__ = ["DatabaseLimiter", "shared_limiter"]


class DatabaseLimiter:
    """A fixed window per client, counted in the shared database."""

    def __init__(
        self, sessions: async_sessionmaker[Any], per_window: int, window: int = 60
    ) -> None:
        self._sessions = sessions
        self._per_window = per_window
        self._window = window

    async def allow(self, client: str) -> bool:
        return await self.allow_at(client, time.time())

    async def allow_at(self, client: str, now: float) -> bool:
        window = int(now // self._window)
        client_hash = hashlib.sha256(client.encode()).hexdigest()
        hits = await count_hit(self._sessions, client_hash, window)
        return hits <= self._per_window


def shared_limiter(svc: Services, per_window: int, window: int) -> DatabaseLimiter:
    return DatabaseLimiter(svc.sessions, per_window, window)
