"""The daily housekeeping workflow's contract: its type, schedule and activity names."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

__all__ = [
    "ANONYMISE_CLOSED_CASES",
    "CHASE_OVERDUE_REFERRALS",
    "EVERY",
    "HOUSEKEEPING_WORKFLOW",
    "SCHEDULE_ID",
]

HOUSEKEEPING_WORKFLOW: Final = "HousekeepingWorkflow"
SCHEDULE_ID: Final = "asb-housekeeping"
EVERY: Final = timedelta(days=1)
CHASE_OVERDUE_REFERRALS: Final = "chase_overdue_referrals"  # R38
ANONYMISE_CLOSED_CASES: Final = "anonymise_closed_cases"  # retention (UK GDPR)
