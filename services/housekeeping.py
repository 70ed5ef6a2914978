"""The daily housekeeping schedule (workflows/housekeeping.py): created once at worker start."""

from __future__ import annotations

import contextlib

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleIntervalSpec,
    ScheduleSpec,
)

from contracts.housekeeping import EVERY, HOUSEKEEPING_WORKFLOW, SCHEDULE_ID

__all__ = ["ensure_schedule"]


async def ensure_schedule(client: Client, task_queue: str) -> None:
    """Create the daily schedule once; an existing one is left as it is."""
    schedule = Schedule(
        action=ScheduleActionStartWorkflow(
            HOUSEKEEPING_WORKFLOW, id=f"{SCHEDULE_ID}-run", task_queue=task_queue
        ),
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=EVERY)]),
    )
    with contextlib.suppress(ScheduleAlreadyRunningError):
        await client.create_schedule(SCHEDULE_ID, schedule)
