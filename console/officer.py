"""Officer pages: My cases, the case page with its action forms, and staff intake."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from console import backend
from console.backend import Problem
from console.forms import ActionForm, Choice, action_form, parse
from console.labels import words
from console.session import Session
from console.web import checked_form, render, see_other, session
from domain.actions import ACTIONS
from domain.case import Stage
from domain.triage import VulnerabilityAnswers
from domain.vocabulary import PartyRole
from edge.access import reader
from edge.deps import Services, services
from edge.schemas import Channel, ContactChannel
from services.idempotency import staff_scope
from services.restrictions import Reason

router = APIRouter(prefix="/console", include_in_schema=False)
STATUS_TAGS = {  # deadline status -> (words, GOV.UK tag colour)
    "overdue": ("Overdue", "red"),
    "today": ("Due today", "orange"),
    "soon": ("Due within 2 working days", "yellow"),
    "on_track": ("On track", "green"),
    "none": ("No deadline", "grey"),
}

SUPERVISOR_ACTIONS = frozenset(rules.name for rules in ACTIONS if rules.supervisor_only)


@router.get("/cases", response_class=HTMLResponse)
async def my_cases(
    request: Request,
    who: str = Query("mine", pattern="^(mine|unassigned|all)$"),
    stage: str = Query("", max_length=40),
    tier: str = Query("", max_length=20),
    status: str = Query("", max_length=20),
    flag: str = Query("", max_length=20),
    q: str = Query("", max_length=100),
    page: int = Query(1, ge=1, le=100_000),
    s: Session = Depends(session),
    svc: Services = Depends(services),
) -> Response:
    if stage and stage not in set(Stage):  # the column holds only stages (db.models.Case)
        raise Problem([("stage", f"Choose a stage: {', '.join(Stage)}")])
    listing, bounds = await backend.my_cases(
        svc, s.principal, who=who, stage=stage or None, tier=tier or None,
        status=status or None, flag=flag or None, q=q or None, page=page,
    )  # fmt: skip
    filters = {"who": who, "stage": stage, "tier": tier, "status": status, "flag": flag, "q": q}
    return render(
        request, "my_cases.html", s, title="My cases", listing=listing, filters=filters,
        status_of=lambda due: backend.deadline_status(due, bounds), tags=STATUS_TAGS,
        stages=[st.value for st in Stage if st not in (Stage.CLOSED, Stage.FINISHED)],
        tiers=backend.policy(s.principal.landlord).tier_codes,
    )  # fmt: skip


def _options(svc: Services, landlord: str) -> dict[str, list[Choice]]:
    """Choices that come from the case's own policy or the agency catalogue."""
    profile = backend.policy(landlord)
    return {
        "tier": [Choice(t.code, t.label) for t in profile.tiers],
        "agency": [Choice(code, code.replace("_", " ").title()) for code in backend.agencies(svc)],
        "categories": [Choice(c, profile.category(c).label) for c in profile.category_codes],
        # R48: the reasons this landlord's policy recognises; the workflow checks again.
        "request_closure.reason": [
            Choice(r.value, words(r.value)) for r in profile.closure.reasons
        ],
    }


def _forms(svc: Services, landlord: str, allowed: list[str]) -> list[ActionForm]:
    options = _options(svc, landlord)
    return [action_form(backend.action_model(t), options) for t in allowed]


async def _case_page(
    request: Request,
    s: Session,
    svc: Services,
    reference: str,
    *,
    errors: list[tuple[str | None, str]] | None = None,
    failed_action: str | None = None,
    submitted: dict[str, str] | None = None,
    done: str | None = None,
    status_code: int = 200,
) -> Response:
    record = await backend.case_record(svc, s.principal, reference)
    allowed = record.view.allowed_actions if record.view and not record.view.finished else []
    if not s.principal.has_any("supervisor", "admin"):  # as the API's actor_for refuses them
        allowed = [a for a in allowed if a not in SUPERVISOR_ACTIONS]
    bounds = backend.boundaries(s.principal.landlord, datetime.now(UTC))
    return render(
        request, "case.html", s, status_code, title=f"Case {reference}", record=record,
        view=record.view, forms=_forms(svc, record.row.landlord, allowed), errors=errors or [],
        failed_action=failed_action, submitted=submitted or {}, done=done,
        status_of=lambda due: backend.deadline_status(due, bounds), tags=STATUS_TAGS,
        policy=backend.policy(record.row.landlord), now=datetime.now(UTC),
        temporal_ui=_temporal_ui(svc, reference), reasons=[r.value for r in Reason],
    )  # fmt: skip


async def case_page_with(
    request: Request,
    s: Session,
    svc: Services,
    reference: str,
    errors: list[tuple[str | None, str]],
    failed: str,
    submitted: dict[str, str],
    status_code: int,
) -> Response:
    """The case page again with a refused form's errors (console/restriction.py)."""
    return await _case_page(
        request, s, svc, reference, errors=errors, failed_action=failed, submitted=submitted,
        status_code=status_code,
    )  # fmt: skip


def _temporal_ui(svc: Services, reference: str) -> str:
    st = svc.settings
    host = st.temporal_address.rsplit(":", 1)[0]
    return (
        f"http://{host}:{st.temporal_ui_port}/namespaces/{st.temporal_namespace}"
        f"/workflows/case-{reference}"
    )


@router.get("/cases/{reference}", response_class=HTMLResponse)
async def case_page(
    request: Request,
    reference: str,
    done: str | None = Query(None, max_length=60),
    s: Session = Depends(session),
    svc: Services = Depends(services),
) -> Response:
    return await _case_page(request, s, svc, reference, done=done)


@router.post("/cases/{reference}/actions/{action_type}", response_class=HTMLResponse)
async def act(
    request: Request,
    reference: str,
    action_type: str,
    form: dict[str, str] = Depends(checked_form),
    s: Session = Depends(session),
    svc: Services = Depends(services),
) -> Response:
    model = backend.action_model(action_type)
    prefix = f"{action_type}--"  # each form's fields are named apart (ids are page-unique)
    own = {k.removeprefix(prefix): v for k, v in form.items() if k.startswith(prefix)}
    fields = parse(action_form(model, _options(svc, s.principal.landlord)), own)  # its own cases'
    key = form.get("idempotency_key")
    try:
        await backend.act(svc, s.principal, reference, action_type, fields, key)
    except Problem as problem:
        if problem.status == 404:
            raise
        errors = [(prefix + f if f else None, message) for f, message in problem.messages]
        return await _case_page(
            request, s, svc, reference, errors=errors, failed_action=action_type,
            submitted=form, status_code=problem.status,
        )  # fmt: skip
    return see_other(f"/console/cases/{reference}?done={action_type}")


@router.post("/cases/{reference}/tasks/{task_id}/done")
async def task_done(
    request: Request,
    reference: str,
    task_id: int,
    form: dict[str, str] = Depends(checked_form),
    s: Session = Depends(session),
    svc: Services = Depends(services),
) -> Response:
    """As the API's ``POST /tasks/{task_id}/close``: the officer says what was done."""
    reason = form.get("reason", "")
    try:
        await backend.close_task_of_case(svc, s.principal, reference, task_id, reason)
    except Problem as problem:
        if problem.status == 404:
            raise
        field = f"task-{task_id}-reason"
        errors = [(field if f else None, message) for f, message in problem.messages]
        return await _case_page(
            request, s, svc, reference, errors=errors, submitted={field: reason},
            status_code=problem.status,
        )  # fmt: skip
    return see_other(f"/console/cases/{reference}?done=task#tasks")


@router.get("/cases/{reference}/letters/{letter_id}.pdf")
async def letter_pdf(
    reference: str,
    letter_id: int,
    s: Session = Depends(session),
    svc: Services = Depends(services),
) -> Response:
    pdf = await backend.letter_pdf(svc, s.principal, reference, letter_id)
    return Response(pdf, media_type="application/pdf")


# ---- staff intake ---------------------------------------------------------------------------

QUESTIONS = {
    "vulnerable_person": "Is the complainant or anyone in their household vulnerable?",
    "repeat_victim": "Has the complainant been targeted before?",
    "impact_severe": "Is it seriously affecting their health, safety or daily life?",
    "hate_motivated": "Does anyone see it as motivated by hate?",
    "domestic_abuse_suspected": "Is domestic abuse reported, mentioned or suspected?",
    "equality_group": "Is the reporter in a group at higher risk of ASB?",
}


def _intake_context(landlord: str) -> dict[str, Any]:
    profile = backend.policy(landlord)
    return {
        "categories": [(c, profile.category(c).label) for c in profile.category_codes],
        "channels": [c.value for c in Channel],
        "contact_channels": [c.value for c in ContactChannel],
        "roles": [r.value for r in PartyRole if r is not PartyRole.COMPLAINANT],
        "questions": QUESTIONS,
    }


@router.get("/new-report", response_class=HTMLResponse)
async def new_report_page(request: Request, s: Session = Depends(session)) -> Response:
    return render(
        request, "new_report.html", s, title="New report", errors=[], values={},
        **_intake_context(s.principal.landlord),
    )  # fmt: skip


def report_body(landlord: str, form: dict[str, str], categories: list[str]) -> dict[str, Any]:
    """The form's fields in the shape of the API's report body (edge.schemas)."""
    complainant: dict[str, Any] = {
        "role": "complainant",
        "anonymous": form.get("anonymous") == "on",
        "confidential": form.get("confidential") == "on",
        "preferred_channel": form.get("preferred_channel") or "post",
    }
    for name in ("name", "address", "email", "phone"):
        if form.get(name, "").strip():
            complainant[name] = form[name].strip()
    parties = [complainant]
    if form.get("other_role") and (
        form.get("other_name", "").strip() or form.get("other_address", "").strip()
    ):
        other: dict[str, Any] = {"role": form["other_role"]}
        if form.get("other_name", "").strip():
            other["name"] = form["other_name"].strip()
        if form.get("other_address", "").strip():
            other["address"] = form["other_address"].strip()
        parties.append(other)
    return {
        "landlord": landlord,
        "categories": categories,
        "description": form.get("description", "").strip(),
        "vulnerability": {q: form.get(f"vulnerability.{q}") == "on" for q in QUESTIONS},
        "parties": parties,
    }


@router.post("/new-report", response_class=HTMLResponse)
async def new_report(
    request: Request,
    form: dict[str, str] = Depends(checked_form),
    s: Session = Depends(session),
    svc: Services = Depends(services),
) -> Response:
    raw = await request.form()
    categories = [str(c) for c in raw.getlist("categories")]
    landlord = s.principal.landlord
    body = report_body(landlord, form, categories)
    body["channel"] = form.get("channel") or ""
    if form.get("received_at", "").strip():
        from console.forms import _local_datetime

        body["received_at"] = _local_datetime(form["received_at"].strip())
    try:
        opened = await backend.open_report(
            svc, body, staff_scope(reader(s.principal)), form.get("idempotency_key")
        )
    except Problem as problem:
        again = backend.form_again(form, problem)
        return render(
            request, "new_report.html", s, problem.status, title="New report",
            errors=problem.messages, values={**again, "categories": categories},
            **_intake_context(landlord),
        )  # fmt: skip
    result = backend.triage_of(
        landlord, categories, VulnerabilityAnswers.model_validate(body["vulnerability"])
    )
    return render(
        request, "triage.html", s, 201, title=f"Case {opened.reference} opened", view=opened,
        triage=result, policy=backend.policy(landlord),
    )  # fmt: skip
