"""Lists and oversight, as staff read them: cases by filter, a case's timeline and workflow
history, escalations and approvals awaited. Each is one read of the record (the API's
``/cases``, ``/escalations``, ``/approvals``; the console's supervisor pages)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from temporalio.client import WorkflowHistory

from db import queries
from db.letters import case_letters
from db.models import Case, CaseEvent, Letter
from db.models import Escalation as EscalationRow
from db.queries import Position
from services.access import Reader, Route, read_case_row
from services.cases import case_handle
from services.context import Services

__all__ = [
    "CasePage",
    "CaseQuery",
    "Position",
    "awaiting_approval",
    "history",
    "list_cases",
    "open_escalations",
    "timeline",
]


@dataclass(frozen=True)
class CaseQuery:
    """Which of the landlord's cases to list (``GET /cases``)."""

    stage: str | None = None
    tier: str | None = None
    officer_id: str | None = None
    overdue: bool | None = None
    escalated: bool | None = None
    due_within: timedelta | None = None
    open_only: bool = False


@dataclass(frozen=True)
class CasePage:
    rows: list[Case]
    next_position: Position | None
    total: int | None  # only when asked for


async def list_cases(
    svc: Services,
    reader: Reader,
    wanted: CaseQuery,
    limit: int,
    after: Position | None,
    count: bool,
) -> CasePage:
    """A page of the reader's landlord's cases (restricted ones only where they are named)."""
    case_filter = queries.CaseFilter(
        landlord=reader.landlord,
        stage=wanted.stage,
        tier=wanted.tier,
        officer_id=wanted.officer_id,
        overdue=wanted.overdue,
        escalated=wanted.escalated,
        due_within=wanted.due_within,
        open_only=wanted.open_only,
        viewer=reader.restricted_to,
    )
    now = datetime.now(UTC)
    async with svc.sessions() as session:
        rows, position = await queries.list_cases(session, case_filter, now, limit, after)
        total = await queries.count_cases(session, case_filter, now) if count else None
    return CasePage(list(rows), position, total)


async def timeline(
    svc: Services, reader: Reader, reference: str, route: Route
) -> tuple[list[CaseEvent], list[tuple[Letter, str | None]]]:
    """The case's events and its letters (each with its recipient's role), the read recorded."""
    await read_case_row(svc.sessions, reader, reference, route)
    async with svc.sessions() as session:
        events = await queries.timeline(session, reference)
        sent = await case_letters(session, reference)
    return list(events), list(sent)


async def history(svc: Services, reader: Reader, reference: str, route: Route) -> WorkflowHistory:
    """The case workflow's history (payloads as stored), the read recorded first."""
    await read_case_row(svc.sessions, reader, reference, route)
    return await case_handle(svc.client, reference).fetch_history(rpc_timeout=svc.wait)


async def open_escalations(svc: Services, landlord: str) -> list[EscalationRow]:
    async with svc.sessions() as session:
        return list(await queries.open_escalations(session, landlord))


async def awaiting_approval(svc: Services, landlord: str) -> list[Case]:
    async with svc.sessions() as session:
        return list(await queries.awaiting_approval(session, landlord))
