"""Dates as a letter spells them: the British way, independent of the machine's locale."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

__all__ = ["long_date", "long_datetime"]

_LONDON = ZoneInfo("Europe/London")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def long_date(value: date) -> str:
    """3 March 2026"""
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def long_datetime(value: datetime) -> str:
    """Tuesday 3 March 2026 at 2:30pm (aware values are shown in UK time)."""
    if value.tzinfo is not None:
        value = value.astimezone(_LONDON)
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    suffix = "am" if value.hour < 12 else "pm"
    return f"{_DAYS[value.weekday()]} {long_date(value)} at {hour}{minutes}{suffix}"
