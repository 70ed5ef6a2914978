"""The supervisors' escalation digest, run by a Temporal schedule every
ASB_ESCALATION_DIGEST_MINUTES (services/housekeeping.py): one activity sends one email per
supervisor address listing every escalation waiting for it (db/digests.py: exactly once)."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

from contracts.housekeeping import DIGEST_WORKFLOW, SEND_ESCALATION_DIGESTS

RETRY = RetryPolicy(maximum_interval=timedelta(minutes=5), maximum_attempts=20)


@workflow.defn(name=DIGEST_WORKFLOW)
class EscalationDigestWorkflow:
    @workflow.run
    async def run(self) -> int:
        sent: int = await workflow.execute_activity(
            SEND_ESCALATION_DIGESTS, workflow.now(), start_to_close_timeout=timedelta(minutes=10),
            retry_policy=RETRY, result_type=int,
        )  # fmt: skip
        return sent
