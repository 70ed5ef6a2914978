"""The data a case is opened with: its landlord's policy and the bank holidays it will use.

Computed outside the workflow sandbox (the ``holidays`` package does not import there) and
passed into the workflow, so the values a case used are fixed in its history (docs/design.md).
"""

from __future__ import annotations

from datetime import date, datetime

from core.bank_holidays import holiday_dates
from core.policies import load_policy
from domain.case import RULES_REVISION, CaseSetup

# Years of bank holidays fixed into a case at opening, counted from today: the longest case we
# expect to run. A case that outlives them is refused a deadline with a clear error.
CALENDAR_YEARS = 10


def case_setup(landlord: str, received_at: datetime, now: datetime) -> CaseSetup:
    policy = load_policy(landlord)
    first = min(received_at.year, now.year) - 1
    last = max(received_at.year, now.year) + CALENDAR_YEARS
    holidays = sorted(holiday_dates(policy.holiday_region, range(first, last + 1)))
    return CaseSetup(
        policy=policy,
        holidays=holidays,
        holidays_from=date(first, 1, 1),
        holidays_to=date(last, 12, 31),
        rules_revision=RULES_REVISION,
    )
