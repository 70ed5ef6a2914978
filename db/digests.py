"""Escalations waiting for the supervisors' digest, and the digests that carry them.

Exactly once, one supervisor address at a time (activities/digest.py):

1. ``claim``: one transaction records the digest (``sending``) and marks every escalation
   waiting for that address as claimed by it. Two senders never claim the same rows (the row
   locks on PostgreSQL; SQLite writes one transaction at a time).
2. The email goes out.
3. ``mark_sent``: the digest is ``sent`` and its escalations notified, in one transaction.

A transient mail failure is certain not to have sent, so ``release`` gives the rows back for the
retry. A sender that stopped between 1 and 3 cannot know whether the email left: the retry finds
the digest still ``sending`` and marks it ``unconfirmed`` (``settle_interrupted``) instead of
sending it again; its escalations stay on the supervisor's escalation list.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import DigestStatus, Escalation, SupervisorDigest

__all__ = [
    "claim",
    "mark_failed",
    "mark_sent",
    "release",
    "settle_interrupted",
    "waiting",
    "waiting_recipients",
]


async def waiting_recipients(session: AsyncSession) -> list[str]:
    """Addresses with escalations no digest has claimed yet."""
    statement = (
        select(Escalation.recipient)
        .where(Escalation.recipient.is_not(None), Escalation.digest_key.is_(None))
        .distinct()
        .order_by(Escalation.recipient)
    )
    return [r for r in (await session.scalars(statement)).all() if r is not None]


async def waiting(session: AsyncSession, recipient: str) -> Sequence[Escalation]:
    statement = (
        select(Escalation)
        .where(Escalation.recipient == recipient, Escalation.digest_key.is_(None))
        .order_by(Escalation.due_at, Escalation.reference, Escalation.id)
    )
    return (await session.scalars(statement)).all()


async def settle_interrupted(session: AsyncSession, recipient: str) -> list[str]:
    """Digests a stopped sender left ``sending``: now ``unconfirmed``, never sent again."""
    statement = (
        update(SupervisorDigest)
        .where(
            SupervisorDigest.recipient == recipient,
            SupervisorDigest.status == DigestStatus.SENDING,
        )
        .values(status=DigestStatus.UNCONFIRMED)
        .returning(SupervisorDigest.key)
    )
    return list((await session.scalars(statement)).all())


async def claim(
    session: AsyncSession, recipient: str, key: str, now: datetime
) -> Sequence[Escalation]:
    """Record a digest for ``recipient`` claiming every escalation waiting for it (none: no
    digest). Call inside the transaction that commits before the email goes."""
    statement = (
        select(Escalation)
        .where(Escalation.recipient == recipient, Escalation.digest_key.is_(None))
        .order_by(Escalation.due_at, Escalation.reference, Escalation.id)
        .with_for_update(skip_locked=True)  # PostgreSQL: another sender's rows are its own
    )
    rows = (await session.scalars(statement)).all()
    if not rows:
        return rows
    session.add(
        SupervisorDigest(
            key=key,
            recipient=recipient,
            status=DigestStatus.SENDING,
            escalations=len(rows),
            created_at=now,
        )
    )
    for row in rows:
        row.digest_key = key
    await session.flush()
    return rows


async def release(session: AsyncSession, key: str) -> None:
    """The email certainly did not leave (a transient failure): the rows wait again."""
    await session.execute(
        update(Escalation).where(Escalation.digest_key == key).values(digest_key=None)
    )
    await session.execute(delete(SupervisorDigest).where(SupervisorDigest.key == key))


async def mark_sent(session: AsyncSession, key: str, message_id: str, now: datetime) -> None:
    await session.execute(
        update(SupervisorDigest)
        .where(SupervisorDigest.key == key)
        .values(status=DigestStatus.SENT, sent_at=now, message_id=message_id)
    )
    await session.execute(
        update(Escalation).where(Escalation.digest_key == key).values(notified_at=now)
    )


async def mark_failed(session: AsyncSession, key: str) -> None:
    """The mail server refused the digest for good; its escalations are not offered again."""
    await session.execute(
        update(SupervisorDigest)
        .where(SupervisorDigest.key == key)
        .values(status=DigestStatus.FAILED)
    )
