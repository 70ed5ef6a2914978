"""Forgetting old Idempotency-Keys (edge/idempotency.py, db/idempotency.py), daily.

The IETF draft lets a server expire keys; kept for ever, the store would grow by every request
that carried one. A client retries within minutes, so ``ASB_IDEMPOTENCY_KEY_DAYS`` (default 30)
is far longer than any retry needs; a key sent again after that is a new request.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio import activity

from contracts.housekeeping import FORGET_IDEMPOTENCY_KEYS
from db.idempotency import forget_before

__all__ = ["IdempotencyKeys"]


class IdempotencyKeys:
    """The expiry of keys as an activity (collaborators injected, like every activity class)."""

    def __init__(self, sessions: async_sessionmaker[Any], keep_days: int) -> None:
        self._sessions = sessions
        self._keep = timedelta(days=keep_days)

    @activity.defn(name=FORGET_IDEMPOTENCY_KEYS)
    async def forget_idempotency_keys(self, now: datetime) -> int:
        """How many keys first seen more than the kept days before ``now`` were deleted."""
        return await forget_before(self._sessions, now - self._keep, now)
