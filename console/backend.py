"""The console's only door into the engine: the same services the HTTP API calls (services/).

Every write goes through the services' own use cases (validation, authorisation, the workflow
update with the same idempotency), so the console adds no rule of its own; this module turns
the services' refusals into :class:`Problem` pages, worded as the API words them
(edge/answers.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from fastapi import HTTPException
from pydantic import BaseModel, ValidationError
from temporalio.service import RPCError, RPCStatusCode

from contracts.view import CaseView
from core.agencies import agency_codes
from core.bank_holidays import calendar_for
from core.policies import load_policy
from domain.actions import ActionRules, rules_for
from domain.calendar import WorkingCalendar
from domain.errors import UnknownValueError
from domain.policy import PolicyProfile
from domain.triage import TriageResult, VulnerabilityAnswers, triage
from edge.access import reader
from edge.answers import http_error
from edge.auth import Principal
from edge.deps import Services
from edge.errors import unavailable
from edge.idempotency import KEY_HEADER
from edge.outbox import Taken, take_report
from edge.schemas import CaseOut, CloseTaskIn, OpenCaseIn, case_out, new_report
from services import actions, casework, oversight, reports, staff
from services import cases as case_service
from services.access import AccessNotRecorded, Route
from services.casework import Case, CaseRecord, MyCasesPage, OfficerLoad
from services.errors import ServiceError
from services.idempotency import fingerprint
from services.oversight import EscalationRow
from services.tasks import TaskAlreadyClosed, TaskNotFound, close_case_task
from services.whatif import WhatIf, proposal_for, what_if_for

__all__ = ["Case", "CaseRecord", "OfficerLoad"]

PAGE_SIZE = 25
# An outage of the database or Temporal, in a person's words (docs/outages.md).
UNAVAILABLE = (
    "Part of the system is not responding at the moment, so this could not be done. "
    "Nothing has been changed. Try again in a few minutes."
)
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


def refusal(error: ServiceError | AccessNotRecorded) -> Problem:
    """A service's refusal as the API would answer it, for the page's error summary."""
    if isinstance(error, AccessNotRecorded):
        return Problem([(None, NOT_RECORDED)], 503)
    return _problem(http_error(error))


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


CaseListing = MyCasesPage


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
    wanted = casework.MyCasesFilter(
        principal.landlord, principal.user_id, who, stage, tier, status, flag, q, me.restricted_to
    )
    windows = casework.Windows(b.now, b.end_of_today, b.soon)
    try:
        listing = await casework.my_cases(svc, me, wanted, windows, page, PAGE_SIZE)
    except AccessNotRecorded as error:
        raise refusal(error) from None
    return listing, b


# ---- one case -------------------------------------------------------------------------------


async def case_row(svc: Services, principal: Principal, reference: str) -> Case:
    """The read-model row; 404 (as the API) when unknown, another landlord's or restricted
    away from the user."""
    try:
        return await casework.visible(svc, reader(principal), reference)
    except ServiceError as error:
        raise refusal(error) from None


async def case_record(svc: Services, principal: Principal, reference: str) -> CaseRecord:
    """The case page's record, the case's row read once (404 or 503 first)."""
    try:
        return await casework.case_record(svc, reader(principal), reference)
    except (ServiceError, AccessNotRecorded) as error:
        raise refusal(error) from None


async def letter_pdf(svc: Services, principal: Principal, reference: str, letter_id: int) -> bytes:
    try:
        return await casework.letter_document(svc, reader(principal), reference, letter_id)
    except (ServiceError, AccessNotRecorded) as error:
        raise refusal(error) from None


async def close_task_of_case(
    svc: Services, principal: Principal, reference: str, task_id: int, reason: str
) -> None:
    """As ``POST /tasks/{task_id}/close`` (the same input and service), for a task of this case."""
    try:
        body = CloseTaskIn.model_validate({"reason": reason})
    except ValidationError as invalid:
        raise validation_problem(invalid) from None
    try:
        await close_case_task(svc, reader(principal), reference, task_id, body.reason)
    except ServiceError as error:
        raise refusal(error) from None
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
) -> CaseView:
    """As ``POST /cases/{reference}/actions/{action_type}`` with an Idempotency-Key: the same
    use case (services/actions.py), which reads the case once."""
    rules = action_rules(action_type)
    try:
        return await actions.take_action(svc, reader(principal), reference, rules, fields, key)
    except ValidationError as invalid:
        raise validation_problem(invalid) from None
    except ServiceError as error:
        raise refusal(error) from None
    except RPCError as error:
        raise _problem(unavailable(error)) from None


async def open_report(svc: Services, body: dict[str, Any], scope: str, key: str | None) -> CaseOut:
    """As ``POST /cases`` (staff, ``staff_scope``) or ``POST /public/reports`` (channel web,
    ``public_scope``): the idempotency key is the caller's own within its scope."""
    try:
        intake = OpenCaseIn.model_validate(body)
    except ValidationError as invalid:
        raise validation_problem(invalid) from None
    request = fingerprint("open_case", intake.model_dump(mode="json"))
    try:
        view = await case_service.start_case(svc, new_report(intake), scope, key, request)
    except ServiceError as error:
        raise refusal(error) from None
    except RPCError as error:
        raise _problem(unavailable(error)) from None
    return case_out(view)


async def take_public_report(
    app: Any, svc: Services, body: dict[str, Any], scope: str, key: str | None
) -> Taken:
    """A resident's report from the form, as ``POST /public/reports``: kept in the outbox
    first, so an outage delays its case but never loses it (edge/outbox.py)."""
    try:
        intake = OpenCaseIn.model_validate(body)
    except ValidationError as invalid:
        raise validation_problem(invalid) from None
    try:
        return await take_report(app, svc, intake, scope, key)
    except ServiceError as error:
        raise refusal(error) from None


def triage_of(landlord: str, categories: list[str], answers: VulnerabilityAnswers) -> TriageResult:
    return triage(load_policy(landlord), categories, answers)


# ---- oversight ------------------------------------------------------------------------------


async def escalations(svc: Services, principal: Principal) -> list[EscalationRow]:
    return await oversight.open_escalations(svc, principal.landlord)


async def approvals(svc: Services, principal: Principal) -> list[Case]:
    return await oversight.awaiting_approval(svc, principal.landlord)


async def team(svc: Services, principal: Principal) -> list[OfficerLoad]:
    return await casework.team(svc, principal.landlord)


async def officer_cases(svc: Services, principal: Principal, officer: str | None) -> list[Case]:
    return await casework.officer_cases(svc, principal.landlord, officer)


async def history(svc: Services, principal: Principal, reference: str) -> list[Any]:
    """The workflow's events, payloads decoded by the client's own converter (server side)."""
    try:
        found = await oversight.history(svc, reader(principal), reference, Route.CONSOLE_HISTORY)
    except (ServiceError, AccessNotRecorded) as error:
        raise refusal(error) from None
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            raise Problem([(None, "We cannot find that case.")], 404) from None
        raise Problem([(None, UNAVAILABLE)], 503) from None
    return list(found.events)


async def report_tables(
    svc: Services, principal: Principal, start: date, end: date, homes: int
) -> dict[str, Any]:
    begin = datetime.combine(start, time.min, UTC)
    finish = datetime.combine(end, time.max, UTC)
    return await reports.gather(svc, principal.landlord, begin, finish, homes)


async def staff_names(svc: Services, landlord: str) -> dict[str, str]:
    """Staff id -> display name, from the landlord's staff directory: the console names people
    as letters do, never by user name (an id missing from the directory is shown as it is)."""
    return await staff.names(svc, landlord)


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
    return await what_if_for(svc, principal.landlord, period[0], period[1], proposed)
