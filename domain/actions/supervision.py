"""Who holds the case, its tier, and pausing it (R16, R17, R19)."""

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
from domain.case import CaseState, Clock, HoldState
from domain.commands import LetterKind
from domain.effects import Effects
from domain.errors import DomainError
from domain.predicates import tier_refusal
from domain.steps import open_due_day, set_tier
from domain.triage import recategorise
from domain.vocabulary import Text

# ---- reassign -----------------------------------------------------------------------------------


class Reassign(ActionBase):
    """R19: give the case to another named officer (supervisor only)."""

    type: Literal["reassign"] = "reassign"
    officer_id: str = Field(min_length=1, max_length=100)


def _reassign_content(s: CaseState, a: Reassign, now: datetime) -> Reason:
    if a.officer_id == s.officer_id:
        return f"The case is already assigned to {a.officer_id}."
    return None


def _reassign(s: CaseState, a: Reassign, now: datetime, fx: Effects) -> None:
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


REASSIGN = ActionSpec(
    model=Reassign,
    roles=SUPERVISORS,
    content=_reassign_content,
    handler=_reassign,
    progress=False,
    on_hold=True,
    letters=(LetterFacts(LetterKind.OFFICER_CHANGED, ("names_contact", "contact_by")),),
)


# ---- recategorise -------------------------------------------------------------------------------


class Recategorise(ActionBase):
    """R16: change the risk tier, with a reason."""

    type: Literal["recategorise"] = "recategorise"
    tier: str = Field(min_length=1)
    reason: Text


def _recategorise_content(s: CaseState, a: Recategorise, now: datetime) -> Reason:
    if not a.reason.strip():
        return "A reason is required to re-categorise a case (R16)."
    refused = tier_refusal(s, a.tier)
    if refused:
        return refused
    try:
        recategorise(s.policy, s.tier, a.tier, a.reason)
    except DomainError as exc:
        text = str(exc).rstrip(".")
        return f"{text[:1].upper()}{text[1:]} (R16)."
    return None


def _recategorise(s: CaseState, a: Recategorise, now: datetime, fx: Effects) -> None:
    old = s.tier
    set_tier(s, a.tier, now)
    fx.event(
        a.type,
        f"Tier changed from {old} to {a.tier}: {a.reason.strip()} (R16).",
        from_tier=old,
        to_tier=a.tier,
    )


RECATEGORISE = ActionSpec(
    model=Recategorise, content=_recategorise_content, handler=_recategorise, on_hold=True
)


# ---- hold and resume (R17) ----------------------------------------------------------------------


class Hold(ActionBase):
    """R17: pause every SLA clock, with a reason (e.g. reporter unavailable)."""

    type: Literal["hold"] = "hold"
    reason: Text


def _hold_stage(s: CaseState) -> Reason:
    return None if s.hold is None else "The case is already on hold (R17)."


def _hold_content(s: CaseState, a: Hold, now: datetime) -> Reason:
    if s.rules_revision >= 1 and s.policy.missed_sla_explanation_required and not a.reason.strip():
        return (
            f"Policy {s.landlord} requires the reason for a delay to be recorded (R17): "
            "give the reason for the hold."
        )
    return None


def _hold(s: CaseState, a: Hold, now: datetime, fx: Effects) -> None:
    s.hold = HoldState(since=now, reason=a.reason.strip(), by=a.actor.user_id)
    clocks.pause_all(s)
    fx.event(a.type, f"Case put on hold: {a.reason.strip()}; all clocks paused (R17).")


HOLD = ActionSpec(
    model=Hold,
    stage=_hold_stage,
    content=_hold_content,
    handler=_hold,
    progress=False,
    on_hold=True,
)


class Resume(ActionBase):
    """R17: restart the clocks; deadlines move on by the time spent on hold."""

    type: Literal["resume"] = "resume"
    reason: Text


def _resume_stage(s: CaseState) -> Reason:
    return None if s.hold is not None else "The case is not on hold (R17)."


def _resume(s: CaseState, a: Resume, now: datetime, fx: Effects) -> None:
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


RESUME = ActionSpec(
    model=Resume, stage=_resume_stage, handler=_resume, progress=False, on_hold=True
)
