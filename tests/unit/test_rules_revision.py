"""Revision 1 of the rules (CaseSetup.rules_revision): three behaviours found by trying the
product against the seed policies. A case opened before the revision keeps the old behaviour,
so its history replays as it ran (docs/design.md, Determinism)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.actions import Acknowledge, Hold
from domain.case import Clock, PartyRef, Stage
from domain.machine import decide, open_case
from tests.unit.machine_support import (
    OFFICER,
    PERPETRATOR,
    T0,
    at,
    of_type,
    opened,
    refuse,
    setup,
    start,
    tick_until,
)

ANONYMOUS = PartyRef(id="anon-1", role="complainant", anonymous=True)
LATE = timedelta(days=40)  # longer than B's and X's 28-day inactivity review (R47)


@pytest.mark.parametrize("code", ["B", "X"])
def test_late_logged_report_is_acknowledged_not_reviewed_for_closure_r47(code: str) -> None:
    """A report logged 40 days after it arrived: its inactivity clock has already run out when
    it opens. It must still be acknowledged and given an officer; believe housing (14.4) will
    "not assume that a case has been resolved", so no closure review opens (R47, R6, R13)."""
    now = T0 + LATE
    state, _commands = open_case(setup(code), opened(code, received_at=T0), now)
    review = state.deadlines[Clock.CLOSURE_REVIEW]
    assert review.due_at > now  # R47: inactivity counts from when the landlord logged it
    state, ticked = tick_until(state, now + timedelta(hours=1))
    assert state.stage is Stage.RECEIVED
    assert not [n for n in of_type(ticked, "notify_supervisor") if n.reason == "closure_review_due"]
    state, _ = decide(state, Acknowledge(actor=OFFICER), now + timedelta(hours=1))
    assert state.officer_id == OFFICER.user_id and state.stage is Stage.RISK_ASSESSMENT


def test_unacknowledged_case_in_a_closure_review_can_still_be_acknowledged_r13() -> None:
    """If the review opens before anyone acknowledged the case, acknowledging is still allowed:
    the review does not stand in for it (R6, R13, R47)."""
    state, _ = start("X")
    state, _ = tick_until(state, at(30))
    assert state.stage is Stage.CLOSURE_REVIEW and state.stage_before_review is Stage.RECEIVED
    state, _ = decide(state, Acknowledge(actor=OFFICER), at(30))
    assert state.acknowledged_at is not None and state.officer_id == OFFICER.user_id


@pytest.mark.parametrize("reason", ["", "   ", "\t\n"])
def test_plus_dane_refuses_a_hold_without_a_reason_r17(reason: str) -> None:
    """Plus Dane explains delays outside its control on the record (R17)."""
    state, _ = start("P")
    state, _ = decide(state, Acknowledge(actor=OFFICER), at(0.1))
    why = refuse(state, Hold(actor=OFFICER, reason=reason), at(0.2))
    assert "(R17)" in why and "reason" in why
    held, _ = decide(state, Hold(actor=OFFICER, reason="Complainant in hospital"), at(0.2))
    assert held.hold is not None and held.hold.reason == "Complainant in hospital"


def test_a_landlord_not_requiring_an_explanation_accepts_a_blank_hold_r17() -> None:
    state, _ = start("X")
    held, _ = decide(state, Hold(actor=OFFICER, reason=" "), at(0.2))
    assert held.hold is not None


@pytest.mark.parametrize("code", ["C", "Y", "X", "B", "P"])
def test_anonymous_case_keeps_the_assessment_deadline_and_escalates_r8_r13(code: str) -> None:
    """R8: nothing goes to an anonymous reporter, but the landlord's own deadline for an officer
    to assess the report still runs, and escalates when missed."""
    state, commands = start(code, parties=[ANONYMOUS, PERPETRATOR])
    assert not of_type(commands, "send_letter")
    due = state.deadlines[Clock.ACKNOWLEDGEMENT].due_at
    assert Clock.FIRST_CONTACT not in state.deadlines
    state, ticked = tick_until(state, due + timedelta(hours=1))
    missed = [n for n in of_type(ticked, "notify_supervisor") if n.reason == "deadline_missed"]
    assert [n.clock for n in missed] == [Clock.ACKNOWLEDGEMENT]
    state, done = decide(state, Acknowledge(actor=OFFICER), due + timedelta(hours=2))
    assert not of_type(done, "send_letter")  # R8: still no letter
    assert state.deadlines[Clock.ACKNOWLEDGEMENT].met_at is not None


def test_cases_opened_before_the_revision_keep_their_rules() -> None:
    """Replay: a history recorded under revision 0 must decide exactly as it did."""
    old = setup("X").model_copy(update={"rules_revision": 0})
    state, _ = open_case(old, opened("X", parties=[ANONYMOUS, PERPETRATOR]), T0)
    assert Clock.ACKNOWLEDGEMENT not in state.deadlines
    late, _ = open_case(old, opened("X", received_at=T0), T0 + LATE)
    assert late.deadlines[Clock.CLOSURE_REVIEW].due_at <= T0 + LATE
