"""Every SLA row of every seed landlord, over weekends and bank holidays.

Expected dates are written out by hand (checked against the published 2025/2026 bank holidays
for England and Wales) rather than computed, so the tests do not share the code's arithmetic.
Rule numbers refer to docs/rules.md.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from functools import cache
from zoneinfo import ZoneInfo

import pytest

from core.bank_holidays import calendar_for
from core.policies import load_policy
from domain.calendar import WorkingCalendar
from domain.deadlines import (
    Clock,
    acknowledgement_due,
    closure_review_due,
    first_contact_due,
    next_contact_due,
    opening_deadlines,
    resolution_target_due,
    risk_review_due,
    survey_due,
)
from domain.errors import DomainError, UnknownValueError
from domain.policy import PolicyProfile, Tier

LONDON = ZoneInfo("Europe/London")
CLOSE = time(17, 0)
OPEN = time(9, 0)


@cache
def calendar(code: str) -> WorkingCalendar:
    return calendar_for(load_policy(code), 2025, 2027)


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=LONDON)


def local(instant: datetime | None) -> tuple[date, time]:
    assert instant is not None
    assert instant.tzinfo is UTC  # the calendar's documented convention
    here = instant.astimezone(LONDON)
    return here.date(), here.time()


# Reports and, for n = 1, 2, 3, 5 working days, the date the deadline falls on (17:00 London).
SCENARIOS: dict[str, tuple[datetime, dict[int, date]]] = {
    "monday-in-hours": (
        at(2026, 3, 9, 10),
        {1: date(2026, 3, 10), 2: date(2026, 3, 11), 3: date(2026, 3, 12), 5: date(2026, 3, 16)},
    ),
    "monday-before-opening": (
        at(2026, 3, 9, 7, 30),
        {1: date(2026, 3, 10), 2: date(2026, 3, 11), 3: date(2026, 3, 12), 5: date(2026, 3, 16)},
    ),
    "friday-evening": (
        at(2026, 3, 13, 18, 30),
        {1: date(2026, 3, 17), 2: date(2026, 3, 18), 3: date(2026, 3, 19), 5: date(2026, 3, 23)},
    ),
    "friday-at-closing-time": (
        at(2026, 3, 13, 17, 0),
        {1: date(2026, 3, 17), 2: date(2026, 3, 18), 3: date(2026, 3, 19), 5: date(2026, 3, 23)},
    ),
    "saturday": (
        at(2026, 3, 14, 12),
        {1: date(2026, 3, 17), 2: date(2026, 3, 18), 3: date(2026, 3, 19), 5: date(2026, 3, 23)},
    ),
    # Good Friday 3 Apr, Easter Monday 6 Apr 2026: the clock starts Tuesday 7 Apr.
    "thursday-evening-before-good-friday": (
        at(2026, 4, 2, 18),
        {1: date(2026, 4, 8), 2: date(2026, 4, 9), 3: date(2026, 4, 10), 5: date(2026, 4, 14)},
    ),
    "good-friday": (
        at(2026, 4, 3, 11),
        {1: date(2026, 4, 8), 2: date(2026, 4, 9), 3: date(2026, 4, 10), 5: date(2026, 4, 14)},
    ),
    # 24 Dec is a working day; 25, 26 Dec 2025 and 1 Jan 2026 are bank holidays.
    "christmas-eve-in-hours": (
        at(2025, 12, 24, 12),
        {1: date(2025, 12, 29), 2: date(2025, 12, 30), 3: date(2025, 12, 31), 5: date(2026, 1, 5)},
    ),
    "christmas-eve-evening": (
        at(2025, 12, 24, 18),
        {1: date(2025, 12, 30), 2: date(2025, 12, 31), 3: date(2026, 1, 2), 5: date(2026, 1, 6)},
    ),
    "new-years-eve-evening": (
        at(2025, 12, 31, 20),
        {1: date(2026, 1, 5), 2: date(2026, 1, 6), 3: date(2026, 1, 7), 5: date(2026, 1, 9)},
    ),
    "late-may-bank-holiday": (
        at(2026, 5, 25, 11),
        {1: date(2026, 5, 27), 2: date(2026, 5, 28), 3: date(2026, 5, 29), 5: date(2026, 6, 2)},
    ),
    "august-bank-holiday": (
        at(2026, 8, 31, 11),
        {1: date(2026, 9, 2), 2: date(2026, 9, 3), 3: date(2026, 9, 4), 5: date(2026, 9, 8)},
    ),
}

# Every SLA row of table 2.2 / 2.9: (landlord, tier, clock, working days, rule).
SLA_ROWS = [
    ("C", "serious", Clock.ACKNOWLEDGEMENT, 2, "R13"),
    ("C", "serious", Clock.FIRST_CONTACT, 1, "R14"),
    ("C", "less_serious", Clock.ACKNOWLEDGEMENT, 2, "R13"),
    ("C", "less_serious", Clock.FIRST_CONTACT, 5, "R14"),
    ("Y", "standard", Clock.FIRST_CONTACT, 2, "R14"),
    ("X", "serious", Clock.FIRST_CONTACT, 1, "R14"),
    ("X", "general", Clock.FIRST_CONTACT, 3, "R14"),
    ("B", "one_day", Clock.FIRST_CONTACT, 1, "R14"),
    ("B", "five_day", Clock.FIRST_CONTACT, 5, "R14"),
    ("P", "L1", Clock.FIRST_CONTACT, 1, "R14"),
    ("P", "L2", Clock.FIRST_CONTACT, 3, "R14"),
    ("P", "L3", Clock.FIRST_CONTACT, 5, "R14"),
]

Due = Callable[[PolicyProfile, WorkingCalendar, datetime, str], datetime | None]
DUE: dict[Clock, Due] = {
    Clock.ACKNOWLEDGEMENT: acknowledgement_due,
    Clock.FIRST_CONTACT: first_contact_due,
}
WD_FIELD = {Clock.ACKNOWLEDGEMENT: "acknowledgement_wd", Clock.FIRST_CONTACT: "first_contact_wd"}


@pytest.mark.parametrize(
    ("code", "tier", "clock", "days", "rule"),
    SLA_ROWS,
    ids=[f"{r[4]}-{r[0]}-{r[1]}-{r[2].value}" for r in SLA_ROWS],
)
def test_sla_row_due_at_close_of_nth_working_day(
    code: str, tier: str, clock: Clock, days: int, rule: str
) -> None:
    """R13/R14/R15: each tier's clock falls due at 17:00 on the n-th working day after the
    clock starts; out-of-hours reports start at the next working day's opening.

    One test per SLA row; the scenarios are compared as one mapping so that a failure shows
    every scenario that differs.
    """
    policy = load_policy(code)
    assert getattr(policy.tier(tier), WD_FIELD[clock]) == days  # the seed's number
    got = {
        name: local(DUE[clock](policy, calendar(code), received, tier))
        for name, (received, _) in SCENARIOS.items()
    }
    expected = {name: (dates[days], CLOSE) for name, (_, dates) in SCENARIOS.items()}
    assert got == expected


@pytest.mark.parametrize(
    ("code", "tier"), [("Y", "standard"), ("X", "serious"), ("B", "one_day"), ("P", "L3")]
)
def test_no_separate_acknowledgement_outside_connect(code: str, tier: str) -> None:
    """R13: only C has a separate acknowledgement clock; Y folds it into its 2 WD response."""
    policy = load_policy(code)
    assert acknowledgement_due(policy, calendar(code), at(2026, 3, 9), tier) is None


def test_connect_runs_two_clocks_at_once() -> None:
    """R13/R14: C's serious case: 2 WD acknowledgement and a 1 WD Neighbourly Places contact."""
    due = opening_deadlines(load_policy("C"), calendar("C"), at(2026, 3, 13, 18, 30), "serious")
    assert {k: local(v)[0] for k, v in due.items()} == {
        Clock.ACKNOWLEDGEMENT: date(2026, 3, 18),
        Clock.FIRST_CONTACT: date(2026, 3, 17),
    }


def test_unknown_tier_names_the_allowed_tiers() -> None:
    with pytest.raises(
        UnknownValueError, match="tier 'L4' is not known; allowed values: L1, L2, L3"
    ):
        first_contact_due(load_policy("P"), calendar("P"), at(2026, 3, 9), "L4")


def test_naive_datetime_rejected() -> None:
    with pytest.raises(DomainError, match="timezone-aware"):
        first_contact_due(load_policy("P"), calendar("P"), datetime(2026, 3, 9, 10), "L1")


def test_due_instant_respects_british_summer_time() -> None:
    """17:00 London is 16:00 UTC in summer and 17:00 UTC in winter."""
    policy, cal = load_policy("B"), calendar("B")
    summer = first_contact_due(policy, cal, at(2026, 6, 1), "one_day")
    winter = first_contact_due(policy, cal, at(2026, 1, 12), "one_day")
    assert summer == datetime(2026, 6, 2, 16, tzinfo=UTC)
    assert winter == datetime(2026, 1, 13, 17, tzinfo=UTC)


# ---- R17 / R52: resolution target -----------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (at(2026, 3, 9, 10), date(2026, 5, 14)),  # over Easter and the early May bank holiday
        (at(2026, 4, 2, 18, 30), date(2026, 6, 11)),  # starts after Easter Monday
    ],
)
def test_r52_your_housing_resolves_within_45_working_days(
    received: datetime, expected: date
) -> None:
    due = resolution_target_due(load_policy("Y"), calendar("Y"), received)
    assert local(due) == (expected, CLOSE)


@pytest.mark.parametrize("code", ["C", "X", "B", "P"])
def test_r52_no_resolution_target_where_the_policy_is_silent(code: str) -> None:
    assert resolution_target_due(load_policy(code), calendar(code), at(2026, 3, 9)) is None


def test_r17_your_housing_opening_clocks_include_the_kpi_response() -> None:
    """R17: Y's KPI (% answered within 2 WD) is measured on the first-contact clock."""
    due = opening_deadlines(load_policy("Y"), calendar("Y"), at(2026, 3, 9), "standard")
    assert set(due) == {Clock.FIRST_CONTACT, Clock.RESOLUTION_TARGET}


# ---- R16 / R18: risk review -------------------------------------------------------------------


@pytest.mark.parametrize("code", ["C", "Y", "X", "B", "P"])
def test_r16_no_risk_review_timescale_in_any_seed(code: str) -> None:
    policy = load_policy(code)
    for tier in policy.tier_codes:
        assert risk_review_due(policy, calendar(code), at(2026, 3, 9), tier) is None


def test_r16_risk_review_when_a_policy_sets_one() -> None:
    policy = load_policy("P")
    tiers = tuple(
        Tier.model_validate({**t.model_dump(), "risk_review_wd": 10}) for t in policy.tiers
    )
    custom = policy.model_copy(update={"tiers": tiers})
    due = risk_review_due(custom, calendar("P"), at(2026, 3, 20, 16), "L1")
    assert local(due) == (date(2026, 4, 7), CLOSE)  # 10 WD, skipping Good Friday, Easter Monday


# ---- R37: contact cadence ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agreed", "expected"),
    [
        (7, date(2026, 3, 16)),  # agreed weekly: within X's fortnightly maximum
        (14, date(2026, 3, 23)),
        (21, date(2026, 3, 23)),  # agreed three weeks: capped at X's 14 days
        (None, date(2026, 3, 23)),  # nothing agreed yet: X's maximum still applies
    ],
)
def test_r37_connexus_contact_at_least_fortnightly(agreed: int | None, expected: date) -> None:
    due = next_contact_due(load_policy("X"), calendar("X"), at(2026, 3, 9, 14), agreed)
    assert local(due) == (expected, CLOSE)


def test_r37_maximum_interval_moves_back_before_a_bank_holiday() -> None:
    """14 days from Mon 11 May 2026 is the late-May bank holiday: contact by Friday 22 May."""
    due = next_contact_due(load_policy("X"), calendar("X"), at(2026, 5, 11, 14), None)
    assert local(due) == (date(2026, 5, 22), CLOSE)


def test_r37_one_day_interval_from_a_friday_falls_on_monday() -> None:
    due = next_contact_due(load_policy("B"), calendar("B"), at(2026, 3, 13, 14), 1)
    assert local(due) == (date(2026, 3, 16), CLOSE)


@pytest.mark.parametrize("code", ["C", "Y", "B", "P"])
def test_r37_agreed_interval_where_no_maximum(code: str) -> None:
    policy, cal = load_policy(code), calendar(code)
    assert next_contact_due(policy, cal, at(2026, 3, 9), None) is None
    # 28 days after Mon 9 Mar is Easter Monday; Good Friday before it: due Thursday 2 April.
    assert local(next_contact_due(policy, cal, at(2026, 3, 9), 28)) == (date(2026, 4, 2), CLOSE)


@pytest.mark.parametrize("bad", [0, -3])
def test_r37_agreed_interval_must_be_positive(bad: int) -> None:
    with pytest.raises(DomainError, match="at least 1"):
        next_contact_due(load_policy("X"), calendar("X"), at(2026, 3, 9), bad)


# ---- R47: closure review ------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["X", "B"])
@pytest.mark.parametrize(
    ("last_activity", "expected"),
    [
        (at(2026, 4, 1, 15), date(2026, 4, 29)),  # 4 weeks / 28 days later
        (at(2026, 4, 27, 15), date(2026, 5, 26)),  # day 28 is the late-May bank holiday
        (at(2025, 11, 30, 15), date(2025, 12, 29)),  # day 28 is Sunday 28 Dec
    ],
)
def test_r47_closure_review_opens_after_28_days(
    code: str, last_activity: datetime, expected: date
) -> None:
    """R47: X 4 weeks, B 28 days: a review opens (never an automatic closure)."""
    due = closure_review_due(load_policy(code), calendar(code), last_activity)
    assert local(due) == (expected, OPEN)


@pytest.mark.parametrize("code", ["C", "Y", "P"])
def test_r47_no_inactivity_clock_where_no_timeframe(code: str) -> None:
    assert closure_review_due(load_policy(code), calendar(code), at(2026, 4, 1)) is None


# ---- R51: survey --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("closed", "expected"),
    [
        (at(2026, 5, 20, 15), date(2026, 5, 27)),
        (at(2026, 5, 18, 15), date(2026, 5, 26)),  # a week later is the late-May bank holiday
        (at(2025, 12, 18, 15), date(2025, 12, 29)),  # a week later is Christmas Day
    ],
)
def test_r51_your_housing_survey_one_week_after_closure(closed: datetime, expected: date) -> None:
    due = survey_due(load_policy("Y"), calendar("Y"), closed)
    assert local(due) == (expected, OPEN)


@pytest.mark.parametrize("code", ["C", "B", "P"])
def test_r51_survey_at_closure(code: str) -> None:
    closed = at(2026, 5, 20, 15, 45)
    assert survey_due(load_policy(code), calendar(code), closed) == closed.astimezone(UTC)


def test_r51_no_survey_for_connexus() -> None:
    assert survey_due(load_policy("X"), calendar("X"), at(2026, 5, 20)) is None


# ---- R46-R53 cross-check: every policy clock is either set or explicitly silent -------------


@pytest.mark.parametrize(
    ("code", "closure_days", "resolution_wd", "survey_offered", "cadence_max"),
    [
        ("C", None, None, True, None),
        ("Y", None, 45, True, None),
        ("X", 28, None, False, 14),
        ("B", 28, None, True, None),
        ("P", None, None, True, None),
    ],
)
def test_r46_r53_clock_parameters_per_landlord(
    code: str,
    closure_days: int | None,
    resolution_wd: int | None,
    survey_offered: bool,
    cadence_max: int | None,
) -> None:
    policy = load_policy(code)
    assert policy.closure.inactivity_review_days == closure_days
    assert policy.resolution_target_wd == resolution_wd
    assert policy.survey.offered is survey_offered
    assert policy.contact.cadence_max_days == cadence_max
