"""The intake limit holds across API replicas when they share the database (issue 13)."""

from __future__ import annotations

import asyncio
import uuid
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from core.settings import Settings
from db.intake_windows import IntakeWindow
from edge.ratelimit import MemoryLimiter, limiter_for
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


async def test_an_ipv6_client_cannot_rotate_through_its_64(
    sessions: async_sessionmaker[Any],
) -> None:
    """Before: each exact address was a client, so one household's /64 had 2**64 allowances."""
    replicas = [DatabaseLimiter(sessions, per_window=3) for _ in range(2)]
    prefix = f"2001:db8:{uuid.uuid4().int % 0xFFFF:x}:1"
    now = 3_000_000 * 60.0
    answers = [await replicas[n % 2].allow_at(f"{prefix}::{n + 1:x}", now + n) for n in range(6)]
    assert answers == [True] * 3 + [False] * 3
    # Another /64 is another client; an IPv4-mapped address is its IPv4 client.
    assert await replicas[0].allow_at(f"{prefix[:-1]}2::1", now)
    four = f"198.51.100.{uuid.uuid4().int % 250}"
    assert await replicas[0].allow_at(four, now)
    assert await replicas[1].allow_at(f"::ffff:{four}", now)
    assert await replicas[0].allow_at(four, now)
    assert not await replicas[1].allow_at(f"::ffff:{four}", now)


def test_the_memory_limiter_counts_a_64_as_one_client() -> None:
    limiter = MemoryLimiter(per_window=2, max_clients=100)
    assert limiter.allow_at("2001:db8:0:7::1", 0.0)
    assert limiter.allow_at("2001:db8:0:7:ffff:ffff:ffff:ffff", 1.0)
    assert not limiter.allow_at("2001:db8:0:7::abcd", 2.0)
    assert limiter.allow_at("2001:db8:0:8::1", 2.0)
    assert len(limiter) == 2


def test_production_counts_the_limit_in_the_shared_database() -> None:
    production = SimpleNamespace(settings=Settings(environment="production"), sessions=None)
    development = SimpleNamespace(settings=Settings(), sessions=None)
    assert isinstance(limiter_for(production), DatabaseLimiter)  # type: ignore[arg-type]
    assert isinstance(limiter_for(development), MemoryLimiter)  # type: ignore[arg-type]
