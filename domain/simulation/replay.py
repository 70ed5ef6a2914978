"""Replaying one recorded case through the pure domain, driven by recorded time.

The workflow (workflows/case.py) opens a case with :func:`machine.open_case`, wakes at
:func:`machine.next_due` to :func:`machine.tick`, and applies each officer action with
:func:`machine.decide`. :func:`replay` does the same, in the same order, at the recorded
instants: a clock that falls due before (or at) an action's instant is handled first, as the
workflow's timer fires before a later update. Where the policy refuses a recorded action, the
refusal is kept and the case goes on without it, as the workflow would have.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from domain import machine
from domain.actions import Action
from domain.case import CaseSetup, CaseState, Clock, Deadline, OpenCase, Stage
from domain.commands import Command, NotifyReason, NotifySupervisor, RecordEvent, SendLetter
from domain.errors import DomainError

__all__ = ["CaseRun", "DeadlineRecord", "RecordedAction", "RecordedCase", "Refusal", "replay"]

# A case's clocks can only fall due so many times between two actions (each escalation moves
# on by working days); more means a clock that does not move, which is a bug, not a case.
_MAX_TICKS_PER_GAP = 10_000


@dataclass(frozen=True)
class RecordedAction:
    """One action as the record holds it (``case_actions``): its input and its instant."""

    at: datetime
    action: Action


@dataclass(frozen=True)
class RecordedCase:
    """A case as the record holds it: its intake, the setup it opened with, its actions."""

    reference: str
    setup: CaseSetup
    opened: OpenCase
    opened_at: datetime
    actions: tuple[RecordedAction, ...]


@dataclass(frozen=True)
class DeadlineRecord:
    """One run of one clock: when it was due and when it was met, stopped or replaced."""

    clock: Clock
    due_at: datetime
    set_at: datetime
    met_at: datetime | None  # met, or replaced by a new run of the same clock (met then)
    stopped_at: datetime | None
    escalations: int

    def late_seconds(self, until: datetime) -> int | None:
        """How late it was met, or still is at ``until``; None when on time or not yet due."""
        end = self.met_at or self.stopped_at or until
        if self.stopped_at is not None and self.met_at is None and self.stopped_at <= self.due_at:
            return None  # stopped before it fell due: it no longer applied
        late = int((end - self.due_at).total_seconds())
        return late if late > 0 else None


@dataclass(frozen=True)
class Refusal:
    at: datetime
    action: str
    reason: str


@dataclass
class CaseRun:
    """What one case did under one policy, up to the end of the period."""

    reference: str
    policy_version: str
    opened: bool = True
    tier: str = ""  # at opening (triage), under this policy
    stage: Stage = Stage.RECEIVED
    on_hold: bool = False
    deadlines: list[DeadlineRecord] = field(default_factory=list)
    escalations: list[tuple[Clock, datetime, int, datetime]] = field(default_factory=list)
    letters: Counter[str] = field(default_factory=Counter)
    refusals: list[Refusal] = field(default_factory=list)
    trace: list[tuple[datetime, str]] = field(default_factory=list)  # where runs may diverge

    def outcome(self, until: datetime) -> str:
        """The case's outcome in one line: what a board member would compare."""
        late = sum(1 for d in self.deadlines if d.late_seconds(until) is not None)
        hold = " (on hold)" if self.on_hold else ""
        return (
            f"stage {self.stage.value}{hold}; {late} deadlines late or missed; "
            f"{len(self.escalations)} escalations; {sum(self.letters.values())} letters; "
            f"{len(self.refusals)} actions refused"
        )


class _Recorder:
    """Follows the state step by step, keeping every run of every clock and the trace."""

    def __init__(self, run: CaseRun) -> None:
        self.run = run
        self.current: dict[Clock, Deadline] = {}

    def step(self, state: CaseState, commands: list[Command], at: datetime) -> None:
        run = self.run
        for command in commands:
            if isinstance(command, SendLetter):
                run.letters[command.kind.value] += 1
                run.trace.append((at, f"letter {command.kind.value}"))
            elif (
                isinstance(command, NotifySupervisor)
                and command.reason is NotifyReason.DEADLINE_MISSED
            ):
                clock, due, level = command.clock, command.due_at, command.level
                if clock is not None and due is not None and level is not None:
                    run.escalations.append((clock, due, level, at))
            elif isinstance(command, RecordEvent):
                run.trace.append((at, command.action))
        for clock, deadline in state.deadlines.items():
            seen = self.current.get(clock)
            if seen is not None and seen.set_at != deadline.set_at:
                self._finish(seen, at)
            if seen is None or seen.set_at != deadline.set_at or seen.due_at != deadline.due_at:
                run.trace.append((at, f"{clock.value} due {deadline.due_at:%Y-%m-%d %H:%M}"))
            self.current[clock] = deadline

    def _finish(self, deadline: Deadline, at: datetime) -> None:
        replaced = at if deadline.open else None  # a new run of the clock meets the old one
        self.run.deadlines.append(
            DeadlineRecord(
                clock=deadline.clock,
                due_at=deadline.due_at,
                set_at=deadline.set_at,
                met_at=deadline.met_at or replaced,
                stopped_at=deadline.stopped_at,
                escalations=deadline.escalations,
            )
        )

    def close(self, state: CaseState) -> None:
        for deadline in state.deadlines.values():
            self.run.deadlines.append(
                DeadlineRecord(
                    clock=deadline.clock,
                    due_at=deadline.due_at,
                    set_at=deadline.set_at,
                    met_at=deadline.met_at,
                    stopped_at=deadline.stopped_at,
                    escalations=deadline.escalations,
                )
            )
        self.run.stage = state.stage
        self.run.on_hold = state.hold is not None


def replay(case: RecordedCase, until: datetime) -> tuple[CaseRun, CaseState | None]:
    """Replay a recorded case up to ``until`` under ``case.setup.policy``.

    Returns what it did and its final state (None when the policy would not open it)."""
    run = CaseRun(reference=case.reference, policy_version=case.setup.policy.policy_version)
    try:
        state, commands = machine.open_case(case.setup, case.opened, case.opened_at)
    except DomainError as refused:  # e.g. a category the proposed policy does not list
        run.opened = False
        run.refusals.append(Refusal(case.opened_at, "open_case", str(refused)))
        run.trace.append((case.opened_at, f"refused open_case: {refused}"))
        return run, None
    recorder = _Recorder(run)
    run.tier = state.tier
    recorder.step(state, commands, case.opened_at)
    since = case.opened_at
    for recorded in case.actions:
        if recorded.at > until:
            break
        state = _advance(state, since, recorded.at, recorder)
        since = recorded.at
        try:
            state, commands = machine.decide(state, recorded.action, recorded.at)
        except DomainError as refused:
            reason = getattr(refused, "reason", str(refused))
            run.refusals.append(Refusal(recorded.at, recorded.action.type, reason))
            run.trace.append((recorded.at, f"refused {recorded.action.type}: {reason}"))
            continue
        recorder.step(state, commands, recorded.at)
    state = _advance(state, since, until, recorder)
    recorder.close(state)
    return run, state


def _advance(state: CaseState, since: datetime, to: datetime, recorder: _Recorder) -> CaseState:
    """Handle every clock that falls due up to ``to``, each when the workflow's timer fires: at
    its due instant, or at once when it was already due at the last step (``since``)."""
    for _ in range(_MAX_TICKS_PER_GAP):
        due = machine.next_due(state)
        if due is None or due > to:
            return state
        since = max(due, since)
        state, commands = machine.tick(state, since)
        recorder.step(state, commands, since)
    raise DomainError(f"case {state.reference}: a clock keeps falling due at {due}")
