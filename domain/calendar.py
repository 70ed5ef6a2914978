"""Working-day calendar arithmetic for SLA clocks.

Pure (standard library and pydantic), so it imports inside the Temporal workflow sandbox. Bank
holidays are *data*: the ``holidays`` package does not import inside the sandbox, and a deadline
must not change when a case replays, so holiday dates are computed outside (``core.bank_holidays``)
and passed in (docs/design.md, Determinism).

Inside a Temporal workflow this package must be passed through the sandbox (the worker's
``SandboxRestrictions``, workers/build.py): the sandbox proxies ``zoneinfo.ZoneInfo`` and
``datetime.astimezone`` rejects the proxy (measured with temporalio 1.35).

Time conventions
----------------
* Every datetime argument must be timezone-aware (any zone); naive datetimes are rejected.
* Every datetime returned is aware and in **UTC**. Day boundaries and office hours are worked out
  in the calendar's own zone (``Europe/London`` by default), so BST/GMT changes are handled.
* A working-day deadline of *n* WD falls due at the **close of office hours** on the *n*-th
  working day after the day the clock started (section 2.2: "within 1 working day" of a report
  made on Monday morning is Tuesday, close of business).
* Out-of-hours reports (section 2.2 notes): with ``next_working_day`` (default) a report made
  outside office hours, at a weekend, on a bank holiday or on an office-closure day starts the
  clock at the next working day's opening; with ``same_day`` the clock starts at receipt and day
  counting starts from that calendar date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, model_validator

from domain.errors import CalendarRangeError, DomainError
from domain.policy import OutOfHoursRule, PolicyProfile

__all__ = ["WorkingCalendar", "require_aware"]

_ONE_DAY = timedelta(days=1)


def require_aware(value: datetime, field: str) -> datetime:
    """Reject naive datetimes: a naive time would silently mean different instants (BST/GMT)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise DomainError(f"{field} must be a timezone-aware datetime, got naive {value!r}")
    return value


class WorkingCalendar(BaseModel):
    """A landlord's working days and office hours. Immutable and serialisable (plain data)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    holidays: frozenset[date] = frozenset()
    closure_days: frozenset[date] = frozenset()  # office closures on top of bank holidays
    office_open: time = time(9, 0)
    office_close: time = time(17, 0)
    timezone: str = "Europe/London"
    out_of_hours: OutOfHoursRule = OutOfHoursRule.NEXT_WORKING_DAY
    # The period the holiday list is known for; dates outside it raise CalendarRangeError.
    # None: unchecked (only sensible when ``holidays`` is deliberately empty, e.g. in a test).
    covers_from: date | None = None
    covers_to: date | None = None

    @model_validator(mode="after")
    def _check(self) -> WorkingCalendar:
        if self.office_open >= self.office_close:
            raise DomainError("office_close must be later than office_open")
        ZoneInfo(self.timezone)  # raises for an unknown zone
        if self.covers_from and self.covers_to and self.covers_from > self.covers_to:
            raise DomainError("covers_from must not be later than covers_to")
        return self

    @classmethod
    def for_policy(
        cls,
        policy: PolicyProfile,
        holidays: frozenset[date],
        covers_from: date | None = None,
        covers_to: date | None = None,
    ) -> WorkingCalendar:
        """The calendar for a landlord: its office hours and closure days plus bank holidays."""
        hours = policy.office_hours
        return cls(
            holidays=holidays,
            closure_days=frozenset(policy.office_closure_days),
            office_open=hours.start,
            office_close=hours.end,
            timezone=hours.timezone,
            out_of_hours=hours.out_of_hours,
            covers_from=covers_from,
            covers_to=covers_to,
        )

    # ---- days -----------------------------------------------------------------------------------

    @property
    def tz(self) -> tzinfo:
        zone = ZoneInfo(self.timezone)  # ZoneInfo caches instances, so this is cheap
        if not issubclass(type(zone), tzinfo):  # type(), not isinstance: proxies fake __class__
            # Measured: inside the Temporal sandbox ``ZoneInfo(...)`` returns a restricted proxy
            # that ``datetime.astimezone`` rejects. The worker must pass ``domain`` through the
            # sandbox (workers/build.py, SANDBOX_PASSTHROUGH; it is pure and deterministic).
            raise DomainError(
                "zoneinfo is proxied by the workflow sandbox; run the workflow with the "
                "worker's sandbox settings (workers/build.py), which pass domain through"
            )
        return zone

    def _check_covered(self, day: date) -> None:
        if (self.covers_from and day < self.covers_from) or (
            self.covers_to and day > self.covers_to
        ):
            raise CalendarRangeError(
                f"{day.isoformat()} is outside the calendar's holiday data "
                f"({self.covers_from} to {self.covers_to}); build the calendar with more years"
            )

    def is_working_day(self, day: date) -> bool:
        """Monday to Friday, not a bank holiday, not an office-closure day."""
        self._check_covered(day)
        return day.weekday() < 5 and day not in self.holidays and day not in self.closure_days

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        day += _ONE_DAY
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day

    def working_day_on_or_after(self, day: date) -> date:
        return day if self.is_working_day(day) else self.next_working_day(day)

    def working_day_on_or_before(self, day: date) -> date:
        while not self.is_working_day(day):
            day -= _ONE_DAY
        return day

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (``start`` itself is not counted).

        ``n == 0`` gives ``start`` if it is a working day, otherwise the next working day.
        """
        if n < 0:
            raise DomainError(f"working days must not be negative, got {n}")
        if n == 0:
            return self.working_day_on_or_after(start)
        day = start
        for _ in range(n):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
        count, day = 0, start
        while day < end:
            day += _ONE_DAY
            if self.is_working_day(day):
                count += 1
        return count

    # ---- instants -------------------------------------------------------------------------------

    def local(self, instant: datetime, field: str = "instant") -> datetime:
        """The instant in the calendar's zone."""
        return require_aware(instant, field).astimezone(self.tz)

    def local_date(self, instant: datetime, field: str = "instant") -> date:
        return self.local(instant, field).date()

    def opening(self, day: date) -> datetime:
        """Office opening on ``day``, in UTC."""
        return datetime.combine(day, self.office_open, tzinfo=self.tz).astimezone(UTC)

    def closing(self, day: date) -> datetime:
        """Close of office hours on ``day``, in UTC: when that day's deadlines fall due."""
        return datetime.combine(day, self.office_close, tzinfo=self.tz).astimezone(UTC)

    def is_office_hours(self, instant: datetime) -> bool:
        local = self.local(instant)
        return self.is_working_day(local.date()) and (
            self.office_open <= local.time() < self.office_close
        )

    def clock_start(self, received_at: datetime) -> datetime:
        """When an SLA clock starts for a report received at ``received_at`` (UTC).

        ``next_working_day``: in office hours the clock starts at once; before opening on a
        working day it starts at that day's opening; otherwise (evening, weekend, bank holiday,
        closure day) at the next working day's opening. ``same_day``: at receipt.
        """
        local = self.local(received_at, "received_at")
        if self.out_of_hours is OutOfHoursRule.SAME_DAY:
            return local.astimezone(UTC)
        day = local.date()
        if self.is_working_day(day):
            if local.time() < self.office_open:
                return self.opening(day)
            if local.time() < self.office_close:
                return local.astimezone(UTC)
        return self.opening(self.next_working_day(day))

    def working_day_deadline(self, received_at: datetime, n: int) -> datetime:
        """Close of office hours on the n-th working day after the clock starts (UTC)."""
        start_day = self.local_date(self.clock_start(received_at))
        return self.closing(self.add_working_days(start_day, n))
