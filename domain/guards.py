"""Guards: may this action be taken on this case now? (design.md, update validators)

:func:`refusal` returns ``None`` or one plain-English sentence that names the stage, the policy
or the rule (R-number from asb-rules.md) that stands in the way. Guards run in layers:

1. lifecycle: a closed case takes only a survey response; hold (R17) allows only a few actions;
2. stage: the action type makes sense at the case's stage (used for ``allowed_actions``);
3. role: supervisor-only actions;
4. content: the action's own fields against the policy and the case.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from domain.actions import (
    ENFORCEMENT_REMEDIES,
    AddEvidence,
    EvidenceKind,
    RemedyKind,
)
from domain.calendar import require_aware
from domain.case import STAGE_ORDER, CaseState, Stage
from domain.clocks import calendar as calendar_of
from domain.deadlines import contract_end
from domain.errors import DomainError
from domain.policy import ClosureReason, ConsultBeforeClose, CounterAllegation, LegalGateException
from domain.triage import recategorise

__all__ = [
    "ActionRefused",
    "approval_needed",
    "consultation_needed",
    "floor_tier",
    "refusal",
    "stage_refusal",
]

Reason = str | None
StageGuard = Callable[[CaseState], Reason]
ContentGuard = Callable[[CaseState, Any, datetime], Reason]

# R17: while on hold only these may happen (the record keeps growing; the process waits).
HOLD_ALLOWED = frozenset(
    {"hold", "resume", "reassign", "recategorise", "log_incident", "add_evidence", "make_referral"}
)
SUPERVISOR_ONLY = frozenset({"approve_peia", "approve_closure", "reassign"})
MIN_FAILED_ATTEMPTS = 2  # R29/R46: attempts before a complainant counts as unreachable
# R33: evidence supplied by a person needs their informed consent.
CONSENT_REQUIRED = frozenset(
    {
        EvidenceKind.DIARY_SHEET,
        EvidenceKind.NOISE_APP,
        EvidenceKind.DOORBELL,
        EvidenceKind.PHOTO,
        EvidenceKind.STATEMENT,
    }
)
R41_REMEDIES = frozenset({RemedyKind.MEDIATION, RemedyKind.RESTORATIVE})
# R42: exceptions an officer may claim alone; the others need a supervisor.
OFFICER_EXCEPTIONS = frozenset(
    {LegalGateException.PERSON_AT_RISK, LegalGateException.CRIMINALITY_EVIDENCED}
)


class ActionRefused(DomainError):
    """An action is not allowed on this case now. ``reason`` is shown to the officer as is."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


# ---- shared predicates ------------------------------------------------------------------------


def _rank(stage: Stage) -> int:
    return STAGE_ORDER.index(stage)


def _working_stage(s: CaseState) -> Stage:
    """The stage the work is at, looking through a closure review."""
    if s.stage is Stage.CLOSURE_REVIEW and s.stage_before_review is not None:
        return s.stage_before_review
    return s.stage


def _acknowledged(s: CaseState) -> Reason:
    if s.stage is Stage.RECEIVED:
        return "The case is still at the received stage: acknowledge it first (R6, R13)."
    return None


def _plan_agreed(s: CaseState) -> Reason:
    if s.action_plan_version == 0:
        return (
            f"No action plan has been agreed (stage {s.stage.value}): agree the action plan "
            "with the complainant first (R36)."
        )
    return None


def _no_closure_pending(s: CaseState) -> Reason:
    if s.closure is not None:
        return (
            f"A closure request ({s.closure.reason.value}) is pending: withdraw it before "
            "taking further enforcement steps (R46)."
        )
    return None


def _perpetrator_known(s: CaseState) -> Reason:
    if s.perpetrator is None:
        return "No alleged perpetrator is identified on this case (R32): identify them first."
    return None


def _first(*reasons: Reason) -> Reason:
    return next((r for r in reasons if r), None)


def floor_tier(s: CaseState) -> str | None:
    """R24/R25: the lowest tier a hate or domestic-abuse case may have.

    The policy's hate / DA tier where it sets one; otherwise the highest tier (engine default:
    R25 "always high risk", R24 "a 1-WD contact timer still applies").
    """
    triage = s.policy.triage
    floors: list[str] = []
    if s.hate:
        floors.append(triage.hate_tier or s.policy.highest.code)
    if s.domestic_abuse:
        floors.append(triage.domestic_abuse_tier or s.policy.highest.code)
    return s.policy.highest_tier(floors) if floors else None


def consultation_needed(s: CaseState) -> bool:
    """R46: consult the complainant before closing (C, Y, P; B aims for consent). R8: not if
    anonymous."""
    return not s.anonymous and (
        s.policy.closure.consult_before_close is not ConsultBeforeClose.NOT_REQUIRED
    )


def approval_needed(s: CaseState) -> bool:
    """R46 (B): closing against the complainant's objection needs a supervisor, where the
    policy allows it at all (C, Y, P do not: the request stays blocked until withdrawn)."""
    override = ConsultBeforeClose.AIM_FOR_CONSENT_MANAGER_MAY_OVERRIDE
    return (
        s.closure is not None
        and s.closure.consultation == "objects"
        and s.policy.closure.consult_before_close is override
    )


def _unreachable_reason(s: CaseState) -> Reason:
    """R29, R47 (B): the complainant counts as unreachable only after enough tries."""
    needed = s.policy.contact.failed_attempts_before_letter or MIN_FAILED_ATTEMPTS
    c = s.contact
    if c.failed_attempts < needed:
        return (
            f"Only {c.failed_attempts} failed contact attempt(s) since the last contact; "
            f"{needed} are needed before the complainant counts as unreachable (R29, R46)."
        )
    if s.policy.closure.varied_contact_attempts_before_close and len(c.failed_channels) < 2:
        return (
            f"Policy {s.landlord} requires contact attempts by a variety of methods before "
            "closing (R47); every failed attempt so far used one channel."
        )
    return None


# ---- layer 1 and 2: lifecycle and stage (action type only) ----------------------------------


def _stage_guards() -> dict[str, StageGuard]:
    def open_any(s: CaseState) -> Reason:
        return None

    def stage_at_least(stage: Stage, why: str) -> StageGuard:
        def guard(s: CaseState) -> Reason:
            if _rank(_working_stage(s)) < _rank(stage):
                return f"The case is at the {s.stage.value} stage: {why}"
            return None

        return guard

    def pending(s: CaseState) -> Reason:
        if s.closure is None:
            return "There is no closure request on this case (R46): request closure first."
        return None

    def acknowledge(s: CaseState) -> Reason:
        # A closure review opened before anyone acknowledged the case does not stand in for
        # the acknowledgement (believe housing 14.4: never assume a case is resolved).
        if _working_stage(s) is not Stage.RECEIVED:
            return f"The case was already acknowledged; it is at the {s.stage.value} stage."
        return None

    after_ra = stage_at_least(Stage.ACTION_PLAN, "record the risk assessment first (R18, R36).")
    return {
        "acknowledge": acknowledge,
        "record_contact": open_any,
        "record_risk_assessment": _acknowledged,
        "agree_action_plan": lambda s: _first(
            after_ra(s),
            None if s.action_plan_version == 0 else "The action plan is already agreed: revise it.",
        ),
        "revise_action_plan": _plan_agreed,
        "invite_to_interview": _acknowledged,
        "record_interview": _acknowledged,
        "log_incident": open_any,
        "add_evidence": open_any,
        "apply_remedy": open_any,  # support runs alongside at any stage (R23)
        "make_referral": open_any,
        "complete_peia": lambda s: _first(_acknowledged(s), _no_closure_pending(s)),
        "approve_peia": lambda s: (
            None
            if s.peia.completed_at and not s.peia.approved_at
            else "There is no completed, unapproved PEIA on this case to approve (R43)."
        ),
        "start_legal_action": lambda s: _first(_acknowledged(s), _no_closure_pending(s)),
        "record_legal_outcome": lambda s: (
            None if s.legal_actions else "No legal action has been started on this case (R44)."
        ),
        "request_closure": lambda s: (
            None if s.closure is None else "A closure request is already pending (R46)."
        ),
        "record_consultation": pending,
        "approve_closure": lambda s: _first(
            pending(s),
            None
            if approval_needed(s) and s.closure and not s.closure.approved_by
            else "No supervisor approval is awaited for this closure (R46).",
        ),
        "withdraw_closure": pending,
        "reassign": open_any,
        "recategorise": open_any,
        "hold": lambda s: None if s.hold is None else "The case is already on hold (R17).",
        "resume": lambda s: None if s.hold is not None else "The case is not on hold (R17).",
        "raise_counter_allegation": _acknowledged,
        "record_survey_response": lambda s: "The case is still open: surveys follow closure (R51).",
    }


STAGE_GUARDS = _stage_guards()


def _closed_refusal(s: CaseState, action_type: str) -> Reason:
    if action_type != "record_survey_response":
        return f"The case is {s.stage.value}: only a survey response can be recorded now."
    if s.finished or s.stage is Stage.FINISHED:
        return "The case is finished: the survey has closed (R51)."
    if s.anonymous or not s.policy.survey.offered:
        anon = "the complainant is anonymous (R8)"
        why = anon if s.anonymous else f"policy {s.landlord} has none"
        return f"No survey is sent on this case: {why} (R51)."
    return None


def stage_refusal(s: CaseState, action_type: str) -> Reason:
    """Layers 1-2: whether an action of this type fits the case's lifecycle and stage."""
    if not s.is_open:
        return _closed_refusal(s, action_type)
    if s.hold is not None and action_type not in HOLD_ALLOWED:
        return (
            f"The case is on hold since {s.hold.since:%Y-%m-%d} ({s.hold.reason}): "
            f"resume it before {action_type.replace('_', ' ')} (R17)."
        )
    return STAGE_GUARDS[action_type](s)


# ---- layer 3: roles ---------------------------------------------------------------------------


def _role_refusal(action: Any) -> Reason:
    if action.type in SUPERVISOR_ONLY and action.actor.role != "supervisor":
        what = action.type.replace("_", " ")
        return f"Only a supervisor may {what}; you are {action.actor.role}."
    return None


# ---- layer 4: content -------------------------------------------------------------------------


def _tier_refusal(s: CaseState, tier: str) -> Reason:
    if tier not in s.policy.tier_codes:
        tiers = ", ".join(s.policy.tier_codes)
        return f"Tier {tier!r} is not a tier of policy {s.landlord}: {tiers} (R15)."
    floor = floor_tier(s)
    if floor is not None and s.policy.tier_rank(tier) > s.policy.tier_rank(floor):
        flag = "hate" if s.hate else "domestic abuse"
        return f"A {flag} case may not go below tier {floor!r} (R24, R25)."
    return None


def _acknowledge(s: CaseState, a: Any, now: datetime) -> Reason:
    if s.officer_id is None and a.actor.role != "officer":
        return (
            "No officer is assigned: an officer acknowledges it themselves or a supervisor "
            "reassigns it first (R6, R19)."
        )
    return None


def _record_contact(s: CaseState, a: Any, now: datetime) -> Reason:
    if a.outcome == "failed_attempt" and s.anonymous:
        return "The complainant is anonymous (R8): there is no one to attempt to contact."
    return None


def _risk_assessment(s: CaseState, a: Any, now: datetime) -> Reason:
    return _tier_refusal(s, a.tier)


def _interview(s: CaseState, a: Any, now: datetime) -> Reason:
    if a.party == "alleged_perpetrator":
        return _perpetrator_known(s)
    if s.anonymous and a.type == "invite_to_interview":
        return "The complainant is anonymous (R8): no invitation can be sent."
    return None


def _log_incident(s: CaseState, a: Any, now: datetime) -> Reason:
    if a.occurred_at > now:
        return f"The incident time {a.occurred_at:%Y-%m-%d %H:%M} is in the future."
    return None


def _add_evidence(s: CaseState, a: AddEvidence, now: datetime) -> Reason:
    if a.kind in CONSENT_REQUIRED and not a.consent:
        return f"Evidence of kind {a.kind.value} needs the provider's informed consent (R33)."
    return None


def _r41(s: CaseState, a: Any) -> Reason:
    if s.domestic_abuse:
        return f"{a.kind.value.capitalize()} is not offered in a domestic abuse case (R24, R41)."
    ok = a.both_parties_agree is True and a.serious_criminality is False
    if not (ok and a.power_imbalance is False):
        return (
            f"{a.kind.value.capitalize()} is offered only if both parties agree, there is no "
            "serious criminality and no power imbalance (R41); record all three."
        )
    return None


def _apply_remedy(s: CaseState, a: Any, now: datetime) -> Reason:
    if a.kind not in ENFORCEMENT_REMEDIES:
        return None  # support track: alongside enforcement at any open stage (R23)
    return _first(
        _acknowledged(s),
        _plan_agreed(s),
        _no_closure_pending(s),
        _perpetrator_known(s),
        _r41(s, a) if a.kind in R41_REMEDIES else None,
        _warning_refusal(s, a),
        _abc_refusal(s, a, now),
    )


def _warning_refusal(s: CaseState, a: Any) -> Reason:
    """R40: a warning cites incidents logged on this case, by the day they happened."""
    if a.warning is None:
        return None
    cal = calendar_of(s)
    logged = {cal.local_date(i.occurred_at) for i in s.incidents}
    unknown = sorted(d for d in a.warning.incident_dates if d not in logged)
    if unknown:
        days = ", ".join(d.isoformat() for d in unknown)
        known = ", ".join(d.isoformat() for d in sorted(logged))
        return f"No incident is logged on this case on {days}; logged incidents: {known} (R40)."
    return None


def _abc_refusal(s: CaseState, a: Any, now: datetime) -> Reason:
    """R40: an ABC is reviewed while it runs, not before it starts or after it ends."""
    if a.abc is None:
        return None
    start = calendar_of(s).local_date(now)
    end = contract_end(start, a.abc.length_months)
    if not start < a.abc.review_on <= end:
        return (
            f"The review date {a.abc.review_on.isoformat()} must fall after today and within "
            f"the contract, which runs to {end.isoformat()} (R40)."
        )
    return None


def _make_referral(s: CaseState, a: Any, now: datetime) -> Reason:
    if s.party(a.party) is None:
        return f"There is no {a.party.replace('_', ' ')} on this case to refer."
    if a.sharing_basis == "consent" and not a.consent:
        return "The sharing basis is consent but no consent is recorded (R22, R38)."
    return None


def _approve_peia(s: CaseState, a: Any, now: datetime) -> Reason:
    if s.peia.completed_by == a.actor.user_id:
        return "The PEIA must be approved by someone other than its author (R43)."
    return None


def _peia_refusal(s: CaseState) -> Reason:
    gate = s.policy.legal_gate
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


def _exception_refusal(s: CaseState, a: Any) -> Reason:
    gate = s.policy.legal_gate
    exc: LegalGateException = a.exception
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


def _gate_refusal(s: CaseState, a: Any) -> Reason:
    if a.exception is not None:
        return _exception_refusal(s, a)
    if s.policy.legal_gate.non_legal_first and not s.remedies:
        return (
            f"Policy {s.landlord} requires non-legal remedies first (R42) and none has been "
            "applied; apply one, or claim an exception the policy allows."
        )
    return None


def _start_legal(s: CaseState, a: Any, now: datetime) -> Reason:
    return _first(_perpetrator_known(s), _gate_refusal(s, a), _peia_refusal(s))


def _legal_outcome(s: CaseState, a: Any, now: datetime) -> Reason:
    if a.legal_action_no > len(s.legal_actions):
        return f"There is no legal action number {a.legal_action_no} on this case (R44)."
    return None


def _request_closure(s: CaseState, a: Any, now: datetime) -> Reason:
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


def _no_contact_refusal(s: CaseState, now: datetime) -> Reason:
    days = s.policy.closure.inactivity_review_days
    if days is not None and (now - s.last_report_at).days < days:
        return (
            f"Policy {s.landlord} allows closing for no contact only after {days} days without "
            f"contact, incidents or reports (R47); the last was on {s.last_report_at:%Y-%m-%d}."
        )
    return None if s.anonymous else _unreachable_reason(s)


def _record_consultation(s: CaseState, a: Any, now: datetime) -> Reason:
    if not consultation_needed(s):
        return "No consultation is needed before closing this case (R8, R46)."
    if s.closure and s.closure.consultation == "agrees":
        return "The complainant already agreed to closure (R46)."
    return _unreachable_reason(s) if a.outcome == "unreachable" else None


def _hold(s: CaseState, a: Any, now: datetime) -> Reason:
    if s.rules_revision >= 1 and s.policy.missed_sla_explanation_required and not a.reason.strip():
        return (
            f"Policy {s.landlord} requires the reason for a delay to be recorded (R17): "
            "give the reason for the hold."
        )
    return None


def _reassign(s: CaseState, a: Any, now: datetime) -> Reason:
    if a.officer_id == s.officer_id:
        return f"The case is already assigned to {a.officer_id}."
    return None


def _recategorise(s: CaseState, a: Any, now: datetime) -> Reason:
    if not a.reason.strip():
        return "A reason is required to re-categorise a case (R16)."
    refused = _tier_refusal(s, a.tier)
    if refused:
        return refused
    try:
        recategorise(s.policy, s.tier, a.tier, a.reason)
    except DomainError as exc:
        text = str(exc).rstrip(".")
        return f"{text[:1].upper()}{text[1:]} (R16)."
    return None


def _counter_allegation(s: CaseState, a: Any, now: datetime) -> Reason:
    if s.policy.counter_allegation is CounterAllegation.GNM_ROUTE:
        return (
            f"Policy {s.landlord} routes counter-allegations in neighbour disputes to Good "
            "Neighbourhood Management, not a new ASB case (R10, R31)."
        )
    if s.anonymous:
        return "The complainant is anonymous (R8): a counter-allegation cannot name them."
    unknown = [c for c in a.categories if c not in s.policy.categories]
    if unknown:
        return f"Unknown categories for policy {s.landlord}: {', '.join(unknown)} (R1, R15)."
    return _perpetrator_known(s)


CONTENT_GUARDS: dict[str, ContentGuard] = {
    "acknowledge": _acknowledge,
    "record_contact": _record_contact,
    "record_risk_assessment": _risk_assessment,
    "invite_to_interview": _interview,
    "record_interview": _interview,
    "log_incident": _log_incident,
    "add_evidence": _add_evidence,
    "apply_remedy": _apply_remedy,
    "make_referral": _make_referral,
    "complete_peia": lambda s, a, now: _perpetrator_known(s),
    "approve_peia": _approve_peia,
    "start_legal_action": _start_legal,
    "record_legal_outcome": _legal_outcome,
    "request_closure": _request_closure,
    "record_consultation": _record_consultation,
    "reassign": _reassign,
    "recategorise": _recategorise,
    "hold": _hold,
    "raise_counter_allegation": _counter_allegation,
}


def refusal(s: CaseState, action: Any, now: datetime) -> Reason:
    """The first reason the action is refused, or None when it may go ahead."""
    require_aware(now, "now")
    content = CONTENT_GUARDS.get(action.type)
    return (
        stage_refusal(s, action.type)
        or _role_refusal(action)
        or (content(s, action, now) if content else None)
    )
