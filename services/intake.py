"""The public intake's shared rate limit (issue 13): one count per client and window, kept in
the database so that it holds across API replicas. The statement is the repository
:mod:`db.intake_windows`; the edge's limiter (edge/ratelimit.py) asks here."""

from __future__ import annotations

import hashlib
import ipaddress
import time
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker

from db.intake_windows import count_hit
from services.context import Services

__all__ = ["DatabaseLimiter", "client_key", "shared_limiter"]

IPV6_CLIENT_PREFIX = 64


def client_key(address: str) -> str:
    """The client an address belongs to: an IPv4 address itself, an IPv6 address its /64 (one
    household or phone gets a whole /64 and picks any address in it at will, so counting exact
    IPv6 addresses would let it rotate past the limit)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address  # not an address (a test client's name): counted as it is
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, IPV6_CLIENT_PREFIX), strict=False))
    return str(parsed)


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
        client_hash = hashlib.sha256(client_key(client).encode()).hexdigest()
        hits = await count_hit(self._sessions, client_hash, window)
        return hits <= self._per_window


def shared_limiter(svc: Services, per_window: int, window: int) -> DatabaseLimiter:
    return DatabaseLimiter(svc.sessions, per_window, window)
