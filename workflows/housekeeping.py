"""Daily housekeeping, run by a Temporal schedule (services.housekeeping): chase unanswered
referrals (R38), anonymise closed cases past the retention period (DPA 2018 / UK GDPR,
docs/rules.md) and forget Idempotency-Keys older than ASB_IDEMPOTENCY_KEY_DAYS."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

from contracts.housekeeping import (
    ANONYMISE_CLOSED_CASES,
    CHASE_OVERDUE_REFERRALS,
    FORGET_IDEMPOTENCY_KEYS,
    HOUSEKEEPING_WORKFLOW,
)

# workflow.patched marker: a run started before the key expiry replays without its activity.
FORGETS_KEYS = "forget-idempotency-keys"

RETRY = RetryPolicy(maximum_interval=timedelta(minutes=10), maximum_attempts=20)


@workflow.defn(name=HOUSEKEEPING_WORKFLOW)
class HousekeepingWorkflow:
    @workflow.run
    async def run(self) -> dict[str, int]:
        now = workflow.now()
        chased: list[str] = await workflow.execute_activity(
            CHASE_OVERDUE_REFERRALS, now, start_to_close_timeout=timedelta(minutes=10),
            retry_policy=RETRY, result_type=list[str],
        )  # fmt: skip
        anonymised: list[str] = await workflow.execute_activity(
            ANONYMISE_CLOSED_CASES, now, start_to_close_timeout=timedelta(minutes=30),
            retry_policy=RETRY, result_type=list[str],
        )  # fmt: skip
        counts = {"referrals_chased": len(chased), "cases_anonymised": len(anonymised)}
        if workflow.patched(FORGETS_KEYS):
            counts["idempotency_keys_forgotten"] = await workflow.execute_activity(
                FORGET_IDEMPOTENCY_KEYS, now, start_to_close_timeout=timedelta(minutes=10),
                retry_policy=RETRY, result_type=int,
            )  # fmt: skip
        return counts
