"""The idempotency store: which request each Idempotency-Key stands for, and how it ended.

Follows the IETF draft "The Idempotency-Key HTTP Header Field": a key is scoped to its caller,
stored with a fingerprint of the request it first came with, and marked in flight until that
request ends. Only a digest of the caller's scope and key is kept, never the key itself (clients
may build keys from an email address).

``claim`` is the one entry point: it either records a new key, lets a retry resume a request
whose process died (its lease ran out), replays a finished request's response, or refuses.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import JSON, Integer, String, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from db.models import Base
from db.repository import insert_new

IN_FLIGHT = "in_flight"
DONE = "done"


class IdempotencyKey(Base):
    __tablename__ = "idempotency_keys"

    # sha256 of the caller's scope and the key: the key itself never reaches the database.
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(12))
    # The case the request opened or acted on: a retry resumes it, never a new one.
    reference: Mapped[str | None] = mapped_column(String(40))
    status_code: Mapped[int | None] = mapped_column(Integer)
    response: Mapped[Any] = mapped_column(JSON, nullable=True)
    locked_until: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(index=True)


def key_hash(scope: str, key: str) -> str:
    """The stored (and Temporal-facing) form of a caller's key."""
    return hashlib.sha256(f"{scope}\n{key}".encode()).hexdigest()


class KeyReused(Exception):
    """The key came before with a different request (422 in the draft)."""


class KeyInFlight(Exception):
    """The key's first request has not finished yet (409 in the draft)."""


@dataclass(frozen=True)
class Claim:
    key_hash: str
    outcome: Literal["new", "resume", "replay"]
    reference: str | None
    status_code: int | None = None
    response: Any = None


async def claim(
    sessions: async_sessionmaker[Any],
    hashed: str,
    fingerprint: str,
    reference: str | None,
    now: datetime,
    lease: timedelta,
) -> Claim:
    """Record ``hashed`` for this request, or say what became of its first request."""
    row = {
        "key_hash": hashed,
        "fingerprint": fingerprint,
        "state": IN_FLIGHT,
        "reference": reference,
        "locked_until": now + lease,
        "created_at": now,
    }
    async with sessions() as session, session.begin():
        if await insert_new(session, IdempotencyKey, [row]):
            return Claim(hashed, "new", reference)
    async with sessions() as session, session.begin():
        # A process that died mid-request leaves its key in flight; once the lease has run out
        # one retry (this conditional update lets exactly one through) carries it on.
        resumed = await session.execute(
            update(IdempotencyKey)
            .where(
                IdempotencyKey.key_hash == hashed,
                IdempotencyKey.fingerprint == fingerprint,
                IdempotencyKey.state == IN_FLIGHT,
                IdempotencyKey.locked_until <= now,
            )
            .values(locked_until=now + lease)
        )
        found = await _get(session, hashed)
    if found is None:  # released between our two statements: claim it afresh
        return await claim(sessions, hashed, fingerprint, reference, now, lease)
    if found.fingerprint != fingerprint:
        raise KeyReused
    if getattr(resumed, "rowcount", 0) == 1:
        return Claim(hashed, "resume", found.reference)
    if found.state == DONE:
        return Claim(hashed, "replay", found.reference, found.status_code, found.response)
    raise KeyInFlight


async def set_reference(sessions: async_sessionmaker[Any], hashed: str, reference: str) -> None:
    async with sessions() as session, session.begin():
        await session.execute(
            update(IdempotencyKey)
            .where(IdempotencyKey.key_hash == hashed)
            .values(reference=reference)
        )


async def complete(
    sessions: async_sessionmaker[Any], hashed: str, status_code: int, response: Any
) -> None:
    """The request succeeded: later retries get this response, and never act again."""
    async with sessions() as session, session.begin():
        await session.execute(
            update(IdempotencyKey)
            .where(IdempotencyKey.key_hash == hashed)
            .values(state=DONE, status_code=status_code, response=response)
        )


async def abandon(sessions: async_sessionmaker[Any], hashed: str, now: datetime) -> None:
    """The request failed: a retry of the same request may resume it at once (same case, same
    update id, so it can never act twice), while a different request with the key stays a 422."""
    async with sessions() as session, session.begin():
        await session.execute(
            update(IdempotencyKey)
            .where(IdempotencyKey.key_hash == hashed, IdempotencyKey.state == IN_FLIGHT)
            .values(locked_until=now)
        )


async def forget_before(sessions: async_sessionmaker[Any], cutoff: datetime, now: datetime) -> int:
    """Delete the keys first seen before ``cutoff`` (ASB_IDEMPOTENCY_KEY_DAYS): the draft lets a
    server expire keys, and kept for ever they would grow the table without end. A key whose
    request still holds its lease is kept whatever its age."""
    async with sessions() as session, session.begin():
        result = await session.execute(
            delete(IdempotencyKey).where(
                IdempotencyKey.created_at < cutoff, IdempotencyKey.locked_until <= now
            )
        )
    return int(getattr(result, "rowcount", 0) or 0)


async def _get(session: AsyncSession, hashed: str) -> IdempotencyKey | None:
    found: IdempotencyKey | None = (
        await session.execute(select(IdempotencyKey).where(IdempotencyKey.key_hash == hashed))
    ).scalar_one_or_none()
    return found
