"""Daily housekeeping, run by a Temporal schedule (services.housekeeping): chase unanswered
referrals (R38) and anonymise closed cases past the retention period (DPA 2018 / UK GDPR,
docs/rules.md)."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from contracts.housekeeping import (
        ANONYMISE_CLOSED_CASES,
        CHASE_OVERDUE_REFERRALS,
        HOUSEKEEPING_WORKFLOW,
    )

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
        return {"referrals_chased": len(chased), "cases_anonymised": len(anonymised)}
