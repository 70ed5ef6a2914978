"""The console's only door into the engine: the same services the HTTP API calls.

Every write goes through the API's own functions (validation, authorisation, the workflow update
with the same idempotency), so the console adds no rule of its own. When the API's logic moves
(a services layer, typed action declarations), this module is the one to change.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from fastapi import HTTPException
from pydantic import BaseModel, ValidationError
from temporalio.service import RPCError

from api import reports as api_reports
from api.actions import checked_action, perform
from api.cases import start_case
from api.tasks import CloseTaskIn
from contracts.view import CaseView
from core.agencies import agency_codes
from core.bank_holidays import calendar_for
from domain.actions import ActionRules, rules_for
from domain.calendar import WorkingCalendar
from domain.errors import UnknownValueError
from domain.policy import PolicyProfile, load_policy
from domain.triage import TriageResult, VulnerabilityAnswers, triage
from edge.access import Route, case_for, case_handle, read_case_for, reader
from edge.auth import Principal
from edge.deps import Services
from edge.idempotency import KEY_HEADER
from edge.schemas import CaseOut, OpenCaseIn
from services import restrictions
from services.access import AccessNotRecorded, record_reads
from services.records import (
    CaseEvent,
    EscalationRow,
    Letter,
    OfficerTask,
    Party,
    Referral,
    console_queries,
    list_staff,
    queries,
)
from services.records import CaseRow as Case
from services.tasks import TaskAlreadyClosed, TaskNotFound, close_task
from services.whatif import WhatIf, proposal_for, run_whatif

PAGE_SIZE = 25
NOT_RECORDED = (
    "This page could not be shown because the access log could not record that you viewed it. "
    "Try again in a few minutes."
)


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


CaseListing = console_queries.MyCasesPage


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
    me = reader(principal)
    wanted = console_queries.MyCasesFilter(
        principal.landlord, principal.user_id, who, stage, tier, status, flag, q, me.restricted_to
    )
    windows = console_queries.Windows(b.now, b.end_of_today, b.soon)
    async with svc.sessions() as session:
        listing = await console_queries.my_cases(session, wanted, windows, page, PAGE_SIZE)
    # The list shows each case's complainant by name: under UK GDPR that is a read of personal
    # data, so each case listed is recorded (and the page refused if it cannot be).
    try:
        await record_reads(
            svc.sessions,
            me,
            dict.fromkeys(r.reference for r in listing.rows),
            Route.CONSOLE_CASE_LIST,
        )
    except AccessNotRecorded:
        raise Problem([(None, NOT_RECORDED)], 503) from None
    return listing, b


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
    restriction: restrictions.Restriction | None = None


async def case_row(svc: Services, principal: Principal, reference: str) -> Case:
    """The read-model row; 404 (as the API) when unknown, another landlord's or restricted
    away from the user."""
    try:
        return await case_for(svc, principal, reference)
    except HTTPException as error:
        raise _problem(error) from None


async def read_case_row(svc: Services, principal: Principal, reference: str, route: Route) -> Case:
    """As :func:`case_row` for a page showing personal data: the read is recorded first, and
    refused (503) when it cannot be (services/access.py)."""
    try:
        return await read_case_for(svc, principal, reference, route)
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
    row = await read_case_row(svc, principal, reference, Route.CONSOLE_CASE)  # 404 first
    # The workflow's answer and the record's rows do not depend on each other: the record is read
    # while the query travels to the worker and back, so the page waits for the slower one only.
    current, rows, restricted = await asyncio.gather(
        view(svc, reference),
        _record_rows(svc, reference),
        restrictions.shown(svc.sessions, reader(principal), reference),
    )
    return CaseRecord(row, current, *rows, restricted)


_RecordRows = tuple[
    list[Party], str | None, list[CaseEvent], list[Letter], list[Referral], list[OfficerTask]
]


async def _record_rows(svc: Services, reference: str) -> _RecordRows:
    async with svc.sessions() as session:
        return (
            await console_queries.parties(session, reference),
            await console_queries.description(session, reference),
            await queries.timeline(session, reference),
            await console_queries.letters(session, reference),
            await console_queries.referrals(session, reference),
            await console_queries.tasks(session, reference),
        )


async def letter_pdf(svc: Services, principal: Principal, reference: str, letter_id: int) -> bytes:
    await read_case_row(svc, principal, reference, Route.CONSOLE_LETTER_PDF)
    async with svc.sessions() as session:
        letter = await console_queries.letter_of_case(session, reference, letter_id)
        if letter is None:
            raise Problem([(None, "There is no such letter on this case.")], 404)
        pdf = await console_queries.letter_document(session, letter)
    if pdf is None:
        raise Problem([(None, "This letter has no PDF.")], 404)
    return pdf


async def close_task_of_case(
    svc: Services, principal: Principal, reference: str, task_id: int, reason: str
) -> None:
    """As ``POST /tasks/{task_id}/close`` (the same input and service), for a task of this case."""
    await case_row(svc, principal, reference)
    try:
        body = CloseTaskIn.model_validate({"reason": reason})
    except ValidationError as invalid:
        raise validation_problem(invalid) from None
    try:
        await close_task(
            svc.sessions, principal.landlord, task_id, principal.user_id, body.reason,
            reference=reference,
        )  # fmt: skip
    except TaskNotFound:
        raise Problem([(None, "There is no such task on this case.")], 404) from None
    except TaskAlreadyClosed:
        return  # a second click changes nothing


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
        try:
            action = await checked_action(svc, principal, reference, rules, fields)
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


OfficerLoad = console_queries.OfficerLoad


async def team(svc: Services, principal: Principal) -> list[OfficerLoad]:
    async with svc.sessions() as session:
        return await console_queries.team(session, principal.landlord, datetime.now(UTC))


async def officer_cases(svc: Services, principal: Principal, officer: str | None) -> list[Case]:
    async with svc.sessions() as session:
        return await console_queries.officer_cases(session, principal.landlord, officer)


async def history(svc: Services, principal: Principal, reference: str) -> list[Any]:
    """The workflow's events, payloads decoded by the client's own converter (server side)."""
    await read_case_row(svc, principal, reference, Route.CONSOLE_HISTORY)
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


async def staff_names(svc: Services, landlord: str) -> dict[str, str]:
    """Staff id -> display name, from the landlord's staff directory: the console names people
    as letters do, never by user name (an id missing from the directory is shown as it is)."""
    async with svc.sessions() as session:
        return {m.staff_id: m.display_name for m in await list_staff(session, landlord)}


async def what_if(
    svc: Services,
    principal: Principal,
    period: tuple[date, date],
    version: str | None,
    text: str | None,
    name: str,
) -> WhatIf:
    """The policy what-if of the supervisor's landlord (services/whatif.py): a packaged version
    or a policy file's text, checked as at start-up (PolicyFileError names the field)."""
    proposed = proposal_for(principal.landlord, version, text, name)
    return await run_whatif(svc.sessions, principal.landlord, period[0], period[1], proposed)
