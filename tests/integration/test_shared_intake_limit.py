"""The intake limit holds across API replicas when they share the database (issue 13)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from db.intake_windows import IntakeWindow
from services.intake import DatabaseLimiter


async def test_two_replicas_share_one_limit(sessions: async_sessionmaker[Any]) -> None:
    replicas = [DatabaseLimiter(sessions, per_window=3) for _ in range(2)]
    client = f"203.0.113.{uuid.uuid4().int % 250}-{uuid.uuid4().hex[:6]}"
    now = 1_000_000 * 60.0
    answers = await asyncio.gather(*(replicas[n % 2].allow_at(client, now + n) for n in range(8)))
    assert sorted(answers) == [False] * 5 + [True] * 3
    assert await replicas[1].allow_at(client, now + 60)  # the next window starts afresh


async def test_past_windows_are_dropped_and_addresses_are_not_stored(
    sessions: async_sessionmaker[Any],
) -> None:
    limiter = DatabaseLimiter(sessions, per_window=1)
    start = 2_000_000 * 60.0
    for minute in range(5):
        assert await limiter.allow_at("198.51.100.7", start + 60 * minute)
    async with sessions() as session:
        rows = (await session.execute(select(IntakeWindow))).scalars().all()
    mine = [row for row in rows if row.window >= 2_000_000]
    assert [row.window for row in mine] == [2_000_003, 2_000_004]
    assert all("198.51" not in row.client_hash for row in mine)
