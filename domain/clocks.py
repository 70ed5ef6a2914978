"""Case clocks as data: setting, meeting, pausing and escalating deadlines (docs/design.md, Timers).

All functions here work on a case state that the caller has already copied; the public, pure
entry points are in :mod:`domain.machine`. Due instants come from :mod:`domain.deadlines`
(policy numbers, working-day calendar); this module adds the engine's own clocks and rules:

* ``stall``: no meaningful event for :data:`STALL_DAYS` calendar days escalates.
* Escalation: a missed deadline is escalated when first seen, then again at close of business
  every :data:`ESCALATION_REPEAT_WD` working days (:data:`RESOLUTION_REPEAT_WD` for the
  resolution target, a long-running target) until it is met or stops applying.
* Hold (R17): every open clock is paused; on resume each moves on by the time it spent paused.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from domain import deadlines as dl
from domain.calendar import WorkingCalendar
from domain.case import CaseState, Clock, Deadline, Escalation, Stage

__all__ = [
    "ESCALATING_CLOCKS",
    "ESCALATION_REPEAT_WD",
    "MAX_ESCALATION_HISTORY",
    "RESOLUTION_REPEAT_WD",
    "STALL_DAYS",
    "SURVEY_RESPONSE_DAYS",
    "calendar",
    "due_instants",
    "escalate",
    "meet",
    "pause_all",
    "reset_cadence",
    "resume_all",
    "set_deadline",
    "stop",
    "stop_all",
    "touch_meaningful",
    "touch_report",
]

STALL_DAYS = 14  # calendar days without a meaningful event before a case counts as stalled
ESCALATION_REPEAT_WD = 2  # working days between repeat escalations of a missed deadline
RESOLUTION_REPEAT_WD = 10  # the 45 WD resolution target (R52) is re-escalated fortnightly
SURVEY_RESPONSE_DAYS = 28  # calendar days a survey stays open before the case finishes (R51)
MAX_ESCALATION_HISTORY = 50  # escalations kept in state; the full trail is in case_events

# Clocks whose miss is an escalation. closure_review and survey are prompts: when due they open
# a review / send the survey, and never escalate themselves (the stall clock covers inaction).
ESCALATING_CLOCKS: frozenset[Clock] = frozenset(
    {
        Clock.ACKNOWLEDGEMENT,
        Clock.FIRST_CONTACT,
        Clock.NEXT_CONTACT,
        Clock.RISK_REVIEW,
        Clock.RESOLUTION_TARGET,
        Clock.STALL,
    }
)


def calendar(state: CaseState) -> WorkingCalendar:
    """The case's working calendar, from the holiday dates fixed when it opened."""
    return WorkingCalendar.for_policy(
        state.policy, frozenset(state.holidays), state.holidays_from, state.holidays_to
    )


def set_deadline(state: CaseState, clock: Clock, due: datetime | None, now: datetime) -> None:
    """Start (or restart) a clock; ``None`` stops it (the policy sets no such clock)."""
    if due is None:
        stop(state, clock, now)
        return
    state.deadlines[clock] = Deadline(
        clock=clock, due_at=due, set_at=now, paused=state.hold is not None
    )


def meet(state: CaseState, clock: Clock, now: datetime) -> bool:
    """Mark a clock met (stops any escalation). False when it was not running."""
    deadline = state.deadlines.get(clock)
    if deadline is None or not deadline.open:
        return False
    deadline.met_at = now
    deadline.next_escalation_at = None
    return True


def stop(state: CaseState, clock: Clock, now: datetime) -> None:
    deadline = state.deadlines.get(clock)
    if deadline is not None and deadline.open:
        deadline.stopped_at = now
        deadline.next_escalation_at = None


def stop_all(state: CaseState, now: datetime, keep: frozenset[Clock] = frozenset()) -> None:
    for clock in list(state.deadlines):
        if clock not in keep:
            stop(state, clock, now)


def retime(state: CaseState, clock: Clock, due: datetime | None, now: datetime) -> None:
    """Move an open clock's due time (tier change, R16); a met clock is left alone."""
    deadline = state.deadlines.get(clock)
    if deadline is None or not deadline.open or due is None:
        return
    deadline.due_at = due
    if due > now:
        deadline.breached_at = None
        deadline.next_escalation_at = None


def reset_cadence(state: CaseState, now: datetime) -> None:
    """R37: next contact = min(agreed interval, policy maximum) after the last contact.

    R8: no cadence for an anonymous complainant. Before any contact is made the cadence runs
    from ``now`` (e.g. when the action plan is agreed).
    """
    if state.anonymous:
        return
    base = state.contact.last_contact_at or now
    due = dl.next_contact_due(
        state.policy, calendar(state), base, state.contact.agreed_interval_days
    )
    meet(state, Clock.NEXT_CONTACT, now)
    if due is not None:
        set_deadline(state, Clock.NEXT_CONTACT, due, now)


def touch_meaningful(state: CaseState, now: datetime) -> None:
    """Something happened on the case: the stall clock starts again."""
    state.last_meaningful_event_at = now
    meet(state, Clock.STALL, now)
    set_deadline(state, Clock.STALL, now + timedelta(days=STALL_DAYS), now)


def touch_report(state: CaseState, now: datetime) -> None:
    """R47: contact, an incident or evidence: the inactivity (closure review) clock restarts."""
    state.last_report_at = now
    due = dl.closure_review_due(state.policy, calendar(state), now)
    meet(state, Clock.CLOSURE_REVIEW, now)
    if due is not None:
        set_deadline(state, Clock.CLOSURE_REVIEW, due, now)


def pause_all(state: CaseState) -> None:
    """R17: every open clock is paused while the case is on hold."""
    for deadline in state.deadlines.values():
        if deadline.open:
            deadline.paused = True


def resume_all(state: CaseState, since: datetime, now: datetime) -> int:
    """R17: each open clock moves on by the time it spent paused. Returns the hold in seconds."""
    for deadline in state.deadlines.values():
        if not deadline.open:
            continue
        shift = now - max(since, deadline.set_at)
        deadline.due_at += shift
        if deadline.next_escalation_at is not None:
            deadline.next_escalation_at += shift
        deadline.paused = False
    return int((now - since).total_seconds())


def next_instant(deadline: Deadline) -> datetime | None:
    """When this clock next needs attention: its due time, or its next escalation."""
    if not deadline.open or deadline.paused:
        return None
    if deadline.breached_at is None:
        return deadline.due_at
    return deadline.next_escalation_at


def due_instants(state: CaseState) -> list[datetime]:
    """Every instant at which :func:`domain.machine.tick` has work to do."""
    found = [at for d in state.deadlines.values() if (at := next_instant(d)) is not None]
    if state.stage is Stage.SURVEY and state.survey.closes_at is not None:
        found.append(state.survey.closes_at)
    return found


def escalate(state: CaseState, deadline: Deadline, now: datetime) -> Escalation:
    """Record one escalation of a missed deadline and schedule the next one."""
    deadline.escalations += 1
    if deadline.breached_at is None:
        deadline.breached_at = now
    repeat = RESOLUTION_REPEAT_WD if deadline.clock is Clock.RESOLUTION_TARGET else None
    days = repeat or ESCALATION_REPEAT_WD
    cal = calendar(state)
    deadline.next_escalation_at = cal.closing(cal.add_working_days(cal.local_date(now), days))
    record = Escalation(
        clock=deadline.clock,
        due_at=deadline.due_at,
        breached_by_seconds=int((now - deadline.due_at).total_seconds()),
        level=deadline.escalations,
        at=now,
    )
    state.escalations = [*state.escalations, record][-MAX_ESCALATION_HISTORY:]
    return record
