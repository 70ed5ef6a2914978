"""Realistic officer journeys for the policy what-if: the fidelity test drives them through the
real workflow, the benchmark records thousands of them (scripts/whatif_bench.py).

A journey is a list of steps, each an action and how long after the previous step it comes.
Steps are what an officer would do on an ordinary case: acknowledge, contact, assess, plan,
log incidents and evidence, warn, and close; some cases go on hold, are recategorised, reach a
closure review through inactivity, or go to court after a PEIA.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from domain.actions import (
    Acknowledge,
    Action,
    Actor,
    AddEvidence,
    AgreeActionPlan,
    ApplyRemedy,
    ApprovePeia,
    CompletePeia,
    EvidenceKind,
    Hold,
    LegalActionKind,
    LogIncident,
    Recategorise,
    RecordConsultation,
    RecordContact,
    RecordLegalOutcome,
    RecordRiskAssessment,
    RemedyKind,
    RequestClosure,
    Resume,
    StartLegalAction,
    WarningTerms,
)
from domain.actions.closure import ApproveClosure
from domain.policy import ClosureReason, PolicyProfile

__all__ = ["JOURNEYS", "OFFICER", "SUPERVISOR", "Step", "journey"]

OFFICER = Actor(user_id="officer.jones", role="officer")
SUPERVISOR = Actor(user_id="supervisor.khan", role="supervisor")
Step = tuple[timedelta, Action]
ACTIONS_TAKEN = ["We interviewed the household responsible and gave a warning."]


def _h(hours: float) -> timedelta:
    return timedelta(hours=hours)


def _closure_reason(policy: PolicyProfile) -> ClosureReason:
    """R48: a ground the policy recognises for a case where the ASB has stopped."""
    for reason in (ClosureReason.ASB_STOPPED, ClosureReason.COMPLAINANT_REPORTS_CEASED):
        if reason in policy.closure.reasons:
            return reason
    return policy.closure.reasons[0]


def _opening(policy: PolicyProfile, received: date, late: float) -> list[Step]:
    return [
        (_h(1 + late), Acknowledge(actor=OFFICER)),
        (_h(20 + late * 3), RecordContact(actor=OFFICER, outcome="made", channel="phone")),
        (
            _h(2),
            RecordRiskAssessment(actor=OFFICER, tier=policy.tiers[-1].code, vulnerabilities=[]),
        ),
        (
            _h(1),
            AgreeActionPlan(actor=OFFICER, agreed_contact_interval_days=14, summary_ref="plan-1"),
        ),
        (_h(30), LogIncident(actor=OFFICER, occurred_at=_noon(received))),
        (_h(24), AddEvidence(actor=OFFICER, kind=EvidenceKind.DIARY_SHEET, consent=True)),
    ]


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), UTC)


def _closing(policy: PolicyProfile, gap: float) -> list[Step]:
    return [
        (_h(gap), RecordContact(actor=OFFICER, outcome="made", channel="phone")),
        (
            _h(2),
            RequestClosure(
                actor=OFFICER, reason=_closure_reason(policy), actions_taken=ACTIONS_TAKEN
            ),
        ),
        (_h(24), RecordConsultation(actor=OFFICER, outcome="agrees")),
        (_h(4), ApproveClosure(actor=SUPERVISOR)),
    ]


def _warning(received: date) -> ApplyRemedy:
    return ApplyRemedy(
        actor=OFFICER,
        kind=RemedyKind.WRITTEN_WARNING,
        warning=WarningTerms(
            behaviour="loud music played after midnight",
            incident_dates=[received],
            tenancy_clauses=["Clause 4.1: not to cause a nuisance or annoyance to neighbours"],
        ),
    )


def ordinary(policy: PolicyProfile, received: date, rng: random.Random) -> list[Step]:
    late = rng.choice((0, 0, 0, 30, 80))
    return [
        *_opening(policy, received, late),
        (_h(rng.uniform(100, 300)), RecordContact(actor=OFFICER, outcome="made", channel="email")),
        (_h(48), _warning(received)),
        *_closing(policy, rng.uniform(200, 500)),
    ]


def on_hold(policy: PolicyProfile, received: date, rng: random.Random) -> list[Step]:
    return [
        *_opening(policy, received, 0)[:2],
        (_h(rng.uniform(20, 60)), Hold(actor=OFFICER, reason="complainant in hospital")),
        (_h(rng.uniform(100, 400)), Resume(actor=OFFICER, reason="complainant home again")),
        *_opening(policy, received, 0)[2:],
        *_closing(policy, rng.uniform(100, 300)),
    ]


def recategorised(policy: PolicyProfile, received: date, rng: random.Random) -> list[Step]:
    steps = _opening(policy, received, 0)
    highest = Recategorise(actor=SUPERVISOR, tier=policy.tiers[0].code, reason="threats made")
    return [steps[0], (_h(rng.uniform(2, 20)), highest), *steps[1:], *_closing(policy, 300)]


def inactive(policy: PolicyProfile, received: date, rng: random.Random) -> list[Step]:
    """Nobody reports anything for six weeks: where the policy says so, a review opens (R47)."""
    return [*_opening(policy, received, 0)[:2], *_closing(policy, 24 * rng.uniform(40, 50))]


def legal(policy: PolicyProfile, received: date, rng: random.Random) -> list[Step]:
    """R42-R44: warned, then to court; the PEIA and its approval only where the policy asks."""
    gate = policy.legal_gate
    peia: list[Step] = []
    if gate.peia_required:
        peia.append((_h(rng.uniform(100, 300)), CompletePeia(actor=OFFICER, document_ref="p-1")))
    if gate.peia_supervisor_approval:
        peia.append((_h(24), ApprovePeia(actor=SUPERVISOR)))
    return [
        *_opening(policy, received, 0),
        (_h(48), _warning(received)),
        *peia,
        (_h(24), StartLegalAction(actor=OFFICER, kind=LegalActionKind.INJUNCTION)),
        (_h(24 * 30), RecordLegalOutcome(actor=OFFICER, legal_action_no=1, outcome="granted")),
    ]


Journey = Callable[[PolicyProfile, date, random.Random], list[Step]]
JOURNEYS: dict[str, Journey] = {
    "ordinary": ordinary,
    "hold": on_hold,
    "recategorised": recategorised,
    "closure_review": inactive,
    "legal": legal,
}
WEIGHTS = {"ordinary": 60, "hold": 8, "recategorised": 10, "closure_review": 14, "legal": 8}


def journey(policy: PolicyProfile, received: date, rng: random.Random) -> tuple[str, list[Step]]:
    """A journey chosen as often as such cases come up."""
    name = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
    return name, JOURNEYS[name](policy, received, rng)
