"""One-line summaries that the workflow puts on its timers and activities, so that the Temporal
UI and CLI name the clock a case waits for and the letters an activity sends, instead of
"timer 2" and "carry_out" (issue 11). Ids and codes only: no personal data goes in a summary."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from domain import clocks
from domain.case import CaseState, Stage
from domain.commands import Command

__all__ = ["batch_summary", "due_summary"]

# Temporal shows a summary on one line; a long one is cut, never the clock's name.
MAX_SUMMARY = 200


def due_summary(state: CaseState) -> str:
    """What the case's next timer waits for: each clock due at the earliest instant, as its
    deadline or as a repeat escalation of a missed one (R13-R14, R37, R47, R51, R52)."""
    due: list[tuple[datetime, str]] = []
    for d in state.deadlines.values():
        at = clocks.next_instant(d)
        if at is not None:
            name = d.clock.value.replace("_", " ")
            what = "deadline" if d.breached_at is None else f"escalation {d.escalations + 1}"
            due.append((at, f"{name} {what}"))
    if state.stage is Stage.SURVEY and state.survey.closes_at is not None:
        due.append((state.survey.closes_at, "survey closes"))
    if not due:
        return "nothing due"
    first = min(at for at, _ in due)
    return _cut("Due: " + ", ".join(sorted({name for at, name in due if at == first})))


def batch_summary(commands: Sequence[Command]) -> str:
    """What one carry_out activity does: the letters it sends by kind, then the other effects."""
    letters = [c.kind.value for c in commands if c.type == "send_letter"]
    others: dict[str, int] = {}
    for c in commands:
        if c.type == "notify_supervisor":
            label = f"notify supervisor ({c.reason})"
        elif c.type == "record_event":
            label = f"record {c.action}"
        elif c.type != "send_letter":
            label = c.type.replace("_", " ")
        else:
            continue
        others[label] = others.get(label, 0) + 1
    parts = [f"letter {kind}" for kind in letters]
    parts += [label if n == 1 else f"{label} x{n}" for label, n in others.items()]
    return _cut("; ".join(parts) or "nothing")


def _cut(text: str) -> str:
    return text if len(text) <= MAX_SUMMARY else text[: MAX_SUMMARY - 3] + "..."
