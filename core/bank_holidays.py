"""UK bank holidays for working-day calendars.

Lives outside ``domain`` because it imports the ``holidays`` package, which does not import
inside the Temporal workflow sandbox (docs/design.md). Call it from an activity, the API or a
worker, and pass the resulting :class:`~domain.calendar.WorkingCalendar` (plain data) into the
workflow.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache

import holidays

from domain.calendar import WorkingCalendar
from domain.errors import UnknownValueError
from domain.policy import HolidayRegion, PolicyProfile

__all__ = ["calendar_for", "holiday_dates"]

# England and Wales share one list of bank holidays; the package models them as subdivisions.
_SUBDIVISION: dict[HolidayRegion, str] = {
    HolidayRegion.ENGLAND_AND_WALES: "ENG",
    HolidayRegion.SCOTLAND: "SCT",
    HolidayRegion.NORTHERN_IRELAND: "NIR",
}


def holiday_dates(region: str, years: Iterable[int]) -> frozenset[date]:
    """Bank holidays (including substitute days) of a UK region for the given years."""
    try:
        key = HolidayRegion(region)
    except ValueError:
        raise UnknownValueError(
            "holiday region", region, [r.value for r in HolidayRegion]
        ) from None
    return _holiday_dates(key, tuple(sorted(set(years))))


@lru_cache(maxsize=64)
def _holiday_dates(region: HolidayRegion, years: tuple[int, ...]) -> frozenset[date]:
    found = holidays.country_holidays("GB", subdiv=_SUBDIVISION[region], years=years)
    return frozenset(found.keys())


def calendar_for(policy: PolicyProfile, from_year: int, to_year: int) -> WorkingCalendar:
    """The landlord's working calendar for ``from_year`` to ``to_year`` inclusive.

    Dates outside those years raise CalendarRangeError rather than missing bank holidays.
    """
    if to_year < from_year:
        raise ValueError(f"to_year {to_year} is before from_year {from_year}")
    return WorkingCalendar.for_policy(
        policy,
        holiday_dates(policy.holiday_region, range(from_year, to_year + 1)),
        covers_from=date(from_year, 1, 1),
        covers_to=date(to_year, 12, 31),
    )
