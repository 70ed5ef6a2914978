"""Closing a case and the satisfaction survey (R46-R51)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from domain import clocks
from domain.actions.spec import (
    SUPERVISORS,
    ActionBase,
    ActionSpec,
    LetterFacts,
    Reason,
)
from domain.case import CaseState, Clock, ClosureRequest, Stage
from domain.commands import LetterKind
from domain.effects import Effects
from domain.policy import ClosureReason
from domain.predicates import approval_needed, consultation_needed, first, unreachable_reason
from domain.stages import enter_review, finish, leave_review
from domain.steps import maybe_close
from domain.vocabulary import ConsultationOutcome, Text, WordingList

# R46, R50: the letters a closing decision may send.
CLOSING_LETTERS = (
    LetterFacts(LetterKind.CLOSURE_CONFIRMATION, ("reason", "actions_taken", "consulted_on")),
    LetterFacts(LetterKind.CLOSURE_NOTICE, ("reason", "actions_taken", "consulted_on")),
)


def _pending(s: CaseState) -> Reason:
    if s.closure is None:
        return "There is no closure request on this case (R46): request closure first."
    return None


# ---- request ------------------------------------------------------------------------------------


class RequestClosure(ActionBase):
    """R46-R49: ask to close the case for a reason the policy recognises."""

    type: Literal["request_closure"] = "request_closure"
    reason: ClosureReason
    # R46, R50: what was done, as the closure letter confirms it to the complainant.
    actions_taken: WordingList = Field(default_factory=list)


def _request_closure_stage(s: CaseState) -> Reason:
    return None if s.closure is None else "A closure request is already pending (R46)."


def _no_contact_refusal(s: CaseState, now: datetime) -> Reason:
    days = s.policy.closure.inactivity_review_days
    if days is not None and (now - s.last_report_at).days < days:
        return (
            f"Policy {s.landlord} allows closing for no contact only after {days} days without "
            f"contact, incidents or reports (R47); the last was on {s.last_report_at:%Y-%m-%d}."
        )
    return None if s.anonymous else unreachable_reason(s)


def _request_closure_content(s: CaseState, a: RequestClosure, now: datetime) -> Reason:
    reasons = s.policy.closure.reasons
    if a.reason not in reasons:
        allowed = ", ".join(r.value for r in reasons)
        return (
            f"Policy {s.landlord} does not list {a.reason.value} as a closure reason (R48); "
            f"allowed: {allowed}."
        )
    if a.reason is ClosureReason.NO_FURTHER_CONTACT:
        return _no_contact_refusal(s, now)
    return None


def _request_closure(s: CaseState, a: RequestClosure, now: datetime, fx: Effects) -> None:
    s.closure = ClosureRequest(
        reason=a.reason,
        requested_at=now,
        requested_by=a.actor.user_id,
        actions_taken=list(a.actions_taken),
    )
    if s.stage is not Stage.CLOSURE_REVIEW:
        enter_review(s)
    fx.event(
        a.type,
        f"Closure requested: {a.reason.value.replace('_', ' ')} (R48).",
        reason=a.reason.value,
        consultation_needed=consultation_needed(s),
    )
    maybe_close(s, now, fx)


REQUEST_CLOSURE = ActionSpec(
    model=RequestClosure,
    stage=_request_closure_stage,
    content=_request_closure_content,
    handler=_request_closure,
    letters=CLOSING_LETTERS,
)


# ---- consultation and approval (R46) ------------------------------------------------------------


class RecordConsultation(ActionBase):
    """R46: the complainant consulted about closure."""

    type: Literal["record_consultation"] = "record_consultation"
    outcome: ConsultationOutcome


def _record_consultation_content(s: CaseState, a: RecordConsultation, now: datetime) -> Reason:
    if not consultation_needed(s):
        return "No consultation is needed before closing this case (R8, R46)."
    if s.closure and s.closure.consultation == "agrees":
        return "The complainant already agreed to closure (R46)."
    return unreachable_reason(s) if a.outcome == "unreachable" else None


def _record_consultation(s: CaseState, a: RecordConsultation, now: datetime, fx: Effects) -> None:
    assert s.closure is not None
    s.closure.consultation, s.closure.consulted_at = a.outcome, now
    s.closure.approved_by = s.closure.approved_at = None
    fx.event(
        a.type,
        f"Complainant consulted about closure: {a.outcome} (R46).",
        outcome=a.outcome,
        approval_needed=approval_needed(s),
    )
    maybe_close(s, now, fx)


RECORD_CONSULTATION = ActionSpec(
    model=RecordConsultation,
    stage=_pending,
    content=_record_consultation_content,
    handler=_record_consultation,
    letters=CLOSING_LETTERS,
)


class ApproveClosure(ActionBase):
    """R46 (B): supervisor approval to close (e.g. against the complainant's wishes)."""

    type: Literal["approve_closure"] = "approve_closure"


def _approve_closure_stage(s: CaseState) -> Reason:
    awaited = approval_needed(s) and s.closure and not s.closure.approved_by
    return first(
        _pending(s),
        None if awaited else "No supervisor approval is awaited for this closure (R46).",
    )


def _approve_closure(s: CaseState, a: ApproveClosure, now: datetime, fx: Effects) -> None:
    assert s.closure is not None
    s.closure.approved_by, s.closure.approved_at = a.actor.user_id, now
    fx.event(a.type, f"Closure approved by supervisor {a.actor.user_id} (R46).")
    maybe_close(s, now, fx)


APPROVE_CLOSURE = ActionSpec(
    model=ApproveClosure,
    roles=SUPERVISORS,
    stage=_approve_closure_stage,
    handler=_approve_closure,
    letters=CLOSING_LETTERS,
)


class WithdrawClosure(ActionBase):
    """Withdraw a pending closure request; the case returns to its previous stage."""

    type: Literal["withdraw_closure"] = "withdraw_closure"
    reason: Text


def _withdraw_closure(s: CaseState, a: WithdrawClosure, now: datetime, fx: Effects) -> None:
    s.closure = None
    leave_review(s)
    s.closure_review_opened_at = None
    clocks.touch_report(s, now)
    fx.event(
        a.type, f"Closure request withdrawn; back to the {s.stage.value} stage.", reason=a.reason
    )


WITHDRAW_CLOSURE = ActionSpec(model=WithdrawClosure, stage=_pending, handler=_withdraw_closure)


# ---- survey (R51) -------------------------------------------------------------------------------


class RecordSurveyResponse(ActionBase):
    """R51: the complainant's satisfaction score (a local measure, not TSM TP12)."""

    type: Literal["record_survey_response"] = "record_survey_response"
    score: int = Field(ge=1, le=5)


def _survey_stage(s: CaseState) -> Reason:
    return "The case is still open: surveys follow closure (R51)."


def _record_survey_response(
    s: CaseState, a: RecordSurveyResponse, now: datetime, fx: Effects
) -> None:
    s.survey.score = a.score
    clocks.stop(s, Clock.SURVEY, now)
    finish(s)
    fx.event(a.type, f"Satisfaction survey answered: {a.score} of 5 (R51).", score=a.score)


RECORD_SURVEY_RESPONSE = ActionSpec(
    model=RecordSurveyResponse,
    stage=_survey_stage,
    handler=_record_survey_response,
    progress=False,
)
