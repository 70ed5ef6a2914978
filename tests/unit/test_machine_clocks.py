"""Clocks, escalation, hold and the inactivity review: R13, R14, R16, R17, R29, R37, R47, R52.

Rule numbers refer to docs/rules.md.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from contracts.view import build_view as view
from domain.actions import (
    Acknowledge,
    AgreeActionPlan,
    Hold,
    LogIncident,
    Recategorise,
    RecordContact,
    RecordRiskAssessment,
    RequestClosure,
    Resume,
)
from domain.case import Clock, Stage
from domain.clocks import ESCALATION_REPEAT_WD, RESOLUTION_REPEAT_WD, STALL_DAYS
from domain.machine import decide, next_due, tick
from domain.policy import ClosureReason
from tests.unit.machine_support import (
    LANDLORDS,
    OFFICER,
    T0,
    apply,
    at,
    letter_kinds,
    of_type,
    refuse,
    start,
    through_plan,
    tick_until,
)


def utc(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def _contact(outcome: str = "made", channel: str = "phone") -> RecordContact:
    return RecordContact.model_validate({"actor": OFFICER, "outcome": outcome, "channel": channel})


# ---- escalation -------------------------------------------------------------------------------


@pytest.mark.parametrize("code", LANDLORDS)
def test_every_missed_opening_deadline_escalates(code: str) -> None:
    state, _ = start(code)
    opening = {c for c in (Clock.ACKNOWLEDGEMENT, Clock.FIRST_CONTACT) if c in state.deadlines}
    state, commands = tick_until(state, at(8))
    escalated = {e.clock for e in state.escalations}
    assert opening <= escalated
    notices = of_type(commands, "notify_supervisor")
    assert len(notices) == len(state.escalations) > 0
    assert all(n.reason == "deadline_missed" and n.breached_by_seconds >= 0 for n in notices)
    assert len(of_type(commands, "record_event")) >= len(notices)


def test_stalled_case_escalates_again_while_unmet_and_stops_when_met() -> None:
    state, _ = start("X")  # general tier: first contact in 3 WD, Thursday 5 March 17:00
    first = state.deadlines[Clock.FIRST_CONTACT]
    assert first.due_at == utc(2026, 3, 5, 17)
    state, _ = tick_until(state, at(12))
    levels = [(e.clock, e.level, e.at) for e in state.escalations if e.clock == "first_contact"]
    # Level 1 at the due time, then every ESCALATION_REPEAT_WD working days at close of business.
    assert ESCALATION_REPEAT_WD == 2
    assert levels == [
        (Clock.FIRST_CONTACT, 1, utc(2026, 3, 5, 17)),
        (Clock.FIRST_CONTACT, 2, utc(2026, 3, 9, 17)),
        (Clock.FIRST_CONTACT, 3, utc(2026, 3, 11, 17)),
        (Clock.FIRST_CONTACT, 4, utc(2026, 3, 13, 17)),
    ]
    assert state.escalations[-1].breached_by_seconds == 8 * 24 * 3600
    # The stall clock: no meaningful event for STALL_DAYS days.
    assert state.deadlines[Clock.STALL].due_at == T0 + timedelta(days=STALL_DAYS)
    state, _ = tick_until(state, at(16))
    assert any(e.clock == "stall" and e.level == 1 for e in state.escalations)
    # Meeting the clock stops its escalation; the stall clock restarts.
    state, _ = decide(state, _contact(), at(16))
    assert state.deadlines[Clock.FIRST_CONTACT].met_at == at(16)
    assert state.deadlines[Clock.STALL].escalations == 0
    state, _ = tick_until(state, at(29))
    after = [e for e in state.escalations if e.at > at(16)]
    assert {e.clock for e in after} <= {Clock.NEXT_CONTACT, Clock.STALL}
    assert not any(e.clock == "first_contact" for e in after)


def test_tick_with_nothing_due_changes_nothing() -> None:
    state, _ = start("C")
    new, commands = tick(state, at(0.1))
    assert commands == [] and new == state


def test_resolution_target_escalates_every_ten_working_days_until_closed_r52() -> None:
    state, _ = start("Y")
    target = state.deadlines[Clock.RESOLUTION_TARGET]
    assert target.due_at == utc(2026, 5, 7, 16)  # 45 WD over Easter and May Day, 17:00 BST
    state = through_plan(state)
    for day in range(3, 101, 3):  # keep in contact so only the target is missed
        state, _ = apply(state, [(day, _contact())])
    hits = [e for e in state.escalations if e.clock == "resolution_target"]
    assert [e.level for e in hits] == [1, 2, 3]
    assert RESOLUTION_REPEAT_WD == 10
    assert hits[1].at == utc(2026, 5, 21, 16)  # 10 WD after 7 May, at close (BST)
    assert {e.clock for e in state.escalations} == {Clock.RESOLUTION_TARGET}


# ---- contact cadence and failed contact -------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "agreed", "expected_due"),
    [
        ("X", 21, utc(2026, 3, 16, 17)),  # min(21, policy max 14) from Mon 2 March
        ("X", 5, utc(2026, 3, 6, 17)),  # agreed interval shorter than the maximum
        ("C", 7, utc(2026, 3, 9, 17)),  # no policy maximum: the agreed 7 days
    ],
)
def test_contact_cadence_is_min_of_agreed_and_policy_max_r37(
    code: str, agreed: int, expected_due: datetime
) -> None:
    state, _ = start(code)
    state, _ = apply(
        state,
        [
            (0, Acknowledge(actor=OFFICER)),
            (0, _contact()),
            (0, RecordRiskAssessment(actor=OFFICER, tier=state.tier)),
            (
                0,
                AgreeActionPlan(
                    actor=OFFICER, agreed_contact_interval_days=agreed, summary_ref="p"
                ),
            ),
        ],
    )
    assert state.deadlines[Clock.NEXT_CONTACT].due_at == expected_due
    state, _ = decide(state, _contact(), at(3))
    assert state.deadlines[Clock.NEXT_CONTACT].set_at == at(3)


def test_no_cadence_before_a_plan_where_policy_has_no_maximum_r37() -> None:
    state, _ = start("C")
    state, _ = apply(state, [(0.1, Acknowledge(actor=OFFICER)), (0.1, _contact())])
    assert Clock.NEXT_CONTACT not in state.deadlines


def test_missed_contact_escalates_and_next_contact_resets_r37() -> None:
    state = through_plan(start("Y")[0])  # agreed 7 days: due Mon 9 March 17:00
    state, _ = tick_until(state, at(7.5))
    assert [e.clock for e in state.escalations] == [Clock.NEXT_CONTACT]
    state, _ = decide(state, _contact(), at(8))
    cadence = state.deadlines[Clock.NEXT_CONTACT]
    assert cadence.set_at == at(8) and cadence.breached_at is None


@pytest.mark.parametrize(("code", "letters_expected"), [("X", 1), ("C", 0), ("B", 0)])
def test_two_failed_attempts_send_one_letter_where_policy_says_r29(
    code: str, letters_expected: int
) -> None:
    state = through_plan(start(code)[0])
    fails = [(1 + i, _contact("failed_attempt")) for i in range(3)]
    state, commands = apply(state, fails)
    assert letter_kinds(commands) == ["failed_contact"] * letters_expected
    assert state.contact.failed_attempts == 3
    state, commands = apply(state, [(5, _contact()), (6, _contact("failed_attempt"))])
    assert state.contact.failed_attempts == 1 and letter_kinds(commands) == []


# ---- hold (R17) -------------------------------------------------------------------------------


def test_hold_pauses_every_clock_and_resume_shifts_them_r17() -> None:
    state, _ = start("C")
    due_before = {c: d.due_at for c, d in state.deadlines.items()}
    state, _ = decide(state, Hold(actor=OFFICER, reason="reporter in hospital"), at(0.5))
    assert next_due(state) is None
    assert all(d.paused for d in view(state, at(1)).deadlines)
    state, commands = tick_until(state, at(30))
    assert commands == []
    state, _ = decide(state, Resume(actor=OFFICER, reason="reporter home"), at(10.5))
    assert state.paused_seconds == 10 * 24 * 3600
    for clock, due in due_before.items():
        assert state.deadlines[clock].due_at == due + timedelta(days=10), clock
    assert not any(d.paused for d in state.deadlines.values())


def test_actions_during_hold_are_limited_r17() -> None:
    state, _ = start("C")
    state, _ = decide(state, Hold(actor=OFFICER, reason="reporter away"), at(0.5))
    reason = refuse(state, Acknowledge(actor=OFFICER), at(1))
    assert reason.startswith("The case is on hold since 2026-03-02 (reporter away)")
    assert "(R17)" in reason
    state, _ = decide(state, LogIncident(actor=OFFICER, occurred_at=at(0.9)), at(1))
    assert len(state.incidents) == 2 and state.hold is not None
    assert "already on hold" in refuse(state, Hold(actor=OFFICER, reason="again"), at(1))


def test_resume_without_hold_is_refused_r17() -> None:
    state, _ = start("C")
    assert "not on hold" in refuse(state, Resume(actor=OFFICER, reason="x"), at(1))


# ---- re-categorisation (R16) and risk review --------------------------------------------------


def test_recategorise_retimes_first_contact_r16() -> None:
    state, _ = start("X")
    assert state.tier == "general"
    up = Recategorise(actor=OFFICER, tier="serious", reason="threats reported on the phone")
    state, commands = decide(state, up, at(0.1))
    assert state.tier == "serious"
    assert state.deadlines[Clock.FIRST_CONTACT].due_at == utc(2026, 3, 3, 17)  # 1 WD
    assert "threats reported" in of_type(commands, "record_event")[0].summary


@pytest.mark.parametrize(("tier", "reason"), [("serious", "   "), ("general", "same"), ("x", "r")])
def test_recategorise_refused_without_reason_or_change_r16(tier: str, reason: str) -> None:
    state, _ = start("X")
    assert refuse(state, Recategorise(actor=OFFICER, tier=tier, reason=reason), at(0.1))


def test_risk_review_date_from_assessment_is_escalated_when_missed_r18() -> None:
    state, _ = start("P")
    state, _ = apply(
        state,
        [
            (0.1, Acknowledge(actor=OFFICER)),
            (0.1, _contact()),
            (0.2, RecordRiskAssessment(actor=OFFICER, tier=state.tier, review_in_days=5)),
        ],
    )
    assert state.deadlines[Clock.RISK_REVIEW].due_at == utc(2026, 3, 9, 17)
    state, _ = tick_until(state, at(7.5))
    assert [e.clock for e in state.escalations] == [Clock.RISK_REVIEW]
    state, _ = decide(state, RecordRiskAssessment(actor=OFFICER, tier=state.tier), at(8))
    assert state.deadlines[Clock.RISK_REVIEW].met_at == at(8)  # P sets no further review date


# ---- inactivity closure review (R47) ----------------------------------------------------------


@pytest.mark.parametrize("code", ["X", "B"])
def test_inactivity_opens_closure_review_and_never_closes_r47(code: str) -> None:
    state = through_plan(start(code)[0])
    due = state.deadlines[Clock.CLOSURE_REVIEW].due_at
    assert due == utc(2026, 3, 30, 8)  # 28 days after the last contact, at opening (BST)
    state, commands = tick_until(state, at(29))
    assert state.stage is Stage.CLOSURE_REVIEW
    assert [n.reason for n in of_type(commands, "notify_supervisor")].count(
        "closure_review_due"
    ) == 1
    state, _ = tick_until(state, at(200))
    assert state.stage is Stage.CLOSURE_REVIEW and state.closed_at is None
    assert state.is_open and not state.finished
    # New activity ends the review: the case goes back to where it was.
    state, _ = decide(state, LogIncident(actor=OFFICER, occurred_at=at(199)), at(200))
    assert state.stage is Stage.INVESTIGATION


@pytest.mark.parametrize("code", ["C", "Y", "P"])
def test_no_inactivity_review_where_policy_sets_none_r47(code: str) -> None:
    state = through_plan(start(code)[0])
    assert Clock.CLOSURE_REVIEW not in state.deadlines


def test_no_contact_closure_needs_the_inactivity_period_r47() -> None:
    state = through_plan(start("X")[0])
    request = RequestClosure(actor=OFFICER, reason=ClosureReason.NO_FURTHER_CONTACT)
    assert "after 28 days" in refuse(state, request, at(10))
    state, _ = apply(
        state, [(29, _contact("failed_attempt")), (30, _contact("failed_attempt", "letter"))]
    )
    state, _ = decide(state, request, at(31))
    assert state.finished and state.closed_reason is ClosureReason.NO_FURTHER_CONTACT


def test_tick_never_mutates_its_input() -> None:
    state, _ = start("X")
    before = state.model_dump(mode="json")
    due = next_due(state)
    assert due is not None
    new, commands = tick(state, due)
    assert state.model_dump(mode="json") == before
    assert new.escalations and not state.escalations and commands
