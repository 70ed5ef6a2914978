"""Closure: consultation, approval, reasons and letters (R46-R50). Rule numbers: docs/rules.md."""

from __future__ import annotations

import pytest

from contracts.view import build_view as view
from domain.actions import (
    ApplyRemedy,
    ApproveClosure,
    RecordConsultation,
    RecordContact,
    RemedyKind,
    RequestClosure,
    WithdrawClosure,
)
from domain.case import CaseState, Stage
from domain.machine import decide
from domain.policy import ClosureReason
from tests.unit.machine_support import (
    OFFICER,
    SUPERVISOR,
    apply,
    at,
    letter_kinds,
    letters,
    of_type,
    refuse,
    start,
    through_plan,
)

STOPPED = ClosureReason.ASB_STOPPED


def _requested(code: str, reason: ClosureReason = STOPPED) -> CaseState:
    state = through_plan(start(code)[0])
    state, _ = decide(state, RequestClosure(actor=OFFICER, reason=reason), at(5))
    return state


def _consult(outcome: str) -> RecordConsultation:
    return RecordConsultation.model_validate({"actor": OFFICER, "outcome": outcome})


@pytest.mark.parametrize("code", ["C", "Y", "P"])
def test_closure_waits_for_consultation_where_required_r46(code: str) -> None:
    state = _requested(code)
    assert state.stage is Stage.CLOSURE_REVIEW and state.closed_at is None
    assert view(state, at(5)).awaiting == ["closure_consultation"]
    assert "No supervisor approval is awaited" in refuse(
        state, ApproveClosure(actor=SUPERVISOR), at(6)
    )
    state, _ = decide(state, _consult("agrees"), at(6))
    assert state.stage is Stage.CLOSED and state.closed_at == at(6)
    assert state.closed_reason is STOPPED


def test_x_closes_without_consultation_r46() -> None:
    state = through_plan(start("X")[0])
    request = RequestClosure(actor=OFFICER, reason=ClosureReason.COMPLAINANT_REPORTS_CEASED)
    state, commands = decide(state, request, at(5))
    assert state.closed_at == at(5) and state.finished and state.stage is Stage.FINISHED
    assert letters(commands) == []  # X: no closure letter (R50 silent), no survey (R51)


@pytest.mark.parametrize("code", ["C", "Y", "P"])
def test_objection_blocks_closure_where_consultation_required_r46(code: str) -> None:
    state = _requested(code)
    state, _ = decide(state, _consult("objects"), at(6))
    assert state.is_open and view(state, at(6)).awaiting == []
    assert "No supervisor approval is awaited" in refuse(
        state, ApproveClosure(actor=SUPERVISOR), at(6)
    )
    state, _ = decide(state, WithdrawClosure(actor=OFFICER, reason="ASB continues"), at(7))
    assert state.stage is Stage.INVESTIGATION and state.closure is None


def test_b_may_close_against_wishes_with_supervisor_approval_r46() -> None:
    state = _requested("B")
    state, commands = decide(state, _consult("objects"), at(6))
    assert state.is_open and view(state, at(6)).awaiting == ["closure_approval"]
    assert [n.reason for n in of_type(commands, "notify_supervisor")] == ["approval_awaited"]
    assert "Only a supervisor" in refuse(state, ApproveClosure(actor=OFFICER), at(6))
    state, _ = decide(state, ApproveClosure(actor=SUPERVISOR), at(7))
    assert state.closed_at == at(7) and state.closure and state.closure.approved_by == "super-1"


@pytest.mark.parametrize(
    ("code", "channels"), [("C", ["phone", "phone"]), ("B", ["phone", "email"])]
)
def test_unreachable_complainant_after_enough_attempts_r29_r46_r47(
    code: str, channels: list[str]
) -> None:
    state = _requested(code)
    assert "failed contact attempt" in refuse(state, _consult("unreachable"), at(6))
    attempts = [
        (6 + i, RecordContact(actor=OFFICER, outcome="failed_attempt", channel=ch))
        for i, ch in enumerate(channels)
    ]
    state, _ = apply(state, attempts)
    state, _ = decide(state, _consult("unreachable"), at(9))
    assert state.closed_at == at(9)


def test_b_needs_a_variety_of_contact_methods_r47() -> None:
    state = _requested("B")
    same = RecordContact(actor=OFFICER, outcome="failed_attempt", channel="phone")
    state, _ = apply(state, [(6, same), (7, same)])
    assert "variety of methods" in refuse(state, _consult("unreachable"), at(8))


def test_y_confirms_completed_actions_in_writing_r46_r50() -> None:
    state = through_plan(start("Y")[0])
    state, _ = decide(state, ApplyRemedy(actor=OFFICER, kind=RemedyKind.WRITTEN_WARNING), at(2))
    done = ["Written warning given to the household responsible"]
    closing = RequestClosure(actor=OFFICER, reason=STOPPED, actions_taken=done)
    state, _ = decide(state, closing, at(5))
    state, commands = decide(state, _consult("agrees"), at(6))
    (letter,) = letters(commands)
    assert letter.kind == "closure_confirmation" and letter.to_role == "complainant"
    # The letter confirms what the officer recorded as done, and the day of the consultation.
    assert letter.data == {"reason": "asb_stopped", "actions_taken": done,
                           "consulted_on": "2026-03-08"}  # fmt: skip


@pytest.mark.parametrize(
    ("code", "expected"), [("C", ["closure_notice"]), ("B", []), ("P", ["closure_notice"])]
)
def test_complainant_told_of_closure_where_policy_says_r50(code: str, expected: list[str]) -> None:
    state = _requested(code)
    state, commands = decide(state, _consult("agrees"), at(6))
    assert letter_kinds(commands) == expected


def test_consultation_not_recorded_twice_after_agreement_r46() -> None:
    state = _requested("B")
    state, _ = decide(state, _consult("objects"), at(6))
    state, _ = decide(state, _consult("agrees"), at(7))  # the complainant changed their mind
    assert state.closed_at == at(7)


def test_closure_clocks_stop_and_resolution_target_met_r52() -> None:
    state = _requested("Y")
    state, _ = decide(state, _consult("agrees"), at(6))
    target = state.deadlines["resolution_target"]  # type: ignore[index]
    assert target.met_at == at(6)
    running = [d.clock for d in state.deadlines.values() if d.open]
    assert running == ["survey"]


def test_second_closure_request_refused_while_one_pending() -> None:
    state = _requested("C")
    assert "already pending" in refuse(state, RequestClosure(actor=OFFICER, reason=STOPPED), at(6))
