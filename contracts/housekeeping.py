"""The scheduled workflows' contracts: daily housekeeping and the supervisors' escalation
digest (their types, schedules and activity names)."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

__all__ = [
    "ANONYMISE_CLOSED_CASES",
    "CHASE_OVERDUE_REFERRALS",
    "DIGEST_SCHEDULE_ID",
    "DIGEST_WORKFLOW",
    "EVERY",
    "FORGET_IDEMPOTENCY_KEYS",
    "HOUSEKEEPING_WORKFLOW",
    "SCHEDULE_ID",
    "SEND_ESCALATION_DIGESTS",
]

HOUSEKEEPING_WORKFLOW: Final = "HousekeepingWorkflow"
SCHEDULE_ID: Final = "asb-housekeeping"
EVERY: Final = timedelta(days=1)
CHASE_OVERDUE_REFERRALS: Final = "chase_overdue_referrals"  # R38
ANONYMISE_CLOSED_CASES: Final = "anonymise_closed_cases"  # retention (UK GDPR)
FORGET_IDEMPOTENCY_KEYS: Final = "forget_idempotency_keys"  # ASB_IDEMPOTENCY_KEY_DAYS

# ASB_ESCALATION_DIGEST_MINUTES > 0: missed deadlines wait in the record and go to supervisors
# as one email per address, every so many minutes (workflows/digest.py, db/digests.py).
DIGEST_WORKFLOW: Final = "EscalationDigestWorkflow"
DIGEST_SCHEDULE_ID: Final = "asb-escalation-digest"
SEND_ESCALATION_DIGESTS: Final = "send_escalation_digests"
