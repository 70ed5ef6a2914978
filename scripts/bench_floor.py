"""Temporal's own floor for the benchmark: the same shape of work with nothing of ours in it.

A trivial workflow opened by update-with-start whose update runs one activity, and an update on
a running workflow that runs one activity; for the deadline storm, a workflow with one timer and
one activity. ``python -m scripts.bench_floor`` runs its worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from datetime import datetime, timedelta

from temporalio import activity, workflow

FLOOR_QUEUE = "asb-benchmark-floor"
STORM_FLOOR_WORKFLOW = "StormFloorWorkflow"


@activity.defn
async def noop(n: int) -> int:
    return n


@workflow.defn
class FloorWorkflow:
    def __init__(self) -> None:
        self._done = False
        self._count = 0

    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: self._done)

    @workflow.update
    async def go(self) -> int:
        self._count += 1
        result: int = await workflow.execute_activity(
            noop, self._count, start_to_close_timeout=timedelta(seconds=30)
        )
        return result

    @workflow.signal
    def finish(self) -> None:
        self._done = True


@activity.defn
async def storm_record(record: str) -> None:
    """The floor's record of a deadline: one line appended to a file the benchmark counts."""
    with open(record, "a") as file:  # noqa: ASYNC230 - one short local append
        file.write(f"{activity.info().workflow_id}\n")


@workflow.defn(name=STORM_FLOOR_WORKFLOW)
class StormFloorWorkflow:
    """The storm's floor (scripts/bench_storm.py): one timer to the deadline, one activity."""

    @workflow.run
    async def run(self, due: datetime, record: str) -> None:
        await workflow.sleep(max((due - workflow.now()).total_seconds(), 0.0))
        await workflow.execute_activity(
            storm_record, record, start_to_close_timeout=timedelta(seconds=30)
        )


async def run_worker() -> None:
    from temporalio.worker import Worker

    from core.settings import Settings
    from core.temporal import connect

    settings = Settings()
    client = await connect(settings)
    worker = Worker(
        client,
        task_queue=FLOOR_QUEUE,
        workflows=[FloorWorkflow, StormFloorWorkflow],
        activities=[noop, storm_record],
        max_cached_workflows=settings.worker_cached_workflows,  # as the case worker's
    )
    await worker.run()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_worker())
    os._exit(0)
