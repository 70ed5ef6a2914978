"""Steps several action handlers share: moving the stage, re-timing clocks on a new tier,
the ASB Case Review check (R56), closing a case (R46-R51).

Handlers run on a copy of the state made by :func:`domain.machine.decide` after the guards
have passed; they change that copy and add commands to ``fx``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from domain import clocks
from domain import deadlines as dl
from domain.case import CaseReviewLimb, CaseState, Clock, Stage
from domain.commands import LetterKind, LetterValue, NotifyReason
from domain.effects import Effects
from domain.policy import ConsultBeforeClose
from domain.predicates import consultation_needed, floor_tier
from domain.stages import finish, leave_review, move
from domain.vocabulary import ConsultationOutcome

__all__ = [
    "check_case_review",
    "local_day",
    "maybe_close",
    "open_due_day",
    "raise_to_floor",
    "report_activity",
    "set_tier",
]


def set_tier(s: CaseState, tier: str, now: datetime) -> None:
    """R16: a new tier re-times the clocks that depend on it and have not been met."""
    s.tier = tier
    cal = clocks.calendar(s)
    ack = dl.acknowledgement_due(s.policy, cal, s.received_at, tier)
    clocks.retime(s, Clock.ACKNOWLEDGEMENT, ack, now)
    first = dl.first_contact_due(s.policy, cal, s.received_at, tier)
    clocks.retime(s, Clock.FIRST_CONTACT, first, now)


def raise_to_floor(s: CaseState, now: datetime, fx: Effects) -> None:
    """R24/R25: a hate or domestic-abuse flag lifts the tier to the policy's floor."""
    floor = floor_tier(s)
    if floor and s.policy.tier_rank(floor) < s.policy.tier_rank(s.tier):
        old = s.tier
        set_tier(s, floor, now)
        fx.event(
            "recategorise",
            f"Tier raised from {old} to {floor} by the case flags (R24, R25).",
            from_tier=old,
            to_tier=floor,
        )


def check_case_review(s: CaseState, now: datetime, fx: Effects) -> None:
    """R56: tell the complainant (once) when the ASB Case Review threshold is met."""
    if s.case_review.threshold_met_at is not None:
        return
    limb = _case_review_limb(s, now)
    if limb is None:
        return
    s.case_review.threshold_met_at = now
    s.case_review.limb = limb
    s.case_review.notified = fx.to_complainant(LetterKind.CASE_REVIEW_RIGHTS, limb=limb)
    fx.event(
        "case_review_threshold",
        f"ASB Case Review threshold met on {limb} (R56).",
        limb=limb,
        authority=s.policy.case_review.authority,
    )


def _case_review_limb(s: CaseState, now: datetime) -> CaseReviewLimb | None:
    rule = s.policy.case_review
    recent = [i for i in s.incidents if i.occurred_at >= now - timedelta(days=rule.window_days)]
    hate = s.prior_hate_incidents_6m + sum(1 for i in recent if i.hate)
    if s.prior_incidents_6m + len(recent) >= rule.incidents:
        return CaseReviewLimb.INCIDENTS
    if rule.hate_incidents is not None and hate >= rule.hate_incidents:
        return CaseReviewLimb.HATE_INCIDENTS
    if rule.distinct_reporters is not None and s.distinct_reporters_6m >= rule.distinct_reporters:
        return CaseReviewLimb.DISTINCT_REPORTERS
    return None


def local_day(s: CaseState, at: datetime) -> str:
    """The UK date of an instant, as a letter states it (ISO; the letter spells it out)."""
    return clocks.calendar(s).local_date(at).isoformat()


def open_due_day(s: CaseState, *wanted: Clock) -> str | None:
    """The day the first of ``wanted`` open clocks falls due: the date a letter promises."""
    for clock in wanted:
        deadline = s.deadlines.get(clock)
        if deadline is not None and deadline.open:
            return local_day(s, deadline.due_at)
    return None


def maybe_close(s: CaseState, now: datetime, fx: Effects) -> None:
    """Close once every requirement of R46 is met; otherwise say what is awaited."""
    req = s.closure
    assert req is not None
    if consultation_needed(s) and req.consultation is None:
        return
    if req.consultation is ConsultationOutcome.OBJECTS:
        if s.policy.closure.consult_before_close is ConsultBeforeClose.REQUIRED:
            return  # the officer withdraws the request or consults again
        if not req.approved_by:
            fx.notify(
                NotifyReason.APPROVAL_AWAITED,
                "Closure against the complainant's wishes awaits supervisor approval (R46).",
            )
            return
    _close(s, now, fx)


def _close(s: CaseState, now: datetime, fx: Effects) -> None:
    """R49-R51: closed with its reason recorded, the complainant told, the survey scheduled."""
    req = s.closure
    assert req is not None
    move(s, Stage.CLOSED)
    s.closed_at, s.closed_reason = now, req.reason
    clocks.meet(s, Clock.RESOLUTION_TARGET, now)  # R52
    clocks.stop_all(s, now)
    closure = s.policy.closure
    told: dict[str, LetterValue] = {
        "reason": req.reason.value,
        "actions_taken": list(req.actions_taken),
        "consulted_on": local_day(s, req.consulted_at) if req.consulted_at else None,
    }
    if closure.written_confirmation:  # Y (R46): completed actions confirmed in writing
        fx.to_complainant(LetterKind.CLOSURE_CONFIRMATION, **told)
    elif closure.notify_complainant:  # R50
        fx.to_complainant(LetterKind.CLOSURE_NOTICE, **told)
    fx.event(
        "closed",
        f"Case closed: {req.reason.value.replace('_', ' ')} (R49).",
        reason=req.reason.value,
    )
    survey_at = None if s.anonymous else dl.survey_due(s.policy, clocks.calendar(s), now)
    if survey_at is None:  # R8 anonymous, or the policy has no survey (R51)
        finish(s)
    else:
        clocks.set_deadline(s, Clock.SURVEY, survey_at, now)


def report_activity(s: CaseState, now: datetime, fx: Effects) -> None:
    """R47: contact, an incident or evidence restarts the inactivity clock, and ends a closure
    review the engine opened if no one has asked to close."""
    clocks.touch_report(s, now)
    if s.stage is Stage.CLOSURE_REVIEW and s.closure is None and s.stage_before_review:
        leave_review(s)
        s.closure_review_opened_at = None
        fx.event("closure_review_ended", "New activity: the closure review is ended (R47).")
