"""The public intake's rate limit: so many reports per client address per minute.

Two stores, one behaviour (``ASB_INTAKE_LIMITER``):
- ``memory``: a sliding window per address in this process, tracking at most
  ``ASB_INTAKE_MAX_CLIENTS`` addresses (the least recently seen are forgotten first, so a flood
  of addresses cannot grow it without bound). Right for one API process.
- ``database``: a fixed one-minute window per address, counted in the database every API
  replica shares (one upsert per report), so N replicas still allow the limit once, not N times.
  Only a digest of the address is stored.
- ``auto`` (the default): ``database`` in production, where several API replicas may run, and
  ``memory`` elsewhere.

A client is an IPv4 address or an IPv6 /64: one household or phone gets a whole /64 and picks
any address in it at will, so counting exact IPv6 addresses would let it rotate past the limit.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict, deque
from typing import Protocol

from fastapi import Request

from services.context import Services
from services.errors import database_down
from services.intake import client_key, shared_limiter

log = logging.getLogger(__name__)
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
        client = client_key(client)
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
    if settings.intake_limiter == "database" or (
        settings.intake_limiter == "auto" and settings.environment == "production"
    ):
        return shared_limiter(svc, settings.intake_per_minute, WINDOW_SECONDS)
    return MemoryLimiter(settings.intake_per_minute, settings.intake_max_clients)


async def within_limit(request: Request, svc: Services) -> bool:
    """The per-address limit, shared by the API and the report form. While a database-kept
    limit cannot be counted (an outage), this process counts it alone, so a report is still
    taken rather than refused."""
    # async: on the event loop, so the memory limiter's check-then-record is never raced.
    limiter: Limiter | None = getattr(request.app.state, "intake_limiter", None)
    if limiter is None:
        limiter = request.app.state.intake_limiter = limiter_for(svc)
    try:
        return await limiter.allow(client_address(request))
    except Exception as error:
        if not database_down(error):
            raise
    fallback: Limiter | None = getattr(request.app.state, "intake_fallback_limiter", None)
    if fallback is None:
        fallback = MemoryLimiter(svc.settings.intake_per_minute, svc.settings.intake_max_clients)
        request.app.state.intake_fallback_limiter = fallback
    log.warning("intake limit counted in this process: the database is down")
    return await fallback.allow(client_address(request))
