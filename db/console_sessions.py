"""The console's sessions, kept server-side so that signing out ends one for every API replica
and an idle one expires (issue 22). The cookie carries a random session id; this table holds
only its SHA-256 digest, who signed in, and when the session was last used."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Index, String, delete, select, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from db.models import Base

# A page view writes last_seen_at only when it is older than this: the idle clock is accurate
# to a minute without a write per request.
TOUCH_EVERY_SECONDS = 60


class ConsoleSession(Base):
    __tablename__ = "console_sessions"
    __table_args__ = (Index("ix_console_sessions_last_seen_at", "last_seen_at"),)

    session_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    landlord: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[int] = mapped_column(BigInteger)  # epoch seconds
    last_seen_at: Mapped[int] = mapped_column(BigInteger)


async def open_session(
    sessions: async_sessionmaker[Any],
    session_hash: str,
    landlord: str,
    user_id: str,
    now: int,
    forget_before: int,
) -> None:
    """Record a new session; sessions idle since before ``forget_before`` are dropped."""
    async with sessions() as session, session.begin():
        await session.execute(
            delete(ConsoleSession).where(ConsoleSession.last_seen_at < forget_before)
        )
        session.add(
            ConsoleSession(session_hash=session_hash, landlord=landlord, user_id=user_id,
                           started_at=now, last_seen_at=now)
        )  # fmt: skip


async def use_session(
    sessions: async_sessionmaker[Any], session_hash: str, now: int, idle_since: int
) -> bool:
    """True when the session is live (not ended, used since ``idle_since``); its use is noted."""
    async with sessions() as session, session.begin():
        last_seen = (
            await session.execute(
                select(ConsoleSession.last_seen_at).where(
                    ConsoleSession.session_hash == session_hash
                )
            )
        ).scalar_one_or_none()
        if last_seen is None or last_seen < idle_since:
            return False
        if now - last_seen >= TOUCH_EVERY_SECONDS:
            await session.execute(
                update(ConsoleSession)
                .where(ConsoleSession.session_hash == session_hash)
                .values(last_seen_at=now)
            )
        return True


async def close_session(sessions: async_sessionmaker[Any], session_hash: str) -> None:
    async with sessions() as session, session.begin():
        await session.execute(
            delete(ConsoleSession).where(ConsoleSession.session_hash == session_hash)
        )
