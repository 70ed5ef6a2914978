"""Supervisor pages: escalations, approvals, the team's caseload, a case's workflow history."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from console import backend
from console.history import describe
from console.session import Session
from console.web import render, supervisor
from edge.deps import Services, services

router = APIRouter(prefix="/console", include_in_schema=False)


@router.get("/escalations", response_class=HTMLResponse)
async def escalations(
    request: Request, s: Session = Depends(supervisor), svc: Services = Depends(services)
) -> Response:
    rows = await backend.escalations(svc, s.principal)
    return render(request, "escalations.html", s, title="Escalations", rows=rows)


@router.get("/approvals", response_class=HTMLResponse)
async def approvals(
    request: Request, s: Session = Depends(supervisor), svc: Services = Depends(services)
) -> Response:
    rows = await backend.approvals(svc, s.principal)
    return render(request, "approvals.html", s, title="Approvals", rows=rows)


@router.get("/team", response_class=HTMLResponse)
async def team(
    request: Request,
    officer: str | None = Query(None, max_length=100),
    s: Session = Depends(supervisor),
    svc: Services = Depends(services),
) -> Response:
    loads = await backend.team(svc, s.principal)
    chosen = officer if officer is not None else None
    cases = (
        await backend.officer_cases(svc, s.principal, chosen or None) if officer is not None else []
    )
    officers = sorted({load.officer_id for load in loads if load.officer_id})
    return render(
        request, "team.html", s, title="Team", loads=loads, cases=cases, officer=officer,
        officers=officers,
    )  # fmt: skip


@router.get("/cases/{reference}/history", response_class=HTMLResponse)
async def history(
    request: Request,
    reference: str,
    s: Session = Depends(supervisor),
    svc: Services = Depends(services),
) -> Response:
    events = await backend.history(svc, s.principal, reference)
    lines = [line for e in events if (line := await describe(svc.client, e)) is not None]
    return render(
        request, "history.html", s, title=f"History of {reference}", reference=reference,
        events=lines,
    )  # fmt: skip
