"""Lists and oversight: cases by filter, the timeline, escalations and approvals awaited."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from temporalio.service import RPCError

from domain.case import Stage
from edge import cursors
from edge.access import reader
from edge.auth import STAFF, SUPERVISORS, Principal, require_roles
from edge.deps import Services, services
from edge.errors import unavailable
from services import letters, oversight
from services.access import Route

router = APIRouter(tags=["oversight"])
# Far beyond any landlord's caseload, and within every database's integer (2**63 was a 500).


class CaseSummary(BaseModel):
    reference: str
    landlord: str
    stage: str
    tier: str
    categories: list[str]
    officer_id: str | None
    hate_incident: bool
    domestic_abuse: bool
    escalated: bool
    received_at: datetime
    next_deadline_at: datetime | None
    closed_at: datetime | None
    awaiting: str


class CasePage(BaseModel):
    total: int | None = Field(description="every match, only when asked for with ?count=true")
    limit: int
    items: list[CaseSummary]
    next_cursor: str | None = Field(
        description="pass as ?cursor= for the next page; null on the last page"
    )


class TimelineEntry(BaseModel):
    at: datetime
    actor: str
    action: str
    summary: str


class EscalationOut(BaseModel):
    id: int
    reference: str
    reason: str
    clock: str | None
    due_at: datetime | None
    breached_by_hours: float | None
    level: int | None
    summary: str
    officer_id: str | None
    raised_at: datetime


@router.get("/cases", response_model=CasePage, summary="List and filter your landlord's cases")
async def list_cases(
    stage: Stage | None = None,
    tier: str | None = Query(None, max_length=20),
    officer: str | None = Query(None, max_length=100),
    overdue: bool | None = Query(None, description="a deadline has passed"),
    escalated: bool | None = None,
    due_within_days: int | None = Query(None, ge=0, le=365, description="due soon"),
    open_only: bool = False,
    limit: int = Query(50, ge=1, le=500),
    cursor: str | None = Query(
        None, max_length=300, description="next_cursor of the previous page (keyset paging)"
    ),
    count: bool = Query(False, description="also count every match (reads them all: slower)"),
    principal: Principal = Depends(require_roles(*STAFF)),
    svc: Services = Depends(services),
) -> CasePage:
    due_within = timedelta(days=due_within_days) if due_within_days is not None else None
    wanted = oversight.CaseQuery(
        stage=stage.value if stage else None,
        tier=tier,
        officer_id=officer,
        overdue=overdue,
        escalated=escalated,
        due_within=due_within,
        open_only=open_only,
    )
    after = cursors.decode(cursor) if cursor is not None else None
    found = await oversight.list_cases(svc, reader(principal), wanted, limit, after, count)
    rows, position, total = found.rows, found.next_position, found.total
    return CasePage(
        total=total,
        limit=limit,
        items=[CaseSummary.model_validate(row, from_attributes=True) for row in rows],
        next_cursor=cursors.encode(position) if position else None,
    )


@router.get(
    "/cases/{reference}/timeline",
    response_model=list[TimelineEntry],
    summary="The audit trail in plain language",
)
async def timeline(
    reference: str,
    principal: Principal = Depends(require_roles(*STAFF)),
    svc: Services = Depends(services),
) -> list[TimelineEntry]:
    """Each letter appears with what truly happened to it: sent, posted, queued for the post,
    not sent and why, or unconfirmed; never "sent" unless it was."""
    events, sent = await oversight.timeline(svc, reader(principal), reference, Route.API_TIMELINE)
    entries = [
        TimelineEntry(at=e.occurred_at, actor=e.actor, action=e.action, summary=e.summary)
        for e in events
        if e.action != "letter_posted"  # the letter's own entry says it was posted
    ]
    entries += [
        TimelineEntry(
            at=letter.sent_at or letter.created_at,
            actor=letter.posted_by or "system",
            action=f"letter:{letter.status}",
            summary=letters.says(letter, role),
        )
        for letter, role in sent
    ]
    return sorted(entries, key=lambda entry: entry.at)


@router.get("/cases/{reference}/history", summary="The raw Temporal history (JSON)")
async def history(
    reference: str,
    principal: Principal = Depends(require_roles(*SUPERVISORS)),
    svc: Services = Depends(services),
) -> dict[str, Any]:
    """Supervisors only. Payloads stay encrypted; decode them through the codec endpoint."""
    try:
        found = await oversight.history(svc, reader(principal), reference, Route.API_HISTORY)
    except RPCError as error:
        raise unavailable(error) from None
    exported: dict[str, Any] = found.to_json_dict()
    return exported


@router.get(
    "/escalations", response_model=list[EscalationOut], summary="Escalations waiting for you"
)
async def escalations(
    principal: Principal = Depends(require_roles(*SUPERVISORS)),
    svc: Services = Depends(services),
) -> list[EscalationOut]:
    rows = await oversight.open_escalations(svc, principal.landlord)
    return [
        EscalationOut(
            id=e.id,
            reference=e.reference,
            reason=e.reason,
            clock=e.clock,
            due_at=e.due_at,
            breached_by_hours=round(e.breached_by_seconds / 3600, 1)
            if e.breached_by_seconds is not None
            else None,
            level=e.level,
            summary=e.summary,
            officer_id=e.officer_id,
            raised_at=e.raised_at,
        )
        for e in rows
    ]


@router.get("/approvals", response_model=list[CaseSummary], summary="Cases waiting on a supervisor")
async def approvals(
    principal: Principal = Depends(require_roles(*SUPERVISORS)),
    svc: Services = Depends(services),
) -> list[CaseSummary]:
    """PEIA approval (R43) and closure approval or consultation (R46) awaited."""
    rows = await oversight.awaiting_approval(svc, principal.landlord)
    return [CaseSummary.model_validate(row, from_attributes=True) for row in rows]
