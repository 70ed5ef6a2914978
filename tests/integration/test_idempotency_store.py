"""The idempotency store's states (db/idempotency.py): new, in flight, resumed after a lapsed
lease, replayed once done, refused for another request."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from activities.idempotency import IdempotencyKeys
from db import idempotency
from db.idempotency import IdempotencyKey, KeyInFlight, KeyReused

LEASE = timedelta(seconds=60)


async def test_a_key_is_claimed_once_then_in_flight_then_resumed_then_replayed(
    sessions: async_sessionmaker[Any],
) -> None:
    hashed = idempotency.key_hash("staff\nX\nofficer.jones", f"k-{uuid.uuid4()}")
    now = datetime.now(UTC)
    first = await idempotency.claim(sessions, hashed, "print-1", "ASB-2026-AAAA0001", now, LEASE)
    assert (first.outcome, first.reference) == ("new", "ASB-2026-AAAA0001")

    with pytest.raises(KeyInFlight):  # the first request is still running: 409
        await idempotency.claim(sessions, hashed, "print-1", "ASB-2026-BBBB0002", now, LEASE)

    # its process died: once the lease has run out, the same request carries on, same case
    later = now + LEASE + timedelta(seconds=1)
    resumed = await idempotency.claim(
        sessions, hashed, "print-1", "ASB-2026-CCCC0003", later, LEASE
    )
    assert (resumed.outcome, resumed.reference) == ("resume", "ASB-2026-AAAA0001")
    with pytest.raises(KeyInFlight):  # and only one retry carries it on
        await idempotency.claim(sessions, hashed, "print-1", "ASB-2026-CCCC0003", later, LEASE)

    await idempotency.complete(sessions, hashed, 200, {"reference": "ASB-2026-AAAA0001"})
    replay = await idempotency.claim(sessions, hashed, "print-1", "ASB-2026-DDDD0004", later, LEASE)
    assert replay.outcome == "replay" and replay.response == {"reference": "ASB-2026-AAAA0001"}

    with pytest.raises(KeyReused):  # another request with the key: 422
        await idempotency.claim(sessions, hashed, "print-2", "ASB-2026-EEEE0005", later, LEASE)


async def test_a_failed_request_may_be_retried_at_once_but_not_replaced(
    sessions: async_sessionmaker[Any],
) -> None:
    hashed = idempotency.key_hash("public\n203.0.113.9", f"k-{uuid.uuid4()}")
    now = datetime.now(UTC)
    await idempotency.claim(sessions, hashed, "print-1", "ASB-2026-AAAA0001", now, LEASE)
    await idempotency.abandon(sessions, hashed, now)
    retry = await idempotency.claim(sessions, hashed, "print-1", "ASB-2026-BBBB0002", now, LEASE)
    assert (retry.outcome, retry.reference) == ("resume", "ASB-2026-AAAA0001")
    await idempotency.abandon(sessions, hashed, now)
    with pytest.raises(KeyReused):
        await idempotency.claim(sessions, hashed, "print-2", "ASB-2026-CCCC0003", now, LEASE)


async def test_only_a_digest_of_scope_and_key_is_stored(sessions: async_sessionmaker[Any]) -> None:
    key = f"alex.{uuid.uuid4().hex[:6]}@example.org"
    hashed = idempotency.key_hash("staff\nX\nofficer.jones", key)
    assert hashed != idempotency.key_hash("staff\nY\nofficer.jones", key)  # scoped
    await idempotency.claim(sessions, hashed, "print", None, datetime.now(UTC), LEASE)
    async with sessions() as session:
        row = (
            await session.execute(select(IdempotencyKey).where(IdempotencyKey.key_hash == hashed))
        ).scalar_one()
    assert key not in str(vars(row)) and len(row.key_hash) == 64


async def test_keys_older_than_the_kept_days_are_forgotten_by_housekeeping(
    sessions: async_sessionmaker[Any],
) -> None:
    """ASB_IDEMPOTENCY_KEY_DAYS: an old key is deleted, so sending it again is a new request; a
    recent key, and an old one whose request still holds its lease, are kept."""
    now = datetime.now(UTC)
    old, recent, leased = (
        idempotency.key_hash("staff\nX\nofficer.jones", f"k-{uuid.uuid4()}") for _ in range(3)
    )
    for hashed, at, lease in ((old, now - timedelta(days=31), LEASE),
                              (recent, now - timedelta(days=29), LEASE),
                              (leased, now - timedelta(days=31), timedelta(days=32))):  # fmt: skip
        await idempotency.claim(sessions, hashed, "print-1", "ASB-2026-AAAA0001", at, lease)
        if lease == LEASE:
            await idempotency.complete(sessions, hashed, 201, {"reference": "ASB-2026-AAAA0001"})

    forgotten = await IdempotencyKeys(sessions, keep_days=30).forget_idempotency_keys(now)

    assert forgotten >= 1
    again = await idempotency.claim(sessions, old, "print-2", "ASB-2026-BBBB0002", now, LEASE)
    assert (again.outcome, again.reference) == ("new", "ASB-2026-BBBB0002")
    with pytest.raises(KeyReused):
        await idempotency.claim(sessions, recent, "print-2", "ASB-2026-CCCC0003", now, LEASE)
    with pytest.raises(KeyInFlight):
        await idempotency.claim(sessions, leased, "print-1", "ASB-2026-DDDD0004", now, LEASE)
