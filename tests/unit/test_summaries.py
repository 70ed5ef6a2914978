"""Summaries on the workflow's timers and activities name the clock and the letters, so the
Temporal UI and CLI are legible (issue 11), and hold codes only."""

from __future__ import annotations

from domain.actions import Acknowledge
from domain.machine import decide, next_due
from domain.summaries import batch_summary, due_summary
from tests.unit.machine_support import OFFICER, at, start, tick_until


def test_the_timer_of_a_new_case_names_the_clocks_due_first_r13_r14() -> None:
    state, _ = start("C")
    summary = due_summary(state)
    assert summary.startswith("Due: ") and "deadline" in summary
    due = next_due(state)
    named = {d.clock.value.replace("_", " ") for d in state.deadlines.values() if d.due_at == due}
    assert named and all(f"{name} deadline" in summary for name in named)


def test_a_missed_clock_is_named_by_its_next_escalation() -> None:
    state, _ = start("C")
    state, _ = tick_until(state, next_due(state))  # type: ignore[arg-type]
    assert "escalation 2" in due_summary(state)


def test_the_activity_names_each_letter_and_counts_the_rest() -> None:
    state, _ = start("C")
    _, commands = decide(state, Acknowledge(actor=OFFICER), at(0.1))
    summary = batch_summary(commands)
    letters = [c.kind.value for c in commands if c.type == "send_letter"]
    assert letters and all(f"letter {kind}" in summary for kind in letters)
    assert "record acknowledge" in summary
    assert "@" not in summary  # ids and codes, never a party's details
