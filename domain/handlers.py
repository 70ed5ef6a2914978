"""What each accepted action does to a case: one small function per action type.

Handlers run on a copy of the state made by :func:`domain.machine.decide` after the guards in
:mod:`domain.guards` have passed; they change that copy and add commands to ``fx``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from domain import actions as act
from domain import clocks
from domain import deadlines as dl
from domain.actions import EvidenceKind, PartyRole, RemedyKind
from domain.case import (
    STAGE_ORDER,
    CaseState,
    Clock,
    ClosureRequest,
    HoldState,
    Incident,
    LegalActionRecord,
    OpenCase,
    PartyRef,
    PeiaState,
    Referral,
    RemedyRecord,
    RiskAssessmentRecord,
    Stage,
)
from domain.commands import LetterKind
from domain.effects import Effects
from domain.guards import approval_needed, consultation_needed, floor_tier
from domain.policy import ConsultBeforeClose

__all__ = ["HANDLERS", "advance", "check_case_review", "local_day", "open_due_day", "set_tier"]

Handler = Callable[[CaseState, Any, datetime, Effects], None]

NOISE_KINDS = frozenset({EvidenceKind.NOISE_MONITORING, EvidenceKind.NOISE_APP})
REMEDY_LETTERS = {
    RemedyKind.WRITTEN_WARNING: LetterKind.WARNING,  # R40
    RemedyKind.ACCEPTABLE_BEHAVIOUR_CONTRACT: LetterKind.ABC,  # R40
}


# ---- shared steps -------------------------------------------------------------------------------


def advance(s: CaseState, to: Stage) -> None:
    """Move forward to ``to`` (never back). Inside a closure review the stage to return to moves."""
    if s.stage is Stage.CLOSURE_REVIEW and s.stage_before_review is not None:
        if STAGE_ORDER.index(to) > STAGE_ORDER.index(s.stage_before_review):
            s.stage_before_review = to
        return
    if STAGE_ORDER.index(to) > STAGE_ORDER.index(s.stage):
        s.stage = to


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


def _case_review_limb(s: CaseState, now: datetime) -> Any:
    rule = s.policy.case_review
    recent = [i for i in s.incidents if i.occurred_at >= now - timedelta(days=rule.window_days)]
    hate = s.prior_hate_incidents_6m + sum(1 for i in recent if i.hate)
    if s.prior_incidents_6m + len(recent) >= rule.incidents:
        return "incidents"
    if rule.hate_incidents is not None and hate >= rule.hate_incidents:
        return "hate_incidents"
    if rule.distinct_reporters is not None and s.distinct_reporters_6m >= rule.distinct_reporters:
        return "distinct_reporters"
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


def _maybe_close(s: CaseState, now: datetime, fx: Effects) -> None:
    """Close once every requirement of R46 is met; otherwise say what is awaited."""
    req = s.closure
    assert req is not None
    if consultation_needed(s) and req.consultation is None:
        return
    if req.consultation == "objects":
        if s.policy.closure.consult_before_close is ConsultBeforeClose.REQUIRED:
            return  # the officer withdraws the request or consults again
        if not req.approved_by:
            fx.notify(
                "approval_awaited",
                "Closure against the complainant's wishes awaits supervisor approval (R46).",
            )
            return
    _close(s, now, fx)


def _close(s: CaseState, now: datetime, fx: Effects) -> None:
    """R49-R51: closed with its reason recorded, the complainant told, the survey scheduled."""
    req = s.closure
    assert req is not None
    s.stage, s.closed_at, s.closed_reason = Stage.CLOSED, now, req.reason
    clocks.meet(s, Clock.RESOLUTION_TARGET, now)  # R52
    clocks.stop_all(s, now)
    closure = s.policy.closure
    told = {
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
        s.stage, s.finished = Stage.FINISHED, True
    else:
        clocks.set_deadline(s, Clock.SURVEY, survey_at, now)


# ---- intake, contact, assessment, plan ------------------------------------------------------


def acknowledge(s: CaseState, a: act.Acknowledge, now: datetime, fx: Effects) -> None:
    s.officer_id = s.officer_id or a.actor.user_id
    s.acknowledged_at = now
    clocks.meet(s, Clock.ACKNOWLEDGEMENT, now)
    advance(s, Stage.RISK_ASSESSMENT)
    fx.to_complainant(  # R13, R14: the letter promises the first-contact deadline
        LetterKind.ACKNOWLEDGEMENT,
        names_contact=s.policy.contact.acknowledgement_names_contact,
        contact_by=open_due_day(s, Clock.FIRST_CONTACT, Clock.NEXT_CONTACT),
    )
    fx.event(
        a.type,
        f"Case acknowledged; officer {s.officer_id} is dealing with it (R13).",
        officer_id=s.officer_id,
    )


def record_contact(s: CaseState, a: act.RecordContact, now: datetime, fx: Effects) -> None:
    c = s.contact
    if a.outcome == "made":
        c.last_contact_at, c.failed_attempts, c.failed_channels = now, 0, []
        c.failed_log = []
        c.failed_letter_sent = False
        clocks.meet(s, Clock.FIRST_CONTACT, now)
        clocks.reset_cadence(s, now)
        _report_activity(s, now, fx)
        fx.event(
            a.type,
            f"Contact made with the complainant by {a.channel} (R14, R37).",
            channel=a.channel,
        )
        return
    c.failed_attempts += 1
    c.failed_channels = sorted({*c.failed_channels, a.channel})
    c.failed_log = [*c.failed_log, f"{a.channel}|{now.isoformat()}"]
    fx.event(
        a.type,
        f"Contact attempt {c.failed_attempts} by {a.channel} failed.",
        channel=a.channel,
        attempts=c.failed_attempts,
    )
    needed = s.policy.contact.failed_attempts_before_letter
    if needed and c.failed_attempts >= needed and not c.failed_letter_sent:
        c.failed_letter_sent = fx.to_complainant(
            LetterKind.FAILED_CONTACT, attempts=list(c.failed_log)
        )  # R29: the attempts as recorded


def record_risk_assessment(
    s: CaseState, a: act.RecordRiskAssessment, now: datetime, fx: Effects
) -> None:
    s.risk_assessments.append(
        RiskAssessmentRecord(
            at=now,
            by=a.actor.user_id,
            tier=a.tier,
            vulnerabilities=a.vulnerabilities,
            support_needs=a.support_needs,
        )
    )
    old = s.tier
    if a.tier != old:
        set_tier(s, a.tier, now)
    cal = clocks.calendar(s)
    due = (
        cal.working_day_deadline(now, a.review_in_days)
        if a.review_in_days
        else dl.risk_review_due(s.policy, cal, now, s.tier)
    )
    clocks.meet(s, Clock.RISK_REVIEW, now)
    clocks.set_deadline(s, Clock.RISK_REVIEW, due, now)
    advance(s, Stage.ACTION_PLAN)
    fx.event(
        a.type,
        f"Risk assessment recorded: tier {a.tier} (was {old}) (R16, R18).",
        tier=a.tier,
        previous_tier=old,
        vulnerabilities=len(a.vulnerabilities),
        support_needs=len(a.support_needs),
    )


def agree_action_plan(s: CaseState, a: act.AgreeActionPlan, now: datetime, fx: Effects) -> None:
    s.action_plan_version = 1
    s.contact.agreed_interval_days = a.agreed_contact_interval_days
    clocks.reset_cadence(s, now)
    advance(s, Stage.INVESTIGATION)
    fx.to_complainant(LetterKind.ACTION_PLAN, **_plan_letter(s, 1, a.actions))  # R28
    fx.event(
        a.type,
        f"Action plan agreed; contact every {a.agreed_contact_interval_days} "
        "days at most (R36, R37).",
        interval_days=a.agreed_contact_interval_days,
    )


def revise_action_plan(s: CaseState, a: act.ReviseActionPlan, now: datetime, fx: Effects) -> None:
    s.action_plan_version += 1
    if a.agreed_contact_interval_days is not None:
        s.contact.agreed_interval_days = a.agreed_contact_interval_days
        clocks.reset_cadence(s, now)
    fx.to_complainant(  # R28
        LetterKind.ACTION_PLAN, **_plan_letter(s, s.action_plan_version, a.actions)
    )
    fx.event(
        a.type,
        f"Action plan revised to version {s.action_plan_version} (R36).",
        version=s.action_plan_version,
    )


def _plan_letter(s: CaseState, version: int, actions: list[str]) -> dict[str, Any]:
    """R28, R37: the agreed actions and the next contact the cadence clock set."""
    return {
        "version": version,
        "actions": list(actions),
        "interval_days": s.contact.agreed_interval_days,
        "next_contact_by": open_due_day(s, Clock.NEXT_CONTACT),
    }


# ---- investigation ------------------------------------------------------------------------------


def invite_to_interview(s: CaseState, a: act.InviteToInterview, now: datetime, fx: Effects) -> None:
    party = s.party(a.party)
    assert party is not None
    appointment = a.at.isoformat() if a.at else None
    fx.letter(  # R26, R30
        LetterKind.INTERVIEW_INVITATION, party, at=appointment, place=a.place, by_phone=a.by_phone
    )
    s.interviews_invited.append(a.party)
    fx.event(
        a.type,
        f"Interview invitation to the {a.party.replace('_', ' ')} requested; the letters "
        "list shows whether it went (R26, R30).",
        party=a.party,
    )


def record_interview(s: CaseState, a: act.RecordInterview, now: datetime, fx: Effects) -> None:
    s.interviews_done.append(a.party)
    fx.event(
        a.type,
        f"Interview with the {a.party.replace('_', ' ')} recorded (R26, R30).",
        party=a.party,
        notes_ref=a.notes_ref,
    )


def log_incident(s: CaseState, a: act.LogIncident, now: datetime, fx: Effects) -> None:
    s.incidents.append(Incident(occurred_at=a.occurred_at, logged_at=now, hate=a.hate))
    fx.event(
        a.type,
        f"Incident logged{' (hate incident)' if a.hate else ''}.",
        occurred_at=a.occurred_at.isoformat(),
        hate=a.hate,
    )
    if a.hate and not s.hate:
        s.hate = True  # R25: hate flag (TSM NM01(2))
        raise_to_floor(s, now, fx)
    _report_activity(s, now, fx)
    check_case_review(s, now, fx)


def add_evidence(s: CaseState, a: act.AddEvidence, now: datetime, fx: Effects) -> None:
    first_of_kind = a.kind not in s.evidence
    s.evidence[a.kind] = s.evidence.get(a.kind, 0) + 1
    fx.event(
        a.type,
        f"Evidence added: {a.kind.value.replace('_', ' ')} (R33, R34).",
        kind=a.kind.value,
        consent=a.consent,
        evidence_ref=a.evidence_ref,
    )
    # R34 (B): the perpetrator is told in writing when monitoring is deployed or the Noise App
    # is first used.
    notify = a.kind is EvidenceKind.NOISE_MONITORING or (a.kind in NOISE_KINDS and first_of_kind)
    notice = {"evidence_kind": a.kind.value, "from": local_day(s, now)}
    if notify and fx.to_perpetrator(LetterKind.NOISE_MONITORING_NOTICE, **notice):
        s.noise_notices_sent += 1
    _report_activity(s, now, fx)


def _report_activity(s: CaseState, now: datetime, fx: Effects) -> None:
    """R47: contact, an incident or evidence restarts the inactivity clock, and ends a closure
    review the engine opened if no one has asked to close."""
    clocks.touch_report(s, now)
    if s.stage is Stage.CLOSURE_REVIEW and s.closure is None and s.stage_before_review:
        s.stage, s.stage_before_review = s.stage_before_review, None
        s.closure_review_opened_at = None
        fx.event("closure_review_ended", "New activity: the closure review is ended (R47).")


# ---- remedies, referrals, legal ---------------------------------------------------------------


def apply_remedy(s: CaseState, a: act.ApplyRemedy, now: datetime, fx: Effects) -> None:
    s.remedies.append(RemedyRecord(kind=a.kind, at=now, by=a.actor.user_id))
    track = "support" if a.kind in act.SUPPORT_REMEDIES else "enforcement"
    if track == "enforcement":
        advance(s, Stage.NON_LEGAL_REMEDIES)
    letter = REMEDY_LETTERS.get(a.kind)
    if letter is not None:
        fx.to_perpetrator(letter, **_remedy_letter(s, a, now))
    fx.event(
        a.type,
        f"Remedy applied: {a.kind.value.replace('_', ' ')} ({track} track, R40).",
        kind=a.kind.value,
        track=track,
    )


def _remedy_letter(s: CaseState, a: act.ApplyRemedy, now: datetime) -> dict[str, Any]:
    """R40: what the officer decided, and the contract's dates from the domain's own rules."""
    if a.warning is not None:
        w = a.warning
        return {
            "behaviour": w.behaviour,
            "effect": w.effect,
            "incident_dates": [d.isoformat() for d in sorted(w.incident_dates)],
            "tenancy_clauses": list(w.tenancy_clauses),
        }
    if a.abc is not None:
        start = clocks.calendar(s).local_date(now)
        return {
            "behaviour": a.abc.behaviour,
            "abc_terms": list(a.abc.terms),
            "tenancy_clauses": list(a.abc.tenancy_clauses),
            "contract_start": start.isoformat(),
            "contract_end": dl.contract_end(start, a.abc.length_months).isoformat(),
            "review_on": a.abc.review_on.isoformat(),
        }
    return {}


def make_referral(s: CaseState, a: act.MakeReferralAction, now: datetime, fx: Effects) -> None:
    party = s.party(a.party)
    party_id = party.id if party else None
    s.referrals.append(
        Referral(
            agency=a.agency,
            party_id=party_id,
            sharing_basis=a.sharing_basis,
            consent=a.consent,
            at=now,
        )
    )
    fx.referral(a.agency, party_id, a.consent, a.sharing_basis, f"referral of the {a.party}")
    fx.event(
        a.type,
        f"Referral of the {a.party.replace('_', ' ')} to {a.agency} on the basis "
        f"{a.sharing_basis} (R22, R38).",
        agency=a.agency,
        basis=a.sharing_basis,
    )


def complete_peia(s: CaseState, a: act.CompletePeia, now: datetime, fx: Effects) -> None:
    s.peia = PeiaState(completed_at=now, completed_by=a.actor.user_id, document_ref=a.document_ref)
    advance(s, Stage.PEIA)
    fx.event(
        a.type,
        "Proportionality and equality impact assessment completed (R43).",
        document_ref=a.document_ref,
    )
    if s.policy.legal_gate.peia_supervisor_approval:
        fx.notify("approval_awaited", "A PEIA awaits supervisor approval (R43).")


def approve_peia(s: CaseState, a: act.ApprovePeia, now: datetime, fx: Effects) -> None:
    s.peia.approved_at, s.peia.approved_by = now, a.actor.user_id
    fx.event(a.type, f"PEIA approved by {a.actor.user_id} (R43).")


def start_legal_action(s: CaseState, a: act.StartLegalAction, now: datetime, fx: Effects) -> None:
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


def record_legal_outcome(
    s: CaseState, a: act.RecordLegalOutcome, now: datetime, fx: Effects
) -> None:
    record = s.legal_actions[a.legal_action_no - 1]
    record.outcome, record.hearing_at = a.outcome, a.hearing_at
    fx.event(
        a.type,
        f"Legal action {record.no}: {a.outcome.value.replace('_', ' ')} (R44).",
        no=record.no,
        outcome=a.outcome.value,
        hearing_at=a.hearing_at.isoformat() if a.hearing_at else None,
    )


# ---- closure ------------------------------------------------------------------------------------


def request_closure(s: CaseState, a: act.RequestClosure, now: datetime, fx: Effects) -> None:
    s.closure = ClosureRequest(
        reason=a.reason,
        requested_at=now,
        requested_by=a.actor.user_id,
        actions_taken=list(a.actions_taken),
    )
    if s.stage is not Stage.CLOSURE_REVIEW:
        s.stage_before_review, s.stage = s.stage, Stage.CLOSURE_REVIEW
    fx.event(
        a.type,
        f"Closure requested: {a.reason.value.replace('_', ' ')} (R48).",
        reason=a.reason.value,
        consultation_needed=consultation_needed(s),
    )
    _maybe_close(s, now, fx)


def record_consultation(
    s: CaseState, a: act.RecordConsultation, now: datetime, fx: Effects
) -> None:
    assert s.closure is not None
    s.closure.consultation, s.closure.consulted_at = a.outcome, now
    s.closure.approved_by = s.closure.approved_at = None
    fx.event(
        a.type,
        f"Complainant consulted about closure: {a.outcome} (R46).",
        outcome=a.outcome,
        approval_needed=approval_needed(s),
    )
    _maybe_close(s, now, fx)


def approve_closure(s: CaseState, a: act.ApproveClosure, now: datetime, fx: Effects) -> None:
    assert s.closure is not None
    s.closure.approved_by, s.closure.approved_at = a.actor.user_id, now
    fx.event(a.type, f"Closure approved by supervisor {a.actor.user_id} (R46).")
    _maybe_close(s, now, fx)


def withdraw_closure(s: CaseState, a: act.WithdrawClosure, now: datetime, fx: Effects) -> None:
    s.closure = None
    s.stage = s.stage_before_review or s.stage
    s.stage_before_review = s.closure_review_opened_at = None
    clocks.touch_report(s, now)
    fx.event(
        a.type, f"Closure request withdrawn; back to the {s.stage.value} stage.", reason=a.reason
    )


# ---- supervision, hold, linked cases, survey --------------------------------------------------


def reassign(s: CaseState, a: act.Reassign, now: datetime, fx: Effects) -> None:
    old, s.officer_id = s.officer_id, a.officer_id
    if s.acknowledged_at is not None:  # R19: the named contact changed
        fx.to_complainant(
            LetterKind.OFFICER_CHANGED,
            names_contact=True,
            contact_by=open_due_day(s, Clock.FIRST_CONTACT, Clock.NEXT_CONTACT),
        )
    fx.event(
        a.type,
        f"Case reassigned from {old or 'nobody'} to {a.officer_id} (R19).",
        from_officer=old,
        to_officer=a.officer_id,
    )


def recategorise(s: CaseState, a: act.Recategorise, now: datetime, fx: Effects) -> None:
    old = s.tier
    set_tier(s, a.tier, now)
    fx.event(
        a.type,
        f"Tier changed from {old} to {a.tier}: {a.reason.strip()} (R16).",
        from_tier=old,
        to_tier=a.tier,
    )


def hold(s: CaseState, a: act.Hold, now: datetime, fx: Effects) -> None:
    s.hold = HoldState(since=now, reason=a.reason.strip(), by=a.actor.user_id)
    clocks.pause_all(s)
    fx.event(a.type, f"Case put on hold: {a.reason.strip()}; all clocks paused (R17).")


def resume(s: CaseState, a: act.Resume, now: datetime, fx: Effects) -> None:
    assert s.hold is not None
    seconds = clocks.resume_all(s, s.hold.since, now)
    s.paused_seconds += seconds
    s.hold = None
    fx.event(
        a.type,
        f"Case resumed: {a.reason.strip()}; clocks moved on by {seconds // 3600} "
        "hours on hold (R17).",
        paused_seconds=seconds,
    )


def raise_counter_allegation(
    s: CaseState, a: act.RaiseCounterAllegation, now: datetime, fx: Effects
) -> None:
    n = s.counters.get("linked", 0) + 1
    swapped: dict[str, PartyRole] = {
        "complainant": "alleged_perpetrator",
        "alleged_perpetrator": "complainant",
    }
    parties = [
        PartyRef(id=p.id, role=swapped[p.role], preferred_channel=p.preferred_channel)
        for p in s.parties
        if p.role in swapped
    ]
    case = OpenCase(
        reference=f"{s.reference}-C{n}",
        landlord=s.landlord,
        categories=a.categories,
        vulnerability=a.vulnerability,
        channel=a.channel,
        received_at=now,
        parties=parties,
        linked_reference=s.reference,
    )
    fx.open_linked(case)
    fx.event(
        a.type,
        f"Counter-allegation: linked case {case.reference} opened (R31).",
        linked_reference=case.reference,
    )


def record_survey_response(
    s: CaseState, a: act.RecordSurveyResponse, now: datetime, fx: Effects
) -> None:
    s.survey.score = a.score
    clocks.stop(s, Clock.SURVEY, now)
    s.stage, s.finished = Stage.FINISHED, True
    fx.event(a.type, f"Satisfaction survey answered: {a.score} of 5 (R51).", score=a.score)


HANDLERS: dict[str, Handler] = {
    "acknowledge": acknowledge,
    "record_contact": record_contact,
    "record_risk_assessment": record_risk_assessment,
    "agree_action_plan": agree_action_plan,
    "revise_action_plan": revise_action_plan,
    "invite_to_interview": invite_to_interview,
    "record_interview": record_interview,
    "log_incident": log_incident,
    "add_evidence": add_evidence,
    "apply_remedy": apply_remedy,
    "make_referral": make_referral,
    "complete_peia": complete_peia,
    "approve_peia": approve_peia,
    "start_legal_action": start_legal_action,
    "record_legal_outcome": record_legal_outcome,
    "request_closure": request_closure,
    "record_consultation": record_consultation,
    "approve_closure": approve_closure,
    "withdraw_closure": withdraw_closure,
    "reassign": reassign,
    "recategorise": recategorise,
    "hold": hold,
    "resume": resume,
    "raise_counter_allegation": raise_counter_allegation,
    "record_survey_response": record_survey_response,
}
