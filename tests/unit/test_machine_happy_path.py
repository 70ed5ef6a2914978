"""A full case per landlord, from report to closure and survey; keys and serialisation.

Rule numbers refer to docs/rules.md.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from contracts.view import build_view as view
from domain.actions import (
    Acknowledge,
    Action,
    AddEvidence,
    AgreeActionPlan,
    ApplyRemedy,
    EvidenceKind,
    InviteToInterview,
    LogIncident,
    RecordConsultation,
    RecordContact,
    RecordInterview,
    RecordRiskAssessment,
    RecordSurveyResponse,
    RemedyKind,
    RequestClosure,
)
from domain.case import CaseState, Clock, Stage
from domain.commands import Command
from domain.machine import decide, next_due
from domain.policy import ClosureReason
from tests.unit.machine_support import (
    COMMANDS,
    LANDLORDS,
    OFFICER,
    apply,
    at,
    letter_kinds,
    letters,
    of_type,
    start,
    tick_until,
)

CLOSE_REASON = {
    "C": ClosureReason.ASB_STOPPED,
    "Y": ClosureReason.ASB_STOPPED,
    "X": ClosureReason.COMPLAINANT_REPORTS_CEASED,
    "B": ClosureReason.ASB_STOPPED,
    "P": ClosureReason.ASB_STOPPED,
}
CLOSURE_LETTERS = {  # R46 (Y written confirmation), R50 (told it is closed)
    "C": ["closure_notice"],
    "Y": ["closure_confirmation"],
    "X": [],
    "B": [],
    "P": ["closure_notice"],
}
CONSULTS = {"C": True, "Y": True, "X": False, "B": True, "P": True}  # R46
SURVEYS = {"C": True, "Y": True, "X": False, "B": True, "P": True}  # R51


def _case_steps(code: str, tier: str) -> list[tuple[float, Action]]:
    steps: list[tuple[float, Action]] = [
        (0.1, Acknowledge(actor=OFFICER)),
        (0.1, RecordContact(actor=OFFICER, outcome="made", channel="email")),
        (0.2, RecordRiskAssessment(actor=OFFICER, tier=tier, support_needs=["mobility"])),
        (0.3, AgreeActionPlan(actor=OFFICER, agreed_contact_interval_days=7, summary_ref="p")),
        (1, InviteToInterview(actor=OFFICER, party="alleged_perpetrator")),
        (2, RecordInterview(actor=OFFICER, party="alleged_perpetrator")),
        (3, LogIncident(actor=OFFICER, occurred_at=at(2.5))),
        (3, AddEvidence(actor=OFFICER, kind=EvidenceKind.DIARY_SHEET, consent=True)),
        (4, RecordContact(actor=OFFICER, outcome="made", channel="email")),
        (5, ApplyRemedy(actor=OFFICER, kind=RemedyKind.WRITTEN_WARNING)),
        (10, RecordContact(actor=OFFICER, outcome="made", channel="email")),
        (12, RequestClosure(actor=OFFICER, reason=CLOSE_REASON[code])),
    ]
    if CONSULTS[code]:
        steps.append((12.1, RecordConsultation(actor=OFFICER, outcome="agrees")))
    return steps


def _run_to_closure(code: str) -> tuple[CaseState, list[Command]]:
    state, opening = start(code)
    state, commands = apply(state, _case_steps(code, state.tier))
    return state, [*opening, *commands]


@pytest.mark.parametrize("code", LANDLORDS)
def test_happy_path_reaches_closure_without_escalation(code: str) -> None:
    state, commands = _run_to_closure(code)
    assert state.closed_reason is CLOSE_REASON[code]
    assert state.stage is (Stage.CLOSED if SURVEYS[code] else Stage.FINISHED)
    assert not of_type(commands, "notify_supervisor")  # every clock met in time
    assert state.escalations == []
    expected = ["acknowledgement", "action_plan", "interview_invitation", "warning"]
    assert letter_kinds(commands) == expected + CLOSURE_LETTERS[code]
    assert all(d.stopped_at or d.met_at for d in state.deadlines.values() if d.clock != "survey")


@pytest.mark.parametrize("code", LANDLORDS)
def test_happy_path_stages_follow_the_actions(code: str) -> None:
    state, _ = start(code)
    seen = [state.stage]
    for day, action in _case_steps(code, state.tier):
        state, _ = decide(state, action, at(day))
        if state.stage != seen[-1]:
            seen.append(state.stage)
    middle = [
        Stage.RECEIVED,
        Stage.RISK_ASSESSMENT,
        Stage.ACTION_PLAN,
        Stage.INVESTIGATION,
        Stage.NON_LEGAL_REMEDIES,
    ]
    end = [Stage.CLOSURE_REVIEW, Stage.CLOSED] if CONSULTS[code] else [Stage.FINISHED]
    assert seen == middle + end


@pytest.mark.parametrize("code", [c for c in LANDLORDS if SURVEYS[c]])
def test_survey_after_closure_then_finished_r51(code: str) -> None:
    state, _ = _run_to_closure(code)
    closed = at(12.1)  # Saturday 14 March 2026
    # Y: a week after closure, at the opening of the next working day; others at closure.
    expected = datetime(2026, 3, 23, 9, 0, tzinfo=UTC) if code == "Y" else closed
    assert state.closed_at == closed
    assert state.deadlines[Clock.SURVEY].due_at == expected
    state, commands = tick_until(state, at(30))
    assert letter_kinds(commands) == ["survey_invitation"]
    assert state.stage is Stage.SURVEY
    state, commands = decide(state, RecordSurveyResponse(actor=OFFICER, score=4), at(31))
    assert state.stage is Stage.FINISHED and state.finished and state.survey.score == 4
    assert next_due(state) is None
    assert view(state, at(31)).allowed_actions == []


def test_survey_window_expires_without_response_r51() -> None:
    state, _ = _run_to_closure("C")
    state, _ = tick_until(state, at(100))
    assert state.finished and state.stage is Stage.FINISHED
    assert next_due(state) is None


def test_x_has_no_survey_and_finishes_at_closure_r51() -> None:
    state, commands = _run_to_closure("X")
    assert state.finished and Clock.SURVEY not in state.deadlines
    assert "survey_invitation" not in letter_kinds(commands)
    assert next_due(state) is None


@pytest.mark.parametrize("code", LANDLORDS)
def test_keys_are_deterministic_and_unique(code: str) -> None:
    first = _run_to_closure(code)
    second = _run_to_closure(code)
    assert COMMANDS.dump_python(first[1]) == COMMANDS.dump_python(second[1])
    keys = [c.key for c in first[1]]
    assert len(keys) == len(set(keys))
    reference = first[0].reference
    assert [c.key for c in letters(first[1])][:2] == [
        f"{reference}:letter:1",
        f"{reference}:letter:2",
    ]
    assert all(k.startswith(f"{reference}:") for k in keys)


@pytest.mark.parametrize("code", LANDLORDS)
def test_state_and_commands_round_trip_as_json(code: str) -> None:
    state, commands = _run_to_closure(code)
    assert CaseState.model_validate_json(state.model_dump_json()) == state
    assert COMMANDS.validate_json(COMMANDS.dump_json(commands)) == commands


def test_decide_never_mutates_its_input() -> None:
    state, _ = start("X")
    before = state.model_dump(mode="json")
    new, _ = decide(state, Acknowledge(actor=OFFICER), at(0.1))
    assert state.model_dump(mode="json") == before
    assert new.stage is Stage.RISK_ASSESSMENT and state.stage is Stage.RECEIVED


def test_acknowledgement_names_the_officer_r13() -> None:
    state, _ = start("C")
    state, commands = decide(state, Acknowledge(actor=OFFICER), at(0.1))
    (letter,) = letters(commands)
    assert letter.kind == "acknowledgement" and letter.officer_id == OFFICER.user_id
    assert letter.data["names_contact"] is True
    assert state.deadlines[Clock.ACKNOWLEDGEMENT].met_at == at(0.1)
