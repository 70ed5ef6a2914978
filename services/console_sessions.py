"""The console's server-side sessions (issue 22): a session is live while its row is. Signing out
deletes the row, so a kept copy of the cookie is refused by every replica; a session unused for
``ASB_CONSOLE_IDLE_MINUTES`` is over. Only a digest of the session id is stored (the statements
are :mod:`db.console_sessions`)."""

from __future__ import annotations

import hashlib

from db import console_sessions as store
from services.context import Services

__all__ = ["end", "is_live", "start"]


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


async def start(
    svc: Services, session_id: str, landlord: str, user_id: str, now: int, forget_before: int
) -> None:
    """Record a new session; sessions idle since ``forget_before`` are forgotten on the way."""
    await store.open_session(
        svc.sessions, _digest(session_id), landlord, user_id, now, forget_before=forget_before
    )


async def is_live(svc: Services, session_id: str, now: int, idle_since: int) -> bool:
    """True when the session was not ended and was used since ``idle_since``; notes this use."""
    return await store.use_session(svc.sessions, _digest(session_id), now, idle_since=idle_since)


async def end(svc: Services, session_id: str) -> None:
    await store.close_session(svc.sessions, _digest(session_id))
