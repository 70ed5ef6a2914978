"""Daily housekeeping, run by a Temporal schedule: chase unanswered referrals (R38) and
anonymise closed cases past the retention period (DPA 2018 / UK GDPR, asb-rules 3.7)."""

from __future__ import annotations

import contextlib
from datetime import timedelta

from temporalio import workflow
from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleIntervalSpec,
    ScheduleSpec,
)
from temporalio.common import RetryPolicy

SCHEDULE_ID = "asb-housekeeping"
EVERY = timedelta(days=1)
RETRY = RetryPolicy(maximum_interval=timedelta(minutes=10), maximum_attempts=20)


@workflow.defn(name="HousekeepingWorkflow")
class HousekeepingWorkflow:
    @workflow.run
    async def run(self) -> dict[str, int]:
        now = workflow.now()
        chased: list[str] = await workflow.execute_activity(
            "chase_overdue_referrals", now, start_to_close_timeout=timedelta(minutes=10),
            retry_policy=RETRY, result_type=list[str],
        )  # fmt: skip
        anonymised: list[str] = await workflow.execute_activity(
            "anonymise_closed_cases", now, start_to_close_timeout=timedelta(minutes=30),
            retry_policy=RETRY, result_type=list[str],
        )  # fmt: skip
        return {"referrals_chased": len(chased), "cases_anonymised": len(anonymised)}


async def ensure_schedule(client: Client, task_queue: str) -> None:
    """Create the daily schedule once; an existing one is left as it is."""
    schedule = Schedule(
        action=ScheduleActionStartWorkflow(
            "HousekeepingWorkflow", id=f"{SCHEDULE_ID}-run", task_queue=task_queue
        ),
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=EVERY)]),
    )
    with contextlib.suppress(ScheduleAlreadyRunningError):
        await client.create_schedule(SCHEDULE_ID, schedule)
