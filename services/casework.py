"""The console's reads of the record: My cases, one case's whole record, a letter's PDF, and
the team's caseload (db/console_queries.py). Each read of personal data is recorded first
(services/access.py) and refused when it cannot be."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

from temporalio.service import RPCError

from contracts.view import CaseView
from db import console_queries, queries
from db.console_queries import MyCasesFilter, MyCasesPage, OfficerLoad, Windows
from db.models import Case, CaseEvent, Letter, OfficerTask, Party, Referral
from services import restrictions
from services.access import Reader, Route, read_case_row, record_reads, visible_case_row
from services.cases import case_view
from services.context import Services
from services.errors import NotFound

__all__ = [
    "Case",
    "CaseRecord",
    "MyCasesPage",
    "OfficerLoad",
    "Windows",
    "case_record",
    "letter_document",
    "my_cases",
    "officer_cases",
    "team",
]


async def my_cases(
    svc: Services,
    reader: Reader,
    wanted: MyCasesFilter,
    windows: Windows,
    page: int,
    page_size: int,
) -> MyCasesPage:
    """A page of My cases. The list shows each case's complainant by name: under UK GDPR that is
    a read of personal data, so each case listed is recorded (and the page refused if it cannot
    be: AccessNotRecorded)."""
    async with svc.sessions() as session:
        listing = await console_queries.my_cases(session, wanted, windows, page, page_size)
    references = dict.fromkeys(row.reference for row in listing.rows)
    await record_reads(svc.sessions, reader, references, Route.CONSOLE_CASE_LIST)
    return listing


@dataclass
class CaseRecord:
    row: Case
    view: CaseView | None  # None when the workflow cannot answer (finished long ago, outage)
    parties: list[Party]
    description: str | None
    timeline: list[CaseEvent]
    letters: list[Letter]
    referrals: list[Referral]
    tasks: list[OfficerTask]
    restriction: restrictions.Restriction | None = None


async def _view(svc: Services, reference: str) -> CaseView | None:
    try:
        return await case_view(svc, reference)
    except RPCError:
        return None


_RecordRows = tuple[
    list[Party], str | None, list[CaseEvent], list[Letter], list[Referral], list[OfficerTask]
]


async def _record_rows(svc: Services, reference: str) -> _RecordRows:
    async with svc.sessions() as session:
        return (
            await console_queries.parties(session, reference),
            await console_queries.description(session, reference),
            list(await queries.timeline(session, reference)),
            await console_queries.letters(session, reference),
            await console_queries.referrals(session, reference),
            await console_queries.tasks(session, reference),
        )


async def case_record(svc: Services, reader: Reader, reference: str) -> CaseRecord:
    """The case page: its row (read once, the read recorded: 404 or 503 first), the workflow's
    view, the record's rows and its restriction. The workflow's answer and the record's rows do
    not depend on each other: the record is read while the query travels to the worker and back,
    so the page waits for the slower one only."""
    row = await read_case_row(svc.sessions, reader, reference, Route.CONSOLE_CASE)
    current, rows, restricted = await asyncio.gather(
        _view(svc, reference),
        _record_rows(svc, reference),
        restrictions.of_visible_case(svc.sessions, reference),
    )
    return CaseRecord(row, current, *rows, restricted)


async def letter_document(svc: Services, reader: Reader, reference: str, letter_id: int) -> bytes:
    """A letter's PDF by its id on the case's page; the read recorded first."""
    await read_case_row(svc.sessions, reader, reference, Route.CONSOLE_LETTER_PDF)
    async with svc.sessions() as session:
        letter = await console_queries.letter_of_case(session, reference, letter_id)
        if letter is None:
            raise NotFound("There is no such letter on this case.")
        pdf = await console_queries.letter_document(session, letter)
    if pdf is None:
        raise NotFound("This letter has no PDF.")
    return pdf


async def team(svc: Services, landlord: str) -> list[OfficerLoad]:
    async with svc.sessions() as session:
        return await console_queries.team(session, landlord, datetime.now(UTC))


async def officer_cases(svc: Services, landlord: str, officer: str | None) -> list[Case]:
    async with svc.sessions() as session:
        return await console_queries.officer_cases(session, landlord, officer)


async def visible(svc: Services, reader: Reader, reference: str) -> Case:
    """The case's row when the reader may open it; :class:`CaseNotFound` otherwise."""
    return await visible_case_row(svc.sessions, reader, reference)
