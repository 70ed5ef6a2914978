"""Who may open a case, and the record of every read of its personal data (issue 16).

UK GDPR makes the landlord answer for who looked at a case. So every route that shows a case's
personal data (names, addresses, narrative, letters, the decrypted workflow history) calls
:func:`read_case` (or :func:`record_reads` for a list or a codec decode) before it reads, and the
access record is committed first. **Fail closed:** when the record cannot be written the read
does not happen: :class:`AccessNotRecorded` (the API and the console answer 503).

A restricted case (services/restrictions.py) opens only to its named users and its landlord's
supervisors; for anyone else it is exactly like a case that does not exist.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import access
from db.models import AccessRecord, Case
from db.repository import get_case
from services.context import Services
from services.errors import CaseNotFound

__all__ = [
    "ADMIN",
    "AccessNotRecorded",
    "AccessRecord",
    "NotAdmin",
    "Reader",
    "Route",
    "access_by_case",
    "access_by_user",
    "decodable",
    "may_be_given",
    "openable",
    "read_case",
    "read_case_row",
    "reads_by_user",
    "reads_of_case",
    "record_decodes",
    "record_reads",
    "visible_case",
    "visible_case_row",
]

log = logging.getLogger(__name__)
SUPERVISING = ("supervisor", "admin")  # as edge.auth.SUPERVISORS: admins have supervisors' powers
ADMIN = "admin"


class Route(StrEnum):
    """Where personal data was read: what an access record names."""

    API_CASE = "api_case"  # GET /cases/{ref}
    API_TIMELINE = "api_timeline"  # GET /cases/{ref}/timeline
    API_LETTERS = "api_letters"  # GET /cases/{ref}/letters
    API_LETTER_PDF = "api_letter_pdf"  # GET /cases/{ref}/letters/{key}/pdf
    API_HISTORY = "api_history_export"  # GET /cases/{ref}/history
    API_REFERRALS = "api_referrals"  # GET /cases/{ref}/referrals
    API_PRINT_BATCH = "api_print_batch_pdf"  # GET /print-batches/{day}/pdf: each case in it
    CODEC_DECODE = "codec_decode"  # POST /codec/decode (the Temporal UI)
    CONSOLE_CASE = "console_case"  # /console/cases/{ref}
    CONSOLE_LETTER_PDF = "console_letter_pdf"  # /console/cases/{ref}/letters/{id}/pdf
    CONSOLE_HISTORY = "console_history"  # /console/cases/{ref}/history
    CONSOLE_CASE_LIST = "console_case_list"  # My cases: shows each complainant's name


@dataclass(frozen=True)
class Reader:
    """The signed-in member of staff, as the API's token or the console's session says."""

    user_id: str
    roles: tuple[str, ...]
    landlord: str

    @property
    def role(self) -> str:
        return ",".join(self.roles)

    @property
    def supervises(self) -> bool:
        return any(role in SUPERVISING for role in self.roles)

    @property
    def restricted_to(self) -> str | None:
        """The user whose named restrictions a list applies; None: sees every case (supervisor)."""
        return None if self.supervises else self.user_id


class AccessNotRecorded(Exception):
    """The access record could not be written, so the read is refused (503): fail closed."""


class NotAdmin(PermissionError):
    """Only admins list access records (the API answers 403)."""


async def _may_open(session: AsyncSession, reader: Reader, case: Case | None) -> bool:
    if case is None or case.landlord != reader.landlord:
        return False
    if reader.supervises or await access.restriction(session, case.reference) is None:
        return True
    return await access.is_named(session, case.reference, reader.user_id)


async def visible_case(
    sessions: async_sessionmaker[Any], reader: Reader, reference: str
) -> Case | None:
    """The case's row when ``reader`` may open it; None when it is unknown, another landlord's,
    or restricted and the reader is neither named on it nor a supervisor (all answer 404)."""
    async with sessions() as session:
        case = await get_case(session, reference)
        return case if await _may_open(session, reader, case) else None


async def may_be_given(sessions: async_sessionmaker[Any], reference: str, officer_id: str) -> bool:
    """Whether the case may be given to ``officer_id``: any case, except a restricted one to
    someone not named on it (they could not open their own case)."""
    async with sessions() as session:
        if await access.restriction(session, reference) is None:
            return True
        return await access.is_named(session, reference, officer_id)


async def read_case(
    sessions: async_sessionmaker[Any], reader: Reader, reference: str, route: Route
) -> Case | None:
    """As :func:`visible_case`, and the read is recorded (committed) before it is returned."""
    case = await visible_case(sessions, reader, reference)
    if case is not None:
        await record_reads(sessions, reader, {case.reference: None}, route)
    return case


async def visible_case_row(
    sessions: async_sessionmaker[Any], reader: Reader, reference: str
) -> Case:
    """As :func:`visible_case`, refusing with :class:`CaseNotFound` (404) instead of None."""
    case = await visible_case(sessions, reader, reference)
    if case is None:
        raise CaseNotFound(reference)
    return case


async def read_case_row(
    sessions: async_sessionmaker[Any], reader: Reader, reference: str, route: Route
) -> Case:
    """As :func:`read_case`, refusing with :class:`CaseNotFound` (404) instead of None."""
    case = await read_case(sessions, reader, reference, route)
    if case is None:
        raise CaseNotFound(reference)
    return case


async def openable(
    sessions: async_sessionmaker[Any], reader: Reader, references: Iterable[str]
) -> set[str]:
    """Which of ``references`` the reader may open (the codec decodes only those)."""
    async with sessions() as session:
        return {
            reference
            for reference in set(references)
            if await _may_open(session, reader, await get_case(session, reference))
        }


async def record_reads(
    sessions: async_sessionmaker[Any],
    reader: Reader,
    references: Mapping[str, str | None],
    route: Route,
) -> None:
    """One access record per case read (reference -> the workflow id whose payloads were
    decoded, or None), committed in one transaction; :class:`AccessNotRecorded` if it fails."""
    now = datetime.now(UTC)
    rows = [
        _record(reader, reference, workflow, route, now)
        for reference, workflow in references.items()
    ]
    if not rows:
        return
    try:
        async with sessions() as session, session.begin():
            await access.append(session, rows)
    except (SQLAlchemyError, OSError) as failure:
        log.error("access record not written (%s); the read is refused", failure)
        raise AccessNotRecorded(str(failure)) from failure


def _record(
    reader: Reader, reference: str, workflow: str | None, route: Route, now: datetime
) -> AccessRecord:
    return AccessRecord(
        landlord=reader.landlord, reference=reference, user_id=reader.user_id, role=reader.role,
        route=route.value, workflow_id=workflow, accessed_at=now,
    )  # fmt: skip


@dataclass
class AccessPage:
    items: list[AccessRecord]
    next_before: int | None  # the id the next page starts below; None on the last page


def _page(rows: list[AccessRecord], limit: int) -> AccessPage:
    if len(rows) <= limit:
        return AccessPage(rows, None)
    return AccessPage(rows[:limit], rows[limit - 1].id)


async def access_by_case(
    sessions: async_sessionmaker[Any],
    reader: Reader,
    reference: str,
    limit: int,
    before: int | None,
) -> AccessPage:
    """Who read the case, newest first (admins of its landlord only)."""
    if ADMIN not in reader.roles:
        raise NotAdmin("only admins list access records")
    async with sessions() as session:
        rows = await access.by_case(session, reader.landlord, reference, limit, before)
    return _page(rows, limit)


async def access_by_user(
    sessions: async_sessionmaker[Any], reader: Reader, user_id: str, limit: int, before: int | None
) -> AccessPage:
    """Which cases the user read, newest first (admins of the user's landlord only)."""
    if ADMIN not in reader.roles:
        raise NotAdmin("only admins list access records")
    async with sessions() as session:
        rows = await access.by_user(session, reader.landlord, user_id, limit, before)
    return _page(rows, limit)


async def reads_of_case(
    svc: Services, reader: Reader, reference: str, limit: int, before: int | None
) -> AccessPage:
    """Who read the case (admins of its landlord); a case the admin may not open is unknown."""
    await visible_case_row(svc.sessions, reader, reference)
    return await access_by_case(svc.sessions, reader, reference, limit, before)


async def reads_by_user(
    svc: Services, reader: Reader, user_id: str, limit: int, before: int | None
) -> AccessPage:
    """Which cases the user read (admins of the user's landlord)."""
    return await access_by_user(svc.sessions, reader, user_id, limit, before)


async def decodable(svc: Services, reader: Reader, references: Iterable[str]) -> set[str]:
    """Which of ``references`` the reader may have decoded (the codec endpoint)."""
    return await openable(svc.sessions, reader, references)


async def record_decodes(
    svc: Services, reader: Reader, workflows: Mapping[str, str | None]
) -> None:
    """One access record per case whose payloads the codec decoded (fail closed)."""
    await record_reads(svc.sessions, reader, workflows, Route.CODEC_DECODE)
