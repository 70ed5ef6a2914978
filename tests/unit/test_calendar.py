"""WorkingCalendar and UK bank holidays (section 2.2 notes: clock start and working days)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from core.bank_holidays import calendar_for, holiday_dates
from core.policies import load_policy
from domain.calendar import WorkingCalendar
from domain.deadlines import first_contact_due
from domain.errors import CalendarRangeError, DomainError, UnknownValueError
from domain.policy import HolidayRegion, OutOfHoursRule, parse_policy

LONDON = ZoneInfo("Europe/London")
YEARS = range(2025, 2028)


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=LONDON)


def london(instant: datetime) -> datetime:
    return instant.astimezone(LONDON)


def england() -> WorkingCalendar:
    return calendar_for(load_policy("B"), 2025, 2027)


# ---- bank holidays per region -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "eng", "sct", "nir"),
    [
        (date(2025, 12, 25), True, True, True),  # Christmas Day
        (date(2025, 12, 26), True, True, True),  # Boxing Day
        (date(2026, 1, 1), True, True, True),
        (date(2026, 1, 2), False, True, False),  # Scotland's 2 January
        (date(2026, 3, 17), False, False, True),  # St Patrick's Day
        (date(2026, 4, 3), True, True, True),  # Good Friday
        (date(2026, 4, 6), True, False, True),  # Easter Monday: not in Scotland
        (date(2026, 5, 25), True, True, True),  # late-May (spring) bank holiday
        (date(2026, 7, 13), False, False, True),  # Battle of the Boyne (observed)
        (date(2026, 8, 3), False, True, False),  # Scotland's summer bank holiday
        (date(2026, 8, 31), True, False, True),  # August bank holiday (England, Wales, NI)
        (date(2025, 12, 1), False, True, False),  # St Andrew's Day 2025 (observed)
        (date(2026, 11, 30), False, True, False),  # St Andrew's Day 2026
        (date(2026, 12, 28), True, True, True),  # Boxing Day 2026 substitute day
        (date(2025, 12, 24), False, False, False),  # Christmas Eve is a working day
    ],
)
def test_bank_holidays_by_region(day: date, eng: bool, sct: bool, nir: bool) -> None:
    assert (day in holiday_dates("england-and-wales", YEARS)) is eng
    assert (day in holiday_dates("scotland", YEARS)) is sct
    assert (day in holiday_dates("northern-ireland", YEARS)) is nir


def test_unknown_region_names_allowed_values() -> None:
    with pytest.raises(
        UnknownValueError,
        match="holiday region 'wales' is not known; allowed values: "
        "england-and-wales, northern-ireland, scotland",
    ):
        holiday_dates("wales", YEARS)


# ---- working days -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 3, 13), True),  # Friday
        (date(2026, 3, 14), False),  # Saturday
        (date(2026, 3, 15), False),  # Sunday
        (date(2026, 4, 3), False),  # Good Friday
        (date(2025, 12, 24), True),
        (date(2025, 12, 25), False),
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert england().is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 3, 9), 0, date(2026, 3, 9)),
        (date(2026, 3, 14), 0, date(2026, 3, 16)),  # n = 0 from a Saturday: Monday
        (date(2026, 4, 2), 1, date(2026, 4, 7)),  # over Easter
        (date(2025, 12, 24), 3, date(2025, 12, 31)),
        (date(2025, 12, 24), 4, date(2026, 1, 2)),  # over New Year's Day
    ],
)
def test_add_working_days(start: date, n: int, expected: date) -> None:
    assert england().add_working_days(start, n) == expected


def test_negative_working_days_rejected() -> None:
    with pytest.raises(DomainError, match="must not be negative"):
        england().add_working_days(date(2026, 3, 9), -1)


def test_working_days_between() -> None:
    assert england().working_days_between(date(2026, 4, 2), date(2026, 4, 10)) == 4  # 7-10 April
    assert england().working_days_between(date(2026, 4, 10), date(2026, 4, 2)) == 0


def test_dates_outside_the_holiday_data_are_refused() -> None:
    """A calendar built for 2025-2027 must not treat Christmas 2028 as a working day."""
    with pytest.raises(CalendarRangeError, match="2028-12-25 is outside"):
        england().is_working_day(date(2028, 12, 25))


# ---- clock start (out-of-hours rule) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "starts"),
    [
        (at(2026, 3, 9, 10, 15), at(2026, 3, 9, 10, 15)),  # in office hours: at once
        (at(2026, 3, 9, 6, 0), at(2026, 3, 9, 9, 0)),  # before opening: that day's opening
        (at(2026, 3, 13, 18, 30), at(2026, 3, 16, 9, 0)),  # Friday evening: Monday opening
        (at(2026, 3, 13, 17, 0), at(2026, 3, 16, 9, 0)),  # at closing time: next working day
        (at(2026, 4, 2, 18, 0), at(2026, 4, 7, 9, 0)),  # before Good Friday: Tuesday
        (at(2026, 4, 6, 12, 0), at(2026, 4, 7, 9, 0)),  # on Easter Monday
        (at(2025, 12, 24, 18, 0), at(2025, 12, 29, 9, 0)),  # Christmas Eve evening
        (at(2026, 5, 25, 12, 0), at(2026, 5, 26, 9, 0)),  # late-May bank holiday
        (at(2026, 8, 31, 12, 0), at(2026, 9, 1, 9, 0)),  # August bank holiday
    ],
)
def test_clock_start_next_working_day(received: datetime, starts: datetime) -> None:
    start = england().clock_start(received)
    assert start.tzinfo is UTC
    assert start == starts


def test_clock_start_accepts_any_zone() -> None:
    """Friday 13 March 2026 18:30 London is 18:30 UTC (GMT); given in New York time."""
    received = datetime(2026, 3, 13, 14, 30, tzinfo=ZoneInfo("America/New_York"))
    assert london(england().clock_start(received)) == at(2026, 3, 16, 9, 0)


def test_same_day_rule_starts_at_receipt() -> None:
    cal = england().model_copy(update={"out_of_hours": OutOfHoursRule.SAME_DAY})
    received = at(2026, 3, 13, 18, 30)
    assert cal.clock_start(received) == received
    # The day of receipt is day 0: one working day later is Monday, not Tuesday.
    assert london(cal.working_day_deadline(received, 1)) == at(2026, 3, 16, 17, 0)


def test_naive_datetime_rejected() -> None:
    with pytest.raises(DomainError, match="received_at must be a timezone-aware"):
        england().clock_start(datetime(2026, 3, 9, 10))


def test_office_hours_must_be_ordered() -> None:
    with pytest.raises(ValidationError, match="office_close must be later"):
        WorkingCalendar(office_open=time(17), office_close=time(9))


def test_calendar_is_plain_serialisable_data() -> None:
    """The workflow receives the calendar as data (docs/design.md, Determinism)."""
    cal = england()
    assert WorkingCalendar.model_validate_json(cal.model_dump_json()) == cal


# ---- Scotland, Northern Ireland and office-closure days -----------------------------------------


def _with(code: str, **changes: object) -> WorkingCalendar:
    data = load_policy(code).model_dump(mode="json")
    data.update(changes)
    return calendar_for(parse_policy(data, "test"), 2025, 2027)


@pytest.mark.parametrize(
    ("region", "received", "due"),
    [
        # 2 January is a holiday in Scotland only.
        ("england-and-wales", at(2025, 12, 31, 18), date(2026, 1, 5)),
        ("scotland", at(2025, 12, 31, 18), date(2026, 1, 6)),
        # St Andrew's Day 2025 falls on Sunday; Monday 1 December is the substitute day.
        ("england-and-wales", at(2025, 11, 28, 18), date(2025, 12, 2)),
        ("scotland", at(2025, 11, 28, 18), date(2025, 12, 3)),
        # Easter Monday is a working day in Scotland.
        ("england-and-wales", at(2026, 4, 2, 18), date(2026, 4, 8)),
        ("scotland", at(2026, 4, 2, 18), date(2026, 4, 7)),
        # Scotland's summer holiday is the first Monday in August, not the last.
        ("england-and-wales", at(2026, 8, 28, 18), date(2026, 9, 2)),
        ("scotland", at(2026, 8, 28, 18), date(2026, 9, 1)),
        ("scotland", at(2026, 7, 31, 18), date(2026, 8, 5)),
        # St Patrick's Day in Northern Ireland.
        ("northern-ireland", at(2026, 3, 16, 18), date(2026, 3, 19)),
        ("england-and-wales", at(2026, 3, 16, 18), date(2026, 3, 18)),
    ],
)
def test_r14_region_selects_the_bank_holidays(region: str, received: datetime, due: date) -> None:
    """R14 with the holiday region of table 2.9 config: a 1 WD contact (B's 1-day priority)."""
    cal = _with("B", holiday_region=region)
    assert cal.holidays == holiday_dates(HolidayRegion(region), YEARS)
    got = first_contact_due(load_policy("B"), cal, received, "one_day")
    assert london(got) == at(due.year, due.month, due.day, 17, 0)


def test_r14_office_closure_days_are_not_working_days() -> None:
    """A Christmas shutdown (29-31 Dec) pushes a Christmas Eve evening report into January."""
    closures = ["2025-12-29", "2025-12-30", "2025-12-31"]
    cal = _with("P", office_closure_days=closures)
    assert not cal.is_working_day(date(2025, 12, 30))
    assert london(cal.clock_start(at(2025, 12, 24, 18))) == at(2026, 1, 2, 9, 0)
    got = first_contact_due(load_policy("P"), cal, at(2025, 12, 24, 18), "L1")
    assert london(got) == at(2026, 1, 5, 17, 0)


def test_calendar_for_rejects_reversed_years() -> None:
    with pytest.raises(ValueError, match="before from_year"):
        calendar_for(load_policy("B"), 2027, 2025)
