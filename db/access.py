"""Access records and restricted cases: the statements (services/access.py decides when).

An access record is appended for every read of a case's personal data; admins list them by
case or by user, newest first, a page at a time (keyset on the id: the next page starts below
the last id shown, never OFFSET). A restricted case is visible only to its named users and its
landlord's supervisors; :func:`visible_to` is the clause every list adds for anyone else.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, delete, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AccessRecord, Case, CaseRestriction, RestrictionMember


async def append(session: AsyncSession, records: Sequence[AccessRecord]) -> None:
    """Add the records and flush, so a failed write raises here, before anything is shown."""
    session.add_all(records)
    await session.flush()


async def by_case(
    session: AsyncSession, landlord: str, reference: str, limit: int, before: int | None
) -> list[AccessRecord]:
    """At most ``limit + 1`` records of the case, newest first, below id ``before``."""
    where = [AccessRecord.landlord == landlord, AccessRecord.reference == reference]
    return await _page(session, where, limit, before)


async def by_user(
    session: AsyncSession, landlord: str, user_id: str, limit: int, before: int | None
) -> list[AccessRecord]:
    """At most ``limit + 1`` records of the user's reads, newest first, below id ``before``."""
    where = [AccessRecord.landlord == landlord, AccessRecord.user_id == user_id]
    return await _page(session, where, limit, before)


async def _page(
    session: AsyncSession, where: list[ColumnElement[bool]], limit: int, before: int | None
) -> list[AccessRecord]:
    if before is not None:
        where = [*where, AccessRecord.id < before]
    rows = await session.scalars(
        select(AccessRecord).where(*where).order_by(AccessRecord.id.desc()).limit(limit + 1)
    )
    return list(rows)


async def delete_of_case(session: AsyncSession, reference: str) -> int:
    """Retention: a case's access records go when its personal data does (db/retention.py)."""
    result = await session.execute(
        delete(AccessRecord)
        .where(AccessRecord.reference == reference)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


# ---- restricted cases ---------------------------------------------------------------------


async def restriction(
    session: AsyncSession, reference: str
) -> tuple[CaseRestriction, list[str]] | None:
    """The case's restriction and its named users, or None when it is not restricted."""
    found = await session.get(CaseRestriction, reference)
    if found is None:
        return None
    users = await session.scalars(
        select(RestrictionMember.user_id)
        .where(RestrictionMember.reference == reference)
        .order_by(RestrictionMember.user_id)
    )
    return found, list(users)


async def is_named(session: AsyncSession, reference: str, user_id: str) -> bool:
    found = await session.get(RestrictionMember, (reference, user_id))
    return found is not None


async def put_restriction(
    session: AsyncSession,
    landlord: str,
    reference: str,
    reason: str,
    users: Iterable[str],
    by: str,
    now: datetime,
) -> None:
    """Restrict the case (or change its reason and named users): the named set is replaced."""
    found = await session.get(CaseRestriction, reference)
    if found is None:
        session.add(CaseRestriction(
            reference=reference, landlord=landlord, reason=reason, restricted_by=by,
            restricted_at=now,
        ))  # fmt: skip
    else:
        found.reason, found.restricted_by, found.restricted_at = reason, by, now
    await session.execute(delete(RestrictionMember).where(RestrictionMember.reference == reference))
    session.add_all(RestrictionMember(reference=reference, user_id=user) for user in set(users))
    await session.flush()


async def remove_restriction(session: AsyncSession, reference: str) -> bool:
    """Lift the restriction; False when the case was not restricted."""
    await session.execute(delete(RestrictionMember).where(RestrictionMember.reference == reference))
    result = await session.execute(
        delete(CaseRestriction).where(CaseRestriction.reference == reference)
    )
    return bool(getattr(result, "rowcount", 0))


def visible_to(user_id: str) -> ColumnElement[bool]:
    """A case this user may see in a list: not restricted, or restricted with them named.
    (Supervisors see every case of their landlord; the caller leaves the clause out.)"""
    restricted = exists().where(CaseRestriction.reference == Case.reference)
    named = exists().where(
        RestrictionMember.reference == Case.reference, RestrictionMember.user_id == user_id
    )
    return or_(~restricted, named)
