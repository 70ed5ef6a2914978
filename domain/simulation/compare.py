"""Figures per policy and the difference between two runs of the same recorded cases.

A policy's figures (:class:`PolicySummary`) are sums over its case runs; the comparison lists
them side by side as rows (:func:`Comparison.rows`) that the CLI, the console page, the CSV and
the board paper all print, so every output says the same thing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from domain.case import Clock, Stage
from domain.simulation.replay import CaseRun

__all__ = [
    "ClockFigures",
    "Comparison",
    "Divergence",
    "PolicySummary",
    "Row",
    "compare",
    "summarise",
]

# Clocks an officer must act on; the stall clock is the engine's own and the survey goes out
# by itself, so neither is officer workload.
WORKLOAD_CLOCKS: frozenset[Clock] = frozenset(Clock) - {Clock.STALL, Clock.SURVEY}


@dataclass
class ClockFigures:
    """One clock's runs that fell due in the period: met in time, late, and how late."""

    due: int = 0
    met: int = 0
    late: int = 0  # met late, or still unmet after it fell due
    late_hours_total: float = 0.0
    late_hours_max: float = 0.0

    def add(self, late_seconds: int | None) -> None:
        self.due += 1
        if late_seconds is None:
            self.met += 1
            return
        hours = late_seconds / 3600
        self.late += 1
        self.late_hours_total += hours
        self.late_hours_max = max(self.late_hours_max, hours)

    @property
    def late_hours_mean(self) -> float:
        return self.late_hours_total / self.late if self.late else 0.0


@dataclass
class PolicySummary:
    label: str
    cases: int = 0
    not_opened: int = 0
    refusals: int = 0
    deadlines: dict[Clock, ClockFigures] = field(default_factory=dict)
    escalations: Counter[Clock] = field(default_factory=Counter)
    letters: Counter[str] = field(default_factory=Counter)
    first_contact: dict[str, tuple[int, int]] = field(default_factory=dict)  # tier: (in SLA, of)
    stages: Counter[str] = field(default_factory=Counter)
    workload: Counter[date] = field(default_factory=Counter)  # Monday of the week: deadlines due


def summarise(label: str, runs: Sequence[CaseRun], until: datetime) -> PolicySummary:
    """Sum one policy's case runs; deadlines count once they fall due, by ``until``."""
    s = PolicySummary(label=label, cases=len(runs))
    for run in runs:
        s.refusals += len(run.refusals)
        if not run.opened:
            s.not_opened += 1
            s.stages["not opened"] += 1
            continue
        s.stages[run.stage.value + (" (on hold)" if run.on_hold else "")] += 1
        s.letters.update(run.letters)
        s.escalations.update(clock for clock, _, _, _ in run.escalations)
        first: tuple[datetime, bool] | None = None
        for d in run.deadlines:
            if d.clock in WORKLOAD_CLOCKS and d.due_at <= until:  # the period's weeks only
                day = d.due_at.date()
                s.workload[day - timedelta(days=day.weekday())] += 1
            if d.due_at > until or (d.stopped_at is not None and d.stopped_at <= d.due_at):
                continue  # not yet due, or stopped before it fell due
            late = d.late_seconds(until)
            s.deadlines.setdefault(d.clock, ClockFigures()).add(late)
            if d.clock is Clock.FIRST_CONTACT and (first is None or d.set_at < first[0]):
                first = (d.set_at, late is None)
        if first is not None:
            within, total = s.first_contact.get(run.tier, (0, 0))
            s.first_contact[run.tier] = (within + int(first[1]), total + 1)
    return s


@dataclass(frozen=True)
class Divergence:
    """A case whose outcome changes, and the first point where its two runs part."""

    reference: str
    at: datetime
    current: str  # what happened there under the current policy ("-" when nothing did)
    proposed: str
    why: str
    outcome_current: str
    outcome_proposed: str


Row = tuple[str, str, str, str, str]  # section, measure, current, proposed, difference


@dataclass
class Comparison:
    current: PolicySummary
    proposed: PolicySummary
    diverged: list[Divergence]
    until: datetime

    def rows(self) -> list[Row]:
        """Every figure, current beside proposed, with the difference."""
        c, p = self.current, self.proposed
        out: list[Row] = [_row("Cases", "replayed", c.cases, p.cases)]
        out.append(_row("Cases", "not opened under this policy", c.not_opened, p.not_opened))
        out.append(_row("Cases", "recorded actions refused", c.refusals, p.refusals))
        for clock in Clock:
            a, b = c.deadlines.get(clock, ClockFigures()), p.deadlines.get(clock, ClockFigures())
            if not (a.due or b.due):
                continue
            name = clock.value.replace("_", " ")
            out.append(_row(f"Deadlines: {name}", "fell due", a.due, b.due))
            out.append(_row(f"Deadlines: {name}", "met in time", a.met, b.met))
            out.append(_row(f"Deadlines: {name}", "late or missed", a.late, b.late))
            out.append(
                _row(f"Deadlines: {name}", "mean hours late", a.late_hours_mean, b.late_hours_mean)
            )
            out.append(
                _row(f"Deadlines: {name}", "most hours late", a.late_hours_max, b.late_hours_max)
            )
        for clock in Clock:
            if c.escalations[clock] or p.escalations[clock]:
                name = clock.value.replace("_", " ")
                out.append(_row("Escalations", name, c.escalations[clock], p.escalations[clock]))
        for kind in sorted(set(c.letters) | set(p.letters)):
            out.append(_row("Letters", kind.replace("_", " "), c.letters[kind], p.letters[kind]))
        for tier in sorted(set(c.first_contact) | set(p.first_contact)):
            a_in, a_of = c.first_contact.get(tier, (0, 0))
            b_in, b_of = p.first_contact.get(tier, (0, 0))
            out.append(_row("First contact within SLA", f"tier {tier}", a_in, b_in))
            out.append(_row("First contact within SLA", f"tier {tier}: cases", a_of, b_of))
        stages = [s.value for s in Stage]
        for stage in sorted(set(c.stages) | set(p.stages), key=lambda s: _stage_order(s, stages)):
            out.append(
                _row("Cases per stage at period end", stage, c.stages[stage], p.stages[stage])
            )
        for week in sorted(set(c.workload) | set(p.workload)):
            label = f"week of {week:%Y-%m-%d}"
            out.append(
                _row("Deadlines falling due per week", label, c.workload[week], p.workload[week])
            )
        return out


def _stage_order(stage: str, stages: list[str]) -> tuple[int, str]:
    base = stage.split(" ")[0]
    return (stages.index(base) if base in stages else len(stages), stage)


def _row(section: str, measure: str, current: float, proposed: float) -> Row:
    def show(v: float) -> str:
        return f"{v:.1f}" if isinstance(v, float) else str(v)

    diff = proposed - current
    sign = "+" if diff > 0 else ""
    return (section, measure, show(current), show(proposed), f"{sign}{show(diff)}" if diff else "0")


def compare(
    current: PolicySummary,
    proposed: PolicySummary,
    runs: Sequence[tuple[CaseRun, CaseRun]],
    until: datetime,
) -> Comparison:
    """The two policies' figures and the cases whose outcome changes, each with where its runs
    first part and why (a refusal says the policy's reason)."""
    diverged: list[Divergence] = []
    for a, b in runs:
        before, after = a.outcome(until), b.outcome(until)
        if before == after:
            continue
        diverged.append(_first_divergence(a, b, before, after))
    diverged.sort(key=lambda d: (d.at, d.reference))
    return Comparison(current, proposed, diverged, until)


def _by_instant(trace: list[tuple[datetime, str]]) -> dict[datetime, list[str]]:
    found: dict[datetime, list[str]] = {}
    for at, what in trace:
        found.setdefault(at, []).append(what)
    return found


def _first_divergence(a: CaseRun, b: CaseRun, before: str, after: str) -> Divergence:
    """The first instant at which the two runs did different things, and what differed."""
    now, then = _by_instant(a.trace), _by_instant(b.trace)
    for at in sorted(set(now) | set(then)):
        x, y = now.get(at, []), then.get(at, [])
        if x == y:
            continue
        only_now = "; ".join(i for i in x if i not in y) or "-"
        only_then = "; ".join(i for i in y if i not in x) or "-"
        refusal = next((r for r in b.refusals if r.at == at), None)
        why = (
            f"the proposed policy refuses {refusal.action}: {refusal.reason}"
            if refusal is not None
            else f"under the current policy: {only_now}; under the proposed policy: {only_then}"
        )
        return Divergence(a.reference, at, only_now, only_then, why, before, after)
    raise AssertionError(f"{a.reference}: outcomes differ but the runs do not")  # pragma: no cover
