"""The case stage machine: pure functions the Temporal workflow interprets (docs/design.md).

``open_case`` starts a case, ``check`` validates an action (update validator), ``decide``
applies it, ``next_due`` says when the deadline loop must wake, ``tick`` handles whatever is
due. The view a supervisor queries is a workflow payload built from the state
(``contracts.view.build_view``). Every function is pure: no I/O, no clock, no
randomness. A new state is returned; the input is never changed. Side effects are returned as
commands (:mod:`domain.commands`) with deterministic business keys.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import Enum

from pydantic import BaseModel

from domain import clocks
from domain import deadlines as dl
from domain.actions import Action, bind
from domain.calendar import require_aware
from domain.case import CaseSetup, CaseState, Clock, Deadline, Incident, OpenCase, Stage
from domain.commands import Command, LetterKind, NotifyReason, RecordAction, RecordIntake
from domain.effects import Effects
from domain.errors import DomainError
from domain.guards import ActionRefused, refusal
from domain.predicates import floor_tier
from domain.stages import enter_review, finish, move
from domain.steps import check_case_review, local_day
from domain.triage import TriageResult, triage
from domain.vocabulary import SYSTEM, PartyRole, SharingBasis

__all__ = [
    "ActionRefused",
    "check",
    "decide",
    "next_due",
    "open_case",
    "tick",
]


# Immutable: shared by the copies. A tuple in the state only ever holds immutable values.
_SHARED = (str, int, float, bool, date, tuple, Enum, type(None))


def _shared(value: object) -> bool:
    if isinstance(value, _SHARED):
        return True
    return isinstance(value, BaseModel) and bool(value.model_config.get("frozen"))


def _clone(value: object) -> object:
    """Deep copy of mutable models, lists and dicts; immutable values (str, numbers, dates,
    enums, frozen models such as the policy profile) are shared. Much faster than deepcopy,
    and than ``model_copy``: the copy is the same fields, already valid."""
    if isinstance(value, _SHARED):
        return value
    if isinstance(value, BaseModel):
        if value.model_config.get("frozen"):
            return value
        new = object.__new__(type(value))
        fields = {k: v if isinstance(v, _SHARED) else _clone(v) for k, v in value.__dict__.items()}
        object.__setattr__(new, "__dict__", fields)
        object.__setattr__(new, "__pydantic_fields_set__", set(value.__pydantic_fields_set__))
        object.__setattr__(new, "__pydantic_extra__", value.__pydantic_extra__)
        object.__setattr__(new, "__pydantic_private__", value.__pydantic_private__)
        return new
    # The state's lists and dicts hold one type each: when the first item is immutable, all are.
    if isinstance(value, list):
        return list(value) if not value or _shared(value[0]) else [_clone(v) for v in value]
    if isinstance(value, dict):
        if not value or _shared(next(iter(value.values()))):
            return dict(value)
        return {k: _clone(v) for k, v in value.items()}
    return value


def _copy(state: CaseState) -> CaseState:
    """A new state to change, so the caller's state is never mutated."""
    new = _clone(state)
    assert isinstance(new, CaseState)
    return new


# ---- opening ------------------------------------------------------------------------------------


def open_case(setup: CaseSetup, opened: OpenCase, now: datetime) -> tuple[CaseState, list[Command]]:
    """Open a case: triage (R14, R15, R24, R25), start the clocks, route DA (R24), R56."""
    require_aware(now, "now")
    policy = setup.policy
    if opened.landlord != policy.code:
        raise DomainError(
            f"case landlord {opened.landlord!r} does not match policy {policy.code!r}"
        )
    complainants = [p for p in opened.parties if p.role is PartyRole.COMPLAINANT]
    if len(complainants) != 1:
        raise DomainError(f"a case needs exactly one complainant, got {len(complainants)}")
    result = triage(policy, opened.categories, opened.vulnerability)
    state = _initial_state(setup, opened, result, complainants[0].anonymous, now)
    fx = Effects(state, now, SYSTEM)
    fx.event(
        "open_case",
        f"Case opened in tier {state.tier} by {opened.channel} (R6, R15).",
        tier=state.tier,
        hate=state.hate,
        domestic_abuse=state.domestic_abuse,
        anonymous=state.anonymous,
        linked_reference=opened.linked_reference,
        triage="; ".join(result.reasons),
    )
    _start_clocks(state, now)
    if state.domestic_abuse:
        _route_domestic_abuse(state, fx)
    check_case_review(state, now, fx)
    fx.commands.append(_intake_record(setup, opened, fx, now))
    return state, fx.commands


def _intake_record(setup: CaseSetup, opened: OpenCase, fx: Effects, now: datetime) -> Command:
    """The intake as the case opened, kept for the policy what-if (services/whatif.py)."""
    return RecordIntake(
        key=fx.key("intake"),
        reference=opened.reference,
        at=now,
        opened=opened,
        policy_version=setup.policy.policy_version,
        rules_revision=setup.rules_revision,
        holidays_from=setup.holidays_from,
        holidays_to=setup.holidays_to,
    )


def _initial_state(
    setup: CaseSetup, opened: OpenCase, result: TriageResult, anonymous: bool, now: datetime
) -> CaseState:
    state = CaseState(
        reference=opened.reference,
        landlord=opened.landlord,
        policy=setup.policy,
        holidays=tuple(sorted(setup.holidays)),
        holidays_from=setup.holidays_from,
        holidays_to=setup.holidays_to,
        rules_revision=setup.rules_revision,
        received_at=opened.received_at,
        opened_at=now,
        categories=tuple(opened.categories),
        channel=opened.channel,
        linked_reference=opened.linked_reference,
        tier=result.tier,
        hate=result.hate,
        domestic_abuse=result.domestic_abuse,
        anonymous=anonymous,
        parties=tuple(opened.parties),
        officer_id=opened.officer_id,
        # R56: the report itself is the first qualifying complaint of this case.
        incidents=[Incident(occurred_at=opened.received_at, logged_at=now, hate=result.hate)],
        prior_incidents_6m=opened.prior_incidents_6m,
        prior_hate_incidents_6m=opened.prior_hate_incidents_6m,
        distinct_reporters_6m=opened.distinct_reporters_6m,
        last_meaningful_event_at=now,
        last_report_at=opened.received_at,
    )
    floor = floor_tier(state)  # R24, R25: hate / DA lift the tier
    if floor is not None:
        state.tier = setup.policy.highest_tier([state.tier, floor])
    return state


def _start_clocks(state: CaseState, now: datetime) -> None:
    cal = clocks.calendar(state)
    opening = dl.opening_deadlines(state.policy, cal, state.received_at, state.tier)
    if state.anonymous and state.rules_revision >= 1:
        opening = _anonymous_deadlines(opening)
    for clock, due in opening.items():
        if state.anonymous and clock in _silent_clocks(state):
            continue  # R8: no feedback to an anonymous complainant
        clocks.set_deadline(state, clock, due, now)
    clocks.touch_report(state, _inactive_since(state, now))
    clocks.touch_meaningful(state, now)


def _silent_clocks(state: CaseState) -> tuple[Clock, ...]:
    """R8: an anonymous complainant is never contacted, so no first-contact clock runs. From
    revision 1 the acknowledgement clock still does: it is the landlord's own deadline for an
    officer to assess the report (R6, R13), and it escalates when missed like any other."""
    if state.rules_revision >= 1:
        return (Clock.FIRST_CONTACT,)
    return (Clock.ACKNOWLEDGEMENT, Clock.FIRST_CONTACT)


def _anonymous_deadlines(opening: dict[Clock, datetime]) -> dict[Clock, datetime]:
    """R8, R13, R14: a landlord without a separate acknowledgement deadline (Y) answers a report
    by first contact; for an anonymous report, that is its deadline for an officer to assess
    it, kept as the acknowledgement clock since no one can be contacted."""
    first = opening.get(Clock.FIRST_CONTACT)
    if Clock.ACKNOWLEDGEMENT in opening or first is None:
        return opening
    return {**opening, Clock.ACKNOWLEDGEMENT: first}


def _inactive_since(state: CaseState, now: datetime) -> datetime:
    """R47: inactivity counts from the report. A report logged so late that the clock would
    already have run out counts from when it was logged (revision 1): nobody has worked it
    yet, and believe housing (14.4) will "not assume that a case has been resolved"."""
    if state.rules_revision < 1:
        return state.received_at
    due = dl.closure_review_due(state.policy, clocks.calendar(state), state.received_at)
    return now if due is not None and due <= now else state.received_at


def _route_domestic_abuse(state: CaseState, fx: Effects) -> None:
    """R24 (X): DA reported, mentioned or suspected -> safeguarding referral and DA route."""
    complainant = state.complainant
    fx.referral(
        "safeguarding",
        complainant.id if complainant else None,
        consent=False,
        basis=SharingBasis.SAFEGUARDING,
        reason="domestic abuse suspected (R24)",
    )
    fx.notify(
        NotifyReason.SAFEGUARDING,
        "Domestic abuse suspected: safeguarding referral made; handle "
        "under the domestic abuse policy (R21, R24).",
    )
    fx.event(
        "domestic_abuse_route",
        "Domestic abuse suspected: safeguarding referral made and "
        "the case follows the domestic abuse route (R24).",
    )


# ---- actions ------------------------------------------------------------------------------------


def check(state: CaseState, action: Action, now: datetime) -> None:
    """Raise ActionRefused(reason) when the action may not be taken now (update validator)."""
    reason = refusal(state, action, now)
    if reason is not None:
        raise ActionRefused(reason)


def decide(state: CaseState, action: Action, now: datetime) -> tuple[CaseState, list[Command]]:
    """Apply an action: a new state and the commands to run. Calls :func:`check` first."""
    check(state, action, now)
    new = _copy(state)
    fx = Effects(new, now, action.actor)
    bound = bind(action)
    bound.apply(new, now, fx)
    if bound.rules.progress and new.is_open:  # the stall clock runs through the others
        clocks.touch_meaningful(new, now)
    payload = action.model_dump(mode="json")  # what-if replays it (services/whatif.py)
    fx.commands.append(
        RecordAction(key=fx.key("action"), reference=new.reference, at=now, action=payload)
    )
    return new, fx.commands


# ---- timers -------------------------------------------------------------------------------------


def next_due(state: CaseState) -> datetime | None:
    """The earliest instant at which :func:`tick` has work: an unmet, unpaused deadline or the
    next escalation of a missed one. None when nothing is running (on hold, or finished)."""
    if state.finished:
        return None
    instants = clocks.due_instants(state)
    return min(instants) if instants else None


def tick(state: CaseState, now: datetime) -> tuple[CaseState, list[Command]]:
    """Handle everything due at ``now``: escalations, closure reviews, the survey."""
    require_aware(now, "now")
    new = _copy(state)
    fx = Effects(new, now, SYSTEM)
    if not new.finished:
        for clock in Clock:
            deadline = new.deadlines.get(clock)
            at = clocks.next_instant(deadline) if deadline else None
            if deadline is not None and at is not None and at <= now:
                _on_due(new, deadline, now, fx)
        _close_survey_window(new, now, fx)
    return new, fx.commands


def _on_due(s: CaseState, deadline: Deadline, now: datetime, fx: Effects) -> None:
    if deadline.clock is Clock.SURVEY:
        _send_survey(s, now, fx)
    elif deadline.clock is Clock.CLOSURE_REVIEW:
        _open_closure_review(s, now, fx)
    else:
        _escalate(s, deadline, now, fx)


def _escalate(s: CaseState, deadline: Deadline, now: datetime, fx: Effects) -> None:
    """A missed deadline: escalation recorded, supervisor notified, again while unmet."""
    e = clocks.escalate(s, deadline, now)
    late_h = e.breached_by_seconds // 3600
    summary = (
        f"The {e.clock.value.replace('_', ' ')} deadline of {e.due_at:%Y-%m-%d %H:%M} "
        f"UTC is missed by {late_h} hours; escalation level {e.level}."
    )
    fx.notify(
        NotifyReason.DEADLINE_MISSED,
        summary,
        clock=e.clock,
        due_at=e.due_at,
        breached_by_seconds=e.breached_by_seconds,
        level=e.level,
    )
    fx.event(
        f"tick:{e.clock.value}",
        summary,
        clock=e.clock.value,
        level=e.level,
        breached_by_seconds=e.breached_by_seconds,
    )


def _open_closure_review(s: CaseState, now: datetime, fx: Effects) -> None:
    """R47: inactivity opens a closure review; the engine never closes a case by itself."""
    clocks.meet(s, Clock.CLOSURE_REVIEW, now)
    if s.stage is Stage.CLOSURE_REVIEW or s.closure is not None:
        return
    enter_review(s)
    s.closure_review_opened_at = now
    days = s.policy.closure.inactivity_review_days
    summary = (
        f"No contact, incidents or reports for {days} days: a closure review is open. "
        "The case stays open until an officer decides (R47)."
    )
    fx.notify(NotifyReason.CLOSURE_REVIEW_DUE, summary, clock=Clock.CLOSURE_REVIEW)
    fx.event("tick:closure_review", summary)


def _send_survey(s: CaseState, now: datetime, fx: Effects) -> None:
    """R51: the satisfaction survey goes out; the response window opens."""
    clocks.meet(s, Clock.SURVEY, now)
    move(s, Stage.SURVEY)
    s.survey.invited_at = now
    s.survey.closes_at = now + timedelta(days=clocks.SURVEY_RESPONSE_DAYS)
    fx.to_complainant(LetterKind.SURVEY_INVITATION, closes_on=local_day(s, s.survey.closes_at))
    fx.event(
        "tick:survey",
        "Satisfaction survey due: invitation to the complainant requested (R51).",
    )


def _close_survey_window(s: CaseState, now: datetime, fx: Effects) -> None:
    closes = s.survey.closes_at
    if s.stage is Stage.SURVEY and closes is not None and closes <= now:
        finish(s)
        fx.event("tick:survey_closed", "No survey response within the window; case finished.")
