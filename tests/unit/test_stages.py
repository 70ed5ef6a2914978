"""The stage machine is the transition table (domain/stages.py), and docs/architecture.md shows
it."""

from __future__ import annotations

import pytest

from domain.actions import ACTION_TYPES
from domain.case import Stage
from domain.errors import DomainError
from domain.stages import TRANSITIONS, WORK_TRACK, advance, move
from scripts.stage_diagram import README, readme_block, readme_diagram
from tests.unit.machine_support import start

TIMERS_AND_STEPS = {"tick:closure_review", "tick:survey", "tick:survey_closed", "close"}
TIMERS_AND_STEPS |= {"no survey", "new activity"}


def test_the_readme_diagram_is_generated_from_the_table() -> None:
    assert readme_diagram(README.read_text()) == readme_block(), (
        "docs/architecture.md's stage diagram is stale: run python -m scripts.stage_diagram --write"
    )


def test_every_trigger_is_an_action_or_a_named_engine_step() -> None:
    triggers = {t.trigger for t in TRANSITIONS}
    assert triggers <= set(ACTION_TYPES) | TIMERS_AND_STEPS


def test_every_stage_is_reachable_from_received_and_finished_ends_it() -> None:
    reached, frontier = {Stage.RECEIVED}, [Stage.RECEIVED]
    while frontier:
        source = frontier.pop()
        for t in TRANSITIONS:
            if t.source is source and t.target not in reached:
                reached.add(t.target)
                frontier.append(t.target)
    assert reached == set(Stage)
    assert not [t for t in TRANSITIONS if t.source is Stage.FINISHED]


def test_a_move_the_table_does_not_list_is_refused() -> None:
    state = start("C")[0]
    with pytest.raises(DomainError, match="cannot move from received to closed"):
        move(state, Stage.CLOSED)
    assert state.stage is Stage.RECEIVED


def test_advance_moves_forward_along_the_work_track_only() -> None:
    state = start("C")[0]
    advance(state, Stage.RISK_ASSESSMENT)  # R13: acknowledged
    assert state.stage is Stage.RISK_ASSESSMENT
    advance(state, Stage.RECEIVED)  # never back
    assert state.stage is Stage.RISK_ASSESSMENT
    assert WORK_TRACK.index(Stage.LEGAL_ACTION) == len(WORK_TRACK) - 1
