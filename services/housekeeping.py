"""The schedules, made at worker start: daily housekeeping (workflows/housekeeping.py), created
once; the supervisors' escalation digest (workflows/digest.py), kept at the configured interval."""

from __future__ import annotations

import contextlib
from datetime import timedelta

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleIntervalSpec,
    ScheduleSpec,
    ScheduleUpdate,
    ScheduleUpdateInput,
)

from contracts.housekeeping import (
    DIGEST_SCHEDULE_ID,
    DIGEST_WORKFLOW,
    EVERY,
    HOUSEKEEPING_WORKFLOW,
    SCHEDULE_ID,
)

__all__ = ["digest_interval", "ensure_digest_schedule", "ensure_schedule"]


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


def digest_interval(minutes: int) -> timedelta:
    """Every ``minutes``; with 0 (an email per escalation) daily, which sends whatever an
    earlier setting left waiting and otherwise finds nothing to do."""
    return timedelta(minutes=minutes) if minutes else timedelta(days=1)


async def ensure_digest_schedule(client: Client, task_queue: str, minutes: int) -> None:
    """Create the digest schedule, or bring an existing one to the configured interval. Its runs
    never overlap (the schedule's default), so two workers never send one digest twice."""
    schedule = Schedule(
        action=ScheduleActionStartWorkflow(
            DIGEST_WORKFLOW, id=f"{DIGEST_SCHEDULE_ID}-run", task_queue=task_queue
        ),
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=digest_interval(minutes))]),
    )
    try:
        await client.create_schedule(DIGEST_SCHEDULE_ID, schedule)
    except ScheduleAlreadyRunningError:

        def keep(_: ScheduleUpdateInput) -> ScheduleUpdate:
            return ScheduleUpdate(schedule=schedule)

        await client.get_schedule_handle(DIGEST_SCHEDULE_ID).update(keep)
