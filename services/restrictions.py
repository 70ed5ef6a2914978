"""Restricting a case to named users: a record-level operation, audited, supervisors only.

Why not a workflow action (domain/actions/): a restriction changes who may *read the record*,
not the case's process. No stage, deadline or letter depends on it, and every read must check it
before anything else, including reads of cases whose workflow has long finished (a closed case
kept for six years can still need restricting). So it lives beside the record it guards, in
the database, and every route's one access check (services/access.py) applies it. Each change is
written to the case's audit trail (``case_events``) in the same transaction, naming who did it,
the reason code and the named users (staff ids only: the reason is a code, never free text,
so the audit trail keeps holding no personal data).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import access
from db.models import CaseEvent
from db.repository import insert_once
from db.staff import is_active_staff
from services.access import Reader, visible_case
from services.context import Services
from services.errors import InvalidInput

__all__ = [
    "CaseUnknown",
    "NotSupervisor",
    "Reason",
    "Restriction",
    "lift",
    "of_visible_case",
    "restrict",
    "shown",
]

MAX_NAMED = 50


class Reason(StrEnum):
    DOMESTIC_ABUSE = "domestic_abuse"
    STAFF_MEMBER_PARTY = "staff_member_party"  # a member of staff is a party to the case
    PUBLIC_PROFILE_PARTY = "public_profile_party"
    WITNESS_AT_RISK = "witness_at_risk"
    OTHER_SENSITIVE = "other_sensitive"


class NotSupervisor(PermissionError):
    """Only supervisors (and admins) of the case's landlord restrict it (the API answers 403)."""


class CaseUnknown(LookupError):
    """No case the caller may open (404)."""


@dataclass(frozen=True)
class Restriction:
    reference: str
    reason: str
    users: list[str]
    restricted_by: str
    restricted_at: datetime


async def shown(svc: Services, reader: Reader, reference: str) -> Restriction | None:
    """The case's restriction (None when unrestricted), for whoever may open the case."""
    if await visible_case(svc.sessions, reader, reference) is None:
        raise CaseUnknown(reference)
    return await of_visible_case(svc.sessions, reference)


async def of_visible_case(sessions: async_sessionmaker[Any], reference: str) -> Restriction | None:
    """As :func:`shown`, for a case its caller has just been allowed to open (one read of it)."""
    async with sessions() as session:
        found = await access.restriction(session, reference)
    if found is None:
        return None
    row, users = found
    return Restriction(reference, row.reason, users, row.restricted_by, row.restricted_at)


async def restrict(
    svc: Services,
    reader: Reader,
    reference: str,
    reason: Reason,
    users: list[str],
) -> Restriction:
    """Restrict the case to ``users`` (active staff of its landlord), or change who is named."""
    sessions = svc.sessions
    await _check(sessions, reader, reference)
    named = sorted(set(users))
    if len(named) > MAX_NAMED:
        raise InvalidInput("users", f"name at most {MAX_NAMED} users")
    now = datetime.now(UTC)
    async with sessions() as session, session.begin():
        unknown = [u for u in named if not await is_active_staff(session, reader.landlord, u)]
        if unknown:
            raise InvalidInput(
                "users", f"not active staff of landlord {reader.landlord}: {', '.join(unknown)}"
            )
        await access.put_restriction(
            session, reader.landlord, reference, reason.value, named, reader.user_id, now
        )
        who = ", ".join(named) if named else "nobody (supervisors only)"
        await _audit(session, reference, reader, now, "restrict",
                     f"Case restricted ({reason.value.replace('_', ' ')}); named users: {who}.",
                     {"reason": reason.value, "users": named})  # fmt: skip
    return Restriction(reference, reason.value, named, reader.user_id, now)


async def lift(svc: Services, reader: Reader, reference: str) -> bool:
    """Lift the restriction; False (and no audit entry) when the case was not restricted."""
    sessions = svc.sessions
    await _check(sessions, reader, reference)
    now = datetime.now(UTC)
    async with sessions() as session, session.begin():
        if not await access.remove_restriction(session, reference):
            return False
        await _audit(session, reference, reader, now, "unrestrict", "Case restriction lifted.", {})
    return True


async def _check(sessions: async_sessionmaker[Any], reader: Reader, reference: str) -> None:
    if await visible_case(sessions, reader, reference) is None:
        raise CaseUnknown(reference)  # before the role check: never say a case exists
    if not reader.supervises:
        raise NotSupervisor("only a supervisor restricts a case or names its users")


async def _audit(
    session: AsyncSession,
    reference: str,
    reader: Reader,
    now: datetime,
    action: str,
    summary: str,
    data: dict[str, Any],
) -> None:
    await insert_once(session, CaseEvent(
        key=f"{reference}:{action}:{uuid.uuid4().hex}", reference=reference, occurred_at=now,
        actor=reader.user_id, action=action, summary=summary, data=data,
    ))  # fmt: skip
