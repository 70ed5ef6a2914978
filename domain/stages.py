"""The stage machine as data: every move a case may make, and the only functions that move it.

``TRANSITIONS`` lists each allowed (source, target) with what triggers it and the rule behind
it. :func:`move` refuses any other move, so a handler cannot take a case somewhere the table
does not say; docs/architecture.md's diagram is generated from the same table
(``python -m scripts.stage_diagram``, checked by ``tests/unit/test_stages.py``).

The work track (``WORK_TRACK``) is ordered: officer actions only ever move a case forward along
it (:func:`advance`). A closure review (R47) or request (R46) sets the work aside and returns to
it; closing (R49) leads to the survey (R51) and the end.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.case import CaseState, Stage
from domain.errors import DomainError

__all__ = [
    "TRANSITIONS",
    "WORK_TRACK",
    "Transition",
    "advance",
    "enter_review",
    "finish",
    "leave_review",
    "move",
]

WORK_TRACK: tuple[Stage, ...] = (
    Stage.RECEIVED,
    Stage.RISK_ASSESSMENT,
    Stage.ACTION_PLAN,
    Stage.INVESTIGATION,
    Stage.NON_LEGAL_REMEDIES,
    Stage.PEIA,
    Stage.LEGAL_ACTION,
)


@dataclass(frozen=True)
class Transition:
    source: Stage
    target: Stage
    trigger: str  # an action type, or "tick:<clock>" for a timer
    rule: str


def _before(stage: Stage) -> tuple[Stage, ...]:
    """The work stages from which ``stage`` is forward (acknowledged: not RECEIVED)."""
    return WORK_TRACK[1 : WORK_TRACK.index(stage)]


def _edges(sources: tuple[Stage, ...], target: Stage, trigger: str, rule: str) -> list[Transition]:
    return [Transition(source, target, trigger, rule) for source in sources]


TRANSITIONS: tuple[Transition, ...] = (
    Transition(Stage.RECEIVED, Stage.RISK_ASSESSMENT, "acknowledge", "R13"),
    Transition(Stage.RISK_ASSESSMENT, Stage.ACTION_PLAN, "record_risk_assessment", "R18"),
    Transition(Stage.ACTION_PLAN, Stage.INVESTIGATION, "agree_action_plan", "R36"),
    Transition(Stage.INVESTIGATION, Stage.NON_LEGAL_REMEDIES, "apply_remedy", "R40"),
    *_edges(_before(Stage.PEIA), Stage.PEIA, "complete_peia", "R43"),
    *_edges(_before(Stage.LEGAL_ACTION), Stage.LEGAL_ACTION, "start_legal_action", "R44"),
    *_edges(WORK_TRACK, Stage.CLOSURE_REVIEW, "request_closure", "R46"),
    *_edges(WORK_TRACK, Stage.CLOSURE_REVIEW, "tick:closure_review", "R47"),
    *_edges((Stage.CLOSURE_REVIEW,), Stage.CLOSED, "close", "R49"),
    *[Transition(Stage.CLOSURE_REVIEW, w, "withdraw_closure", "R46") for w in WORK_TRACK],
    *[Transition(Stage.CLOSURE_REVIEW, w, "new activity", "R47") for w in WORK_TRACK],
    Transition(Stage.CLOSED, Stage.SURVEY, "tick:survey", "R51"),
    Transition(Stage.CLOSED, Stage.FINISHED, "no survey", "R51"),
    Transition(Stage.CLOSED, Stage.FINISHED, "record_survey_response", "R51"),
    Transition(Stage.SURVEY, Stage.FINISHED, "record_survey_response", "R51"),
    Transition(Stage.SURVEY, Stage.FINISHED, "tick:survey_closed", "R51"),
)
_ALLOWED: frozenset[tuple[Stage, Stage]] = frozenset((t.source, t.target) for t in TRANSITIONS)


def _check(source: Stage, target: Stage) -> None:
    if (source, target) not in _ALLOWED:
        raise DomainError(f"a case cannot move from {source.value} to {target.value}")


def move(s: CaseState, to: Stage) -> None:
    """Move the case to ``to``, if the table allows it from where it is."""
    _check(s.stage, to)
    s.stage = to


def advance(s: CaseState, to: Stage) -> None:
    """Move forward along the work track to ``to`` (never back). Inside a closure review the
    stage to return to moves instead."""
    reviewing = s.stage is Stage.CLOSURE_REVIEW and s.stage_before_review is not None
    current = s.stage_before_review if reviewing else s.stage
    assert current is not None
    if current not in WORK_TRACK or WORK_TRACK.index(to) <= WORK_TRACK.index(current):
        return
    _check(current, to)
    if reviewing:
        s.stage_before_review = to
    else:
        s.stage = to


def enter_review(s: CaseState) -> None:
    """R46, R47: the work is set aside (and remembered) while closure is considered."""
    before = s.stage
    move(s, Stage.CLOSURE_REVIEW)
    s.stage_before_review = before


def leave_review(s: CaseState) -> None:
    """Back to the work the review set aside (R46 withdrawn, R47 new activity)."""
    if s.stage_before_review is not None:
        move(s, s.stage_before_review)
    s.stage_before_review = None


def finish(s: CaseState) -> None:
    """R51: nothing is left to do; the workflow ends."""
    move(s, Stage.FINISHED)
    s.finished = True
