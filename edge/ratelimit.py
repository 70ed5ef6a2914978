"""The public intake's rate limit: so many reports per client address per minute.

Two stores, one behaviour (``ASB_INTAKE_LIMITER``):
- ``memory``: a sliding window per address in this process, tracking at most
  ``ASB_INTAKE_MAX_CLIENTS`` addresses (the least recently seen are forgotten first, so a flood
  of addresses cannot grow it without bound). Right for one API process.
- ``database``: a fixed one-minute window per address, counted in the database every API
  replica shares (one upsert per report), so N replicas still allow the limit once, not N times.
  Only a digest of the address is stored.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from typing import Protocol

from fastapi import Request

from services.context import Services
from services.intake import shared_limiter

WINDOW_SECONDS = 60


class Limiter(Protocol):
    async def allow(self, client: str) -> bool: ...


class MemoryLimiter:
    """A sliding window per client, for a bounded number of clients."""

    def __init__(self, per_window: int, max_clients: int, window: float = WINDOW_SECONDS) -> None:
        self._per_window = per_window
        self._max_clients = max_clients
        self._window = window
        self._seen: OrderedDict[str, deque[float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._seen)

    async def allow(self, client: str) -> bool:
        return self.allow_at(client, time.monotonic())

    def allow_at(self, client: str, now: float) -> bool:
        seen = self._seen.pop(client, None) or deque()
        while seen and seen[0] <= now - self._window:
            seen.popleft()
        self._seen[client] = seen  # most recently seen last
        while len(self._seen) > self._max_clients:
            self._seen.popitem(last=False)
        if len(seen) >= self._per_window:
            return False
        seen.append(now)
        return True


def client_address(request: Request) -> str:
    """The peer's address; a trusted proxy's X-Forwarded-For has already replaced it
    (``ASB_TRUSTED_PROXIES``, applied by the server in ``web.main``)."""
    return request.client.host if request.client else "unknown"


def limiter_for(svc: Services) -> Limiter:
    settings = svc.settings
    if settings.intake_limiter == "database":
        return shared_limiter(svc, settings.intake_per_minute, WINDOW_SECONDS)
    return MemoryLimiter(settings.intake_per_minute, settings.intake_max_clients)
