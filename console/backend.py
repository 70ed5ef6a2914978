"""The console's only door into the engine: the same services the HTTP API calls.

Every write goes through the API's own functions (validation, authorisation, the workflow update
with the same idempotency), so the console adds no rule of its own. When the API's logic moves
(a services layer, typed action declarations), this module is the one to change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from fastapi import HTTPException
from pydantic import BaseModel, ValidationError
from sqlalchemy import and_, case, func, or_, select, update
from temporalio.service import RPCError

from api import reports as api_reports
from api.access import case_for, case_handle
from api.actions import _check_agency, _check_officer, actor_for, perform
from api.auth import Principal
from api.cases import start_case
from api.deps import Services
from api.idempotency import KEY_HEADER
from api.schemas import CaseOut, OpenCaseIn
from core.agencies import agency_codes
from core.bank_holidays import calendar_for
from db import queries
from db.models import Case, CaseEvent, Letter, OfficerTask, Party, Referral
from db.models import Escalation as EscalationRow
from domain.actions import ActionRules, rules_for
from domain.calendar import WorkingCalendar
from domain.case import CaseView
from domain.errors import UnknownValueError
from domain.policy import PolicyProfile, load_policy
from domain.triage import TriageResult, VulnerabilityAnswers, triage

PAGE_SIZE = 25


KEY_FIELD = "idempotency_key"  # the hidden field that carries a form's Idempotency-Key
KEY_SPENT = (
    "This form had already been sent with different details, so nothing was sent this time. "
    "Check the details below and send the form again."
)


class Problem(Exception):
    """Something the user must put right: (field or None, message) pairs for an error summary.
    ``key_spent``: the form's key stands for another request now (issue 13, point 3)."""

    def __init__(
        self, messages: list[tuple[str | None, str]], status: int = 422, key_spent: bool = False
    ) -> None:
        super().__init__("; ".join(m for _, m in messages))
        self.messages = messages
        self.status = status
        self.key_spent = key_spent


def form_again(values: dict[str, str], problem: Problem) -> dict[str, str]:
    """The values a refused form is shown again with. It keeps its key, so that sending it twice
    still acts once, unless the key was refused: kept, every later send would be refused too and
    the report could never be made, so the form draws a new key."""
    if not problem.key_spent:
        return values
    return {name: value for name, value in values.items() if name != KEY_FIELD}


def _problem(error: HTTPException) -> Problem:
    detail = error.detail
    if isinstance(detail, dict) and "reason" in detail:
        return Problem([(None, str(detail["reason"]))], error.status_code)
    if isinstance(detail, list) and any(d.get("loc") == ["header", KEY_HEADER] for d in detail):
        return Problem([(None, KEY_SPENT)], error.status_code, key_spent=True)
    if isinstance(detail, list):
        return Problem(
            [(str(d.get("loc", ["", ""])[-1]), str(d.get("msg", d))) for d in detail],
            error.status_code,
        )
    return Problem([(None, str(detail))], error.status_code)


def validation_problem(error: ValidationError, prefix: str = "") -> Problem:
    messages: list[tuple[str | None, str]] = []
    for e in error.errors():
        loc = ".".join(str(p) for p in e["loc"] if p not in ("body",))
        name = f"{prefix}{loc}" if loc else None
        messages.append((name, f"{loc.replace('_', ' ') or 'Form'}: {e['msg']}"))
    return Problem(messages)


# ---- policies and calendars ---------------------------------------------------------------


def policy(landlord: str) -> PolicyProfile:
    return load_policy(landlord)


@lru_cache(maxsize=16)
def _calendar(landlord: str, year: int) -> WorkingCalendar:
    return calendar_for(load_policy(landlord), year - 1, year + 1)


def agencies(svc: Services) -> list[str]:
    return list(agency_codes(svc.settings.agencies_file))


# ---- My cases -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Boundaries:
    """When 'due today' and 'due within 2 working days' end, in the landlord's calendar."""

    now: datetime
    end_of_today: datetime
    soon: datetime


def boundaries(landlord: str, now: datetime) -> Boundaries:
    cal = _calendar(landlord, now.year)
    today = cal.local_date(now)
    end_of_today = datetime.combine(today + timedelta(days=1), time.min, cal.tz).astimezone(UTC)
    soon_day = cal.add_working_days(today, 2)
    soon = datetime.combine(soon_day + timedelta(days=1), time.min, cal.tz).astimezone(UTC)
    return Boundaries(now, end_of_today, soon)


def deadline_status(due: datetime | None, b: Boundaries) -> str:
    if due is None:
        return "none"
    if due <= b.now:
        return "overdue"
    if due < b.end_of_today:
        return "today"
    if due < b.soon:
        return "soon"
    return "on_track"


@dataclass
class CaseListing:
    rows: list[Case]
    total: int
    page: int
    pages: int
    counts: dict[str, int]
    names: dict[str, str] = field(default_factory=dict)  # reference -> complainant's name


async def my_cases(
    svc: Services,
    principal: Principal,
    *,
    who: str = "mine",
    stage: str | None = None,
    tier: str | None = None,
    status: str | None = None,
    flag: str | None = None,
    q: str | None = None,
    page: int = 1,
) -> tuple[CaseListing, Boundaries]:
    b = boundaries(principal.landlord, datetime.now(UTC))
    where: list[Any] = [Case.landlord == principal.landlord, Case.closed_at.is_(None)]
    if who == "mine":
        where.append(Case.officer_id == principal.user_id)
    elif who == "unassigned":
        where.append(Case.officer_id.is_(None))
    if stage:
        where.append(Case.stage == stage)
    if tier:
        where.append(Case.tier == tier)
    if flag in ("hate_incident", "domestic_abuse", "anonymous", "escalated"):
        where.append(getattr(Case, flag).is_(True))
    if q:
        pattern = f"%{q.strip()}%"
        named = select(Party.reference).where(Party.name.ilike(pattern))
        where.append(or_(Case.reference.ilike(pattern), Case.reference.in_(named)))
    due = Case.next_deadline_at
    counted = select(
        func.count(),
        func.sum(case((due <= b.now, 1), else_=0)),
        func.sum(case((and_(due > b.now, due < b.end_of_today), 1), else_=0)),
        func.sum(case((and_(due >= b.end_of_today, due < b.soon), 1), else_=0)),
    ).where(*where)
    windows = {
        "overdue": due <= b.now,
        "today": and_(due > b.now, due < b.end_of_today),
        "soon": and_(due >= b.end_of_today, due < b.soon),
        "on_track": or_(due >= b.soon, due.is_(None)),
    }
    listed = list(where)
    if status in windows:
        listed.append(windows[status])
    async with svc.sessions() as session:
        total_all, overdue, today, soon = (await session.execute(counted)).one()
        total = await session.scalar(select(func.count()).select_from(Case).where(*listed)) or 0
        pages = max(1, -(-int(total) // PAGE_SIZE))
        page = min(max(1, page), pages)
        rows = list(
            await session.scalars(
                select(Case)
                .where(*listed)
                .order_by(due.is_(None), due, Case.reference)
                .limit(PAGE_SIZE)
                .offset((page - 1) * PAGE_SIZE)
            )
        )
        names = await _complainant_names(session, [r.reference for r in rows])
    counts = {
        "open": int(total_all or 0),
        "overdue": int(overdue or 0),
        "today": int(today or 0),
        "soon": int(soon or 0),
    }
    return CaseListing(rows, int(total), page, pages, counts, names), b


async def _complainant_names(session: Any, references: list[str]) -> dict[str, str]:
    if not references:
        return {}
    rows = await session.execute(
        select(Party.reference, Party.name, Party.anonymous).where(
            Party.reference.in_(references), Party.role == "complainant"
        )
    )
    return {ref: ("Anonymous" if anon else (name or "Not given")) for ref, name, anon in rows}


# ---- one case -------------------------------------------------------------------------------


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


async def case_row(svc: Services, principal: Principal, reference: str) -> Case:
    """The read-model row; 404 (as the API) when unknown or another landlord's."""
    try:
        return await case_for(svc, principal, reference)
    except HTTPException as error:
        raise _problem(error) from None


async def view(svc: Services, reference: str) -> CaseView | None:
    try:
        found: CaseView = await case_handle(svc, reference).query(
            "view", result_type=CaseView, rpc_timeout=svc.wait
        )
    except RPCError:
        return None
    return found


async def case_record(svc: Services, principal: Principal, reference: str) -> CaseRecord:
    from db.models import ReportDetails

    row = await case_row(svc, principal, reference)
    current = await view(svc, reference)
    async with svc.sessions() as session:
        parties = list(
            await session.scalars(
                select(Party).where(Party.reference == reference).order_by(Party.id)
            )
        )
        details = await session.get(ReportDetails, reference)
        events = await queries.timeline(session, reference)
        letters = list(
            await session.scalars(
                select(Letter).where(Letter.reference == reference).order_by(Letter.created_at)
            )
        )
        referrals = list(
            await session.scalars(
                select(Referral).where(Referral.reference == reference).order_by(Referral.made_at)
            )
        )
        tasks = list(
            await session.scalars(
                select(OfficerTask)
                .where(OfficerTask.reference == reference)
                .order_by(OfficerTask.done_at.is_not(None), OfficerTask.created_at)
            )
        )
    return CaseRecord(
        row, current, parties, details.description if details else None, events, letters,
        referrals, tasks,
    )  # fmt: skip


async def letter_pdf(svc: Services, principal: Principal, reference: str, letter_id: int) -> bytes:
    from db.models import LetterDocument

    await case_row(svc, principal, reference)
    async with svc.sessions() as session:
        letter = await session.get(Letter, letter_id)
        if letter is None or letter.reference != reference:
            raise Problem([(None, "There is no such letter on this case.")], 404)
        document = await session.get(LetterDocument, letter.key)
    if document is None:
        raise Problem([(None, "This letter has no PDF.")], 404)
    return document.pdf


async def mark_task_done(svc: Services, principal: Principal, reference: str, task_id: int) -> None:
    await case_row(svc, principal, reference)
    now = datetime.now(UTC)
    async with svc.sessions() as session, session.begin():
        task = await session.get(OfficerTask, task_id)
        if task is None or task.reference != reference:
            raise Problem([(None, "There is no such task on this case.")], 404)
        if task.done_at is not None:
            return  # a second click changes nothing
        await session.execute(
            update(OfficerTask).where(OfficerTask.id == task_id).values(done_at=now)
        )
        session.add(
            CaseEvent(
                key=f"{task.key}:done",
                reference=reference,
                occurred_at=now,
                actor=principal.user_id,
                action="task_done",
                summary=f"Task marked done: {task.summary}",
                data={"task": task.key},
            )
        )


# ---- acting ---------------------------------------------------------------------------------


def action_rules(action_type: str) -> ActionRules:
    try:
        return rules_for(action_type)
    except UnknownValueError:
        raise Problem([(None, f"There is no action called {action_type}.")], 404) from None


def action_model(action_type: str) -> type[BaseModel]:
    return action_rules(action_type).input_model


async def act(
    svc: Services,
    principal: Principal,
    reference: str,
    action_type: str,
    fields: dict[str, Any],
    key: str | None,
) -> CaseOut:
    """As ``POST /cases/{reference}/actions/{action_type}`` with an Idempotency-Key."""
    rules = action_rules(action_type)
    try:
        await case_row(svc, principal, reference)
        actor = actor_for(principal, rules)
        _check_agency(svc, fields)
        await _check_officer(svc, principal, reference, action_type, fields)
        try:
            action = rules.input_model.model_validate(
                {**fields, "actor": actor, "type": action_type}
            )
        except ValidationError as invalid:
            raise validation_problem(invalid) from None
        return await perform(svc, principal, reference, (action_type, action), key)
    except HTTPException as error:
        raise _problem(error) from None


async def open_report(svc: Services, body: dict[str, Any], scope: str, key: str | None) -> CaseOut:
    """As ``POST /cases`` (staff, ``staff_scope``) or ``POST /public/reports`` (channel web,
    ``public_scope``): the idempotency key is the caller's own within its scope."""
    try:
        intake = OpenCaseIn.model_validate(body)
    except ValidationError as invalid:
        raise validation_problem(invalid) from None
    try:
        return await start_case(svc, intake, scope, key)
    except HTTPException as error:
        raise _problem(error) from None


def triage_of(landlord: str, categories: list[str], answers: VulnerabilityAnswers) -> TriageResult:
    return triage(load_policy(landlord), categories, answers)


# ---- oversight ------------------------------------------------------------------------------


async def escalations(svc: Services, principal: Principal) -> list[EscalationRow]:
    async with svc.sessions() as session:
        return await queries.open_escalations(session, principal.landlord)


async def approvals(svc: Services, principal: Principal) -> list[Case]:
    async with svc.sessions() as session:
        return await queries.awaiting_approval(session, principal.landlord)


@dataclass(frozen=True)
class OfficerLoad:
    officer_id: str | None
    open_cases: int
    overdue: int
    escalated: int


async def team(svc: Services, principal: Principal) -> list[OfficerLoad]:
    now = datetime.now(UTC)
    async with svc.sessions() as session:
        rows = await session.execute(
            select(
                Case.officer_id,
                func.count(),
                func.sum(case((Case.next_deadline_at <= now, 1), else_=0)),
                func.sum(case((Case.escalated.is_(True), 1), else_=0)),
            )
            .where(Case.landlord == principal.landlord, Case.closed_at.is_(None))
            .group_by(Case.officer_id)
            .order_by(Case.officer_id)
        )
        return [OfficerLoad(o, int(n), int(late or 0), int(esc or 0)) for o, n, late, esc in rows]


async def officer_cases(svc: Services, principal: Principal, officer: str | None) -> list[Case]:
    who = Case.officer_id.is_(None) if officer is None else Case.officer_id == officer
    async with svc.sessions() as session:
        return list(
            await session.scalars(
                select(Case)
                .where(Case.landlord == principal.landlord, Case.closed_at.is_(None), who)
                .order_by(Case.next_deadline_at.is_(None), Case.next_deadline_at)
                .limit(200)
            )
        )


async def history(svc: Services, principal: Principal, reference: str) -> list[Any]:
    """The workflow's events, payloads decoded by the client's own converter (server side)."""
    await case_row(svc, principal, reference)
    try:
        found = await case_handle(svc, reference).fetch_history(rpc_timeout=svc.wait)
    except RPCError as error:
        raise Problem(
            [(None, f"The case engine could not be reached: {error.message}")], 503
        ) from None
    return list(found.events)


async def report_tables(
    svc: Services, principal: Principal, start: date, end: date, homes: int
) -> dict[str, Any]:
    begin = datetime.combine(start, time.min, UTC)
    finish = datetime.combine(end, time.max, UTC)
    return await api_reports.gather(svc, principal.landlord, begin, finish, homes)
