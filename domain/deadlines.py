"""Due instants of every case clock, one pure function per clock.

Each function takes the landlord's :class:`PolicyProfile`, a :class:`WorkingCalendar` built for
it, and the event the clock runs from; it returns an aware UTC datetime, or ``None`` when the
landlord's policy sets no such clock (a silent policy never gets an invented deadline).

Two kinds of clock (see ``domain.calendar`` for the time conventions):

* **Working-day deadlines** (acknowledgement, first contact, risk review, resolution target) are
  due at close of office hours on the n-th working day after the clock starts; the clock start
  follows the landlord's out-of-hours rule.
* **Calendar-day clocks** (contact cadence, closure review, survey) count calendar days in the
  landlord's zone and then land on a working day: the contact cadence is a *maximum* interval
  (R37), so it moves back to the last working day on or before the target; the closure review
  and a delayed survey are prompts, so they open at the start of the first working day on or
  after the target.
"""

from __future__ import annotations

import calendar as _months
from datetime import UTC, date, datetime, timedelta

from domain.calendar import WorkingCalendar, require_aware
from domain.case import Clock  # one enum for every clock (re-exported here)
from domain.errors import DomainError
from domain.policy import PolicyProfile, SurveyTiming

__all__ = [
    "Clock",
    "acknowledgement_due",
    "closure_review_due",
    "contract_end",
    "first_contact_due",
    "next_contact_due",
    "opening_deadlines",
    "resolution_target_due",
    "risk_review_due",
    "survey_due",
]


def acknowledgement_due(
    policy: PolicyProfile, calendar: WorkingCalendar, received_at: datetime, tier: str
) -> datetime | None:
    """R13: acknowledge a new case (C: 2 WD). None where there is no separate acknowledgement."""
    days = policy.tier(tier).acknowledgement_wd
    return None if days is None else calendar.working_day_deadline(received_at, days)


def first_contact_due(
    policy: PolicyProfile, calendar: WorkingCalendar, received_at: datetime, tier: str
) -> datetime:
    """R14: first response / initial contact for the case's tier. Every tier has one."""
    return calendar.working_day_deadline(received_at, policy.tier(tier).first_contact_wd)


def risk_review_due(
    policy: PolicyProfile, calendar: WorkingCalendar, last_assessed_at: datetime, tier: str
) -> datetime | None:
    """R16/R18: next risk (re)assessment, from the report or the last assessment.

    None when the tier sets no timescale (true of all five seed landlords).
    """
    days = policy.tier(tier).risk_review_wd
    return None if days is None else calendar.working_day_deadline(last_assessed_at, days)


def resolution_target_due(
    policy: PolicyProfile, calendar: WorkingCalendar, received_at: datetime
) -> datetime | None:
    """R52: resolution target from the report (Y: 45 WD). A target, not a breach of policy."""
    days = policy.resolution_target_wd
    return None if days is None else calendar.working_day_deadline(received_at, days)


def next_contact_due(
    policy: PolicyProfile,
    calendar: WorkingCalendar,
    last_contact_at: datetime,
    agreed_interval_days: int | None,
) -> datetime | None:
    """R37: next contact with the complainant = min(agreed interval, policy maximum).

    Calendar days from the last contact; due at close of office hours on the last working day on
    or before that date (a maximum interval must not slip past a weekend), but never on the day
    of the last contact itself. None when neither an interval is agreed nor a maximum is set.
    """
    if agreed_interval_days is not None and agreed_interval_days < 1:
        raise DomainError(f"agreed_interval_days must be at least 1, got {agreed_interval_days}")
    limits = [d for d in (agreed_interval_days, policy.contact.cadence_max_days) if d is not None]
    if not limits:
        return None
    last_day = calendar.local_date(last_contact_at, "last_contact_at")
    due_day = calendar.working_day_on_or_before(last_day + timedelta(days=min(limits)))
    if due_day <= last_day:
        due_day = calendar.next_working_day(last_day)
    return calendar.closing(due_day)


def closure_review_due(
    policy: PolicyProfile, calendar: WorkingCalendar, last_activity_at: datetime
) -> datetime | None:
    """R47: when a closure *review* opens after no contact, incidents or reports.

    X: 4 weeks, B: 28 days (calendar days). Opens at the start of the first working day on or
    after that date. The engine never closes a case on this clock (docs/design.md). None when the
    policy sets no timeframe (C, Y silent; P "no set time frame").
    """
    days = policy.closure.inactivity_review_days
    if days is None:
        return None
    last_day = calendar.local_date(last_activity_at, "last_activity_at")
    return calendar.opening(calendar.working_day_on_or_after(last_day + timedelta(days=days)))


def survey_due(
    policy: PolicyProfile, calendar: WorkingCalendar, closed_at: datetime
) -> datetime | None:
    """R51: when to send the satisfaction survey.

    Y: one week (7 calendar days) after closure, at the start of the first working day on or
    after it; C, B at closure and P "where possible": at the closing instant. None when no survey
    is offered (X).
    """
    survey = policy.survey
    require_aware(closed_at, "closed_at")
    if not survey.offered:
        return None
    if survey.when is SurveyTiming.AFTER_CLOSURE and survey.delay_days is not None:
        closed_day = calendar.local_date(closed_at, "closed_at")
        target = closed_day + timedelta(days=survey.delay_days)
        return calendar.opening(calendar.working_day_on_or_after(target))
    return closed_at.astimezone(UTC)


def contract_end(start: date, months: int) -> date:
    """R40: the last day of an acceptable behaviour contract of ``months`` from ``start``.

    Calendar months, the way a contract is read: the day before the same date ``months`` later
    (3 months from 15 March end on 14 June), or that month's last day where it has no such
    date (3 months from 31 January end on 30 April)."""
    if months < 1:
        raise DomainError("an acceptable behaviour contract lasts at least one month")
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    last = _months.monthrange(year, month)[1]
    if start.day > last:
        return date(year, month, last)
    return date(year, month, start.day) - timedelta(days=1)


def opening_deadlines(
    policy: PolicyProfile, calendar: WorkingCalendar, received_at: datetime, tier: str
) -> dict[Clock, datetime]:
    """The clocks that start when a case opens, leaving out those the policy does not set."""
    due: dict[Clock, datetime | None] = {
        Clock.ACKNOWLEDGEMENT: acknowledgement_due(policy, calendar, received_at, tier),
        Clock.FIRST_CONTACT: first_contact_due(policy, calendar, received_at, tier),
        Clock.RISK_REVIEW: risk_review_due(policy, calendar, received_at, tier),
        Clock.RESOLUTION_TARGET: resolution_target_due(policy, calendar, received_at),
    }
    return {clock: at for clock, at in due.items() if at is not None}
