"""The PEIA and legal action (R42-R44)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, StringConstraints

from domain.actions.spec import SUPERVISORS, ActionBase, ActionSpec, Reason
from domain.case import CaseState, LegalActionRecord, PeiaState, Stage
from domain.effects import Effects
from domain.policy import LegalGateException
from domain.predicates import acknowledged, first, no_closure_pending, perpetrator_known
from domain.stages import advance
from domain.vocabulary import LegalActionKind, LegalOutcome, Ref

# R42: exceptions an officer may claim alone; the others need a supervisor.
OFFICER_EXCEPTIONS = frozenset(
    {LegalGateException.PERSON_AT_RISK, LegalGateException.CRIMINALITY_EVIDENCED}
)


def _no_enforcement_block(s: CaseState) -> Reason:
    return first(acknowledged(s), no_closure_pending(s))


# ---- PEIA (R43) ---------------------------------------------------------------------------------


class CompletePeia(ActionBase):
    """R43: proportionality and equality impact assessment completed."""

    type: Literal["complete_peia"] = "complete_peia"
    document_ref: Ref


def _complete_peia_content(s: CaseState, a: CompletePeia, now: datetime) -> Reason:
    return perpetrator_known(s)


def _complete_peia(s: CaseState, a: CompletePeia, now: datetime, fx: Effects) -> None:
    s.peia = PeiaState(completed_at=now, completed_by=a.actor.user_id, document_ref=a.document_ref)
    advance(s, Stage.PEIA)
    fx.event(
        a.type,
        "Proportionality and equality impact assessment completed (R43).",
        document_ref=a.document_ref,
    )
    if s.policy.legal_gate.peia_supervisor_approval:
        fx.notify("approval_awaited", "A PEIA awaits supervisor approval (R43).")


COMPLETE_PEIA = ActionSpec(
    model=CompletePeia,
    stage=_no_enforcement_block,
    content=_complete_peia_content,
    handler=_complete_peia,
)


class ApprovePeia(ActionBase):
    """R43: supervisor approval of the PEIA (supervisor only, not its author)."""

    type: Literal["approve_peia"] = "approve_peia"


def _undecided_peia(verb: str) -> Callable[[CaseState], Reason]:
    def stage(s: CaseState) -> Reason:
        if s.peia.completed_at and not s.peia.approved_at and not s.peia.declined_at:
            return None
        return f"There is no completed, undecided PEIA on this case to {verb} (R43)."

    return stage


def _approve_peia_content(s: CaseState, a: ApprovePeia, now: datetime) -> Reason:
    if s.peia.completed_by == a.actor.user_id:
        return "The PEIA must be approved by someone other than its author (R43)."
    return None


def _approve_peia(s: CaseState, a: ApprovePeia, now: datetime, fx: Effects) -> None:
    s.peia.approved_at, s.peia.approved_by = now, a.actor.user_id
    fx.event(a.type, f"PEIA approved by {a.actor.user_id} (R43).")


APPROVE_PEIA = ActionSpec(
    model=ApprovePeia,
    roles=SUPERVISORS,
    stage=_undecided_peia("approve"),
    content=_approve_peia_content,
    handler=_approve_peia,
)


# A reason a supervisor writes for the record (no personal data, like every Text); never blank.
DeclineReason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)
]


class DeclinePeia(ActionBase):
    """R43: a supervisor declines the PEIA, with a reason; legal action stays refused until a
    new PEIA is completed and approved."""

    type: Literal["decline_peia"] = "decline_peia"
    reason: DeclineReason


def _decline_peia(s: CaseState, a: DeclinePeia, now: datetime, fx: Effects) -> None:
    s.peia.declined_at, s.peia.declined_by = now, a.actor.user_id
    fx.event(
        a.type,
        f"PEIA declined by {a.actor.user_id} (R43); a new PEIA is needed before legal action.",
        reason=a.reason,
        document_ref=s.peia.document_ref,
    )


DECLINE_PEIA = ActionSpec(
    model=DeclinePeia,
    roles=SUPERVISORS,
    stage=_undecided_peia("decline"),
    handler=_decline_peia,
)


# ---- legal action (R42, R44) --------------------------------------------------------------------


class StartLegalAction(ActionBase):
    """R42-R44: start formal legal action, optionally on an exception to the legal gate."""

    type: Literal["start_legal_action"] = "start_legal_action"
    kind: LegalActionKind
    exception: LegalGateException | None = None


def _peia_refusal(s: CaseState) -> Reason:
    gate = s.policy.legal_gate
    if s.peia.declined_at is not None:
        return (
            "The PEIA on this case was declined by a supervisor (R43); complete a new PEIA "
            "and have it approved before legal action."
        )
    if gate.peia_required and s.peia.completed_at is None:
        return (
            f"Legal action needs a completed PEIA under policy {s.landlord} (R43); "
            "this case has none."
        )
    if gate.peia_supervisor_approval and s.peia.approved_at is None:
        return (
            f"Legal action needs the PEIA approved by a supervisor under policy {s.landlord} "
            "(R43); it is not approved yet."
        )
    return None


def _exception_refusal(s: CaseState, a: StartLegalAction, exc: LegalGateException) -> Reason:
    gate = s.policy.legal_gate
    if exc not in gate.exceptions:
        allowed = ", ".join(e.value for e in gate.exceptions) or "none"
        return (
            f"Policy {s.landlord} does not allow the exception {exc.value} (R42); "
            f"allowed: {allowed}."
        )
    if exc is LegalGateException.CRIMINALITY_EVIDENCED and not s.evidence:
        return "The criminality_evidenced exception needs evidence on the case (R42, R33)."
    if exc not in OFFICER_EXCEPTIONS and a.actor.role != "supervisor":
        return f"The {exc.value} exception needs a supervisor to start the legal action (R42)."
    return None


def _gate_refusal(s: CaseState, a: StartLegalAction) -> Reason:
    if a.exception is not None:
        return _exception_refusal(s, a, a.exception)
    if s.policy.legal_gate.non_legal_first and not s.remedies:
        return (
            f"Policy {s.landlord} requires non-legal remedies first (R42) and none has been "
            "applied; apply one, or claim an exception the policy allows."
        )
    return None


def _start_legal_content(s: CaseState, a: StartLegalAction, now: datetime) -> Reason:
    return first(perpetrator_known(s), _gate_refusal(s, a), _peia_refusal(s))


def _start_legal_action(s: CaseState, a: StartLegalAction, now: datetime, fx: Effects) -> None:
    no = len(s.legal_actions) + 1
    s.legal_actions.append(
        LegalActionRecord(
            no=no, kind=a.kind, exception=a.exception, started_at=now, by=a.actor.user_id
        )
    )
    advance(s, Stage.LEGAL_ACTION)
    why = f" on the exception {a.exception.value} (R42)" if a.exception else ""
    fx.event(
        a.type,
        f"Legal action {no} started: {a.kind.value.replace('_', ' ')}{why} (R44).",
        no=no,
        kind=a.kind.value,
        exception=a.exception.value if a.exception else None,
    )


START_LEGAL_ACTION = ActionSpec(
    model=StartLegalAction,
    stage=_no_enforcement_block,
    content=_start_legal_content,
    handler=_start_legal_action,
)


class RecordLegalOutcome(ActionBase):
    """R44: a hearing or an outcome of one legal action (numbered from 1 in the case)."""

    type: Literal["record_legal_outcome"] = "record_legal_outcome"
    legal_action_no: int = Field(ge=1)
    outcome: LegalOutcome
    hearing_at: AwareDatetime | None = None


def _legal_outcome_stage(s: CaseState) -> Reason:
    return None if s.legal_actions else "No legal action has been started on this case (R44)."


def _legal_outcome_content(s: CaseState, a: RecordLegalOutcome, now: datetime) -> Reason:
    if a.legal_action_no > len(s.legal_actions):
        return f"There is no legal action number {a.legal_action_no} on this case (R44)."
    return None


def _record_legal_outcome(s: CaseState, a: RecordLegalOutcome, now: datetime, fx: Effects) -> None:
    record = s.legal_actions[a.legal_action_no - 1]
    record.outcome, record.hearing_at = a.outcome, a.hearing_at
    fx.event(
        a.type,
        f"Legal action {record.no}: {a.outcome.value.replace('_', ' ')} (R44).",
        no=record.no,
        outcome=a.outcome.value,
        hearing_at=a.hearing_at.isoformat() if a.hearing_at else None,
    )


RECORD_LEGAL_OUTCOME = ActionSpec(
    model=RecordLegalOutcome,
    stage=_legal_outcome_stage,
    content=_legal_outcome_content,
    handler=_record_legal_outcome,
)
