"""Intake, contact, risk assessment and the action plan (R6, R13-R18, R28, R29, R36, R37)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from domain import clocks
from domain import deadlines as dl
from domain.actions.spec import ActionBase, ActionSpec, LetterFacts, Reason
from domain.case import CaseState, Clock, RiskAssessmentRecord, Stage
from domain.commands import LetterKind, LetterValue
from domain.effects import Effects
from domain.predicates import acknowledged, first, plan_agreed, tier_refusal
from domain.stages import advance
from domain.steps import open_due_day, report_activity, set_tier
from domain.vocabulary import Ref, WordingList

# ---- acknowledge --------------------------------------------------------------------------------


class Acknowledge(ActionBase):
    """R6, R13: log and acknowledge the case; names the officer (the actor if none yet)."""

    type: Literal["acknowledge"] = "acknowledge"


def _acknowledge_stage(s: CaseState) -> Reason:
    # A closure review opened before anyone acknowledged the case does not stand in for the
    # acknowledgement (believe housing 14.4: never assume a case is resolved).
    working = s.stage_before_review if s.stage is Stage.CLOSURE_REVIEW else s.stage
    if (working or s.stage) is not Stage.RECEIVED:
        return f"The case was already acknowledged; it is at the {s.stage.value} stage."
    return None


def _acknowledge_content(s: CaseState, a: Acknowledge, now: datetime) -> Reason:
    if s.officer_id is None and a.actor.role != "officer":
        return (
            "No officer is assigned: an officer acknowledges it themselves or a supervisor "
            "reassigns it first (R6, R19)."
        )
    return None


def _acknowledge(s: CaseState, a: Acknowledge, now: datetime, fx: Effects) -> None:
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


ACKNOWLEDGE = ActionSpec(
    model=Acknowledge,
    stage=_acknowledge_stage,
    content=_acknowledge_content,
    handler=_acknowledge,
    letters=(LetterFacts(LetterKind.ACKNOWLEDGEMENT, ("names_contact", "contact_by")),),
)


# ---- record contact -----------------------------------------------------------------------------


class RecordContact(ActionBase):
    """R14, R29, R37: a contact with the complainant, made or attempted."""

    type: Literal["record_contact"] = "record_contact"
    outcome: Literal["made", "failed_attempt"]
    channel: str = Field(min_length=1, max_length=40)


def _record_contact_content(s: CaseState, a: RecordContact, now: datetime) -> Reason:
    if a.outcome == "failed_attempt" and s.anonymous:
        return "The complainant is anonymous (R8): there is no one to attempt to contact."
    return None


def _record_contact(s: CaseState, a: RecordContact, now: datetime, fx: Effects) -> None:
    c = s.contact
    if a.outcome == "made":
        c.last_contact_at, c.failed_attempts, c.failed_channels = now, 0, []
        c.failed_log = []
        c.failed_letter_sent = False
        clocks.meet(s, Clock.FIRST_CONTACT, now)
        clocks.reset_cadence(s, now)
        report_activity(s, now, fx)
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


RECORD_CONTACT = ActionSpec(
    model=RecordContact,
    content=_record_contact_content,
    handler=_record_contact,
    letters=(LetterFacts(LetterKind.FAILED_CONTACT, ("attempts",)),),
)


# ---- risk assessment ----------------------------------------------------------------------------


class RecordRiskAssessment(ActionBase):
    """R18, R20: risk assessment of the complainant; may set the tier and a review date."""

    type: Literal["record_risk_assessment"] = "record_risk_assessment"
    tier: str = Field(min_length=1)
    vulnerabilities: list[Annotated[str, Field(max_length=60)]] = Field(default_factory=list)
    support_needs: list[Annotated[str, Field(max_length=60)]] = Field(default_factory=list)
    review_in_days: int | None = Field(None, ge=1, le=365, description="working days")


def _risk_assessment_content(s: CaseState, a: RecordRiskAssessment, now: datetime) -> Reason:
    return tier_refusal(s, a.tier)


def _record_risk_assessment(
    s: CaseState, a: RecordRiskAssessment, now: datetime, fx: Effects
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


RECORD_RISK_ASSESSMENT = ActionSpec(
    model=RecordRiskAssessment,
    stage=acknowledged,
    content=_risk_assessment_content,
    handler=_record_risk_assessment,
)


# ---- action plan --------------------------------------------------------------------------------


class AgreeActionPlan(ActionBase):
    """R36, R28, R37: the action plan agreed with the complainant, with a contact interval."""

    type: Literal["agree_action_plan"] = "agree_action_plan"
    agreed_contact_interval_days: int = Field(ge=1, le=365)
    summary_ref: Ref
    # R28: the actions agreed, as the letter lists them; none given, the letter waits for them.
    actions: WordingList = Field(default_factory=list)


def _agree_plan_stage(s: CaseState) -> Reason:
    working = s.stage_before_review if s.stage is Stage.CLOSURE_REVIEW else s.stage
    before_plan = (Stage.RECEIVED, Stage.RISK_ASSESSMENT)
    return first(
        f"The case is at the {s.stage.value} stage: record the risk assessment first (R18, R36)."
        if working in before_plan
        else None,
        None if s.action_plan_version == 0 else "The action plan is already agreed: revise it.",
    )


def _agree_action_plan(s: CaseState, a: AgreeActionPlan, now: datetime, fx: Effects) -> None:
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


def _plan_letter(s: CaseState, version: int, actions: list[str]) -> dict[str, LetterValue]:
    """R28, R37: the agreed actions and the next contact the cadence clock set."""
    return {
        "version": version,
        "actions": list(actions),
        "interval_days": s.contact.agreed_interval_days,
        "next_contact_by": open_due_day(s, Clock.NEXT_CONTACT),
    }


PLAN_LETTER = LetterFacts(
    LetterKind.ACTION_PLAN, ("version", "actions", "interval_days", "next_contact_by")
)

AGREE_ACTION_PLAN = ActionSpec(
    model=AgreeActionPlan,
    stage=_agree_plan_stage,
    handler=_agree_action_plan,
    letters=(PLAN_LETTER,),
)


class ReviseActionPlan(ActionBase):
    """R36 (P: updated on new information), R28: a new version, confirmed in writing."""

    type: Literal["revise_action_plan"] = "revise_action_plan"
    agreed_contact_interval_days: int | None = Field(None, ge=1, le=365)
    summary_ref: Ref
    actions: WordingList = Field(default_factory=list)  # R28


def _revise_action_plan(s: CaseState, a: ReviseActionPlan, now: datetime, fx: Effects) -> None:
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


REVISE_ACTION_PLAN = ActionSpec(
    model=ReviseActionPlan,
    stage=plan_agreed,
    handler=_revise_action_plan,
    letters=(PLAN_LETTER,),
)
