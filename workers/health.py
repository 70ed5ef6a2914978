"""Readiness of the worker on this host: ``python -m workers.health`` exits 0 only if it polls.

Asks Temporal (DescribeTaskQueue) who polls the case task queue, for workflow and for activity
tasks, and looks for a poller from this host that polled recently. The worker's identity is
temporalio's default, ``<pid>@<hostname>``, and a container or pod has its own hostname, so the
check answers for the worker beside it, not for any worker of the cluster. Used by the compose
healthcheck and the Kubernetes probes.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from datetime import UTC, datetime, timedelta

from temporalio.api.enums.v1 import TaskQueueKind, TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client

from core.settings import get_settings
from core.temporal import connect

# A long poll lasts up to about a minute; a healthy idle worker re-polls within that.
RECENT = timedelta(seconds=90)
TYPES = {
    "workflow": TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    "activity": TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
}


async def polling(client: Client, task_queue: str, host: str, now: datetime) -> list[str]:
    """The task types (workflow, activity) that no process on ``host`` has polled recently."""
    missing: list[str] = []
    for name, task_type in TYPES.items():
        response = await client.workflow_service.describe_task_queue(
            DescribeTaskQueueRequest(
                namespace=client.namespace,
                task_queue=TaskQueue(name=task_queue, kind=TaskQueueKind.TASK_QUEUE_KIND_NORMAL),
                task_queue_type=task_type,
            )
        )
        if not any(
            poller.identity.endswith(f"@{host}")
            and now - poller.last_access_time.ToDatetime(UTC) <= RECENT
            for poller in response.pollers
        ):
            missing.append(name)
    return missing


async def check() -> int:
    settings = get_settings()
    host = socket.gethostname()
    try:
        async with asyncio.timeout(10):
            client = await connect(settings)
            missing = await polling(client, settings.task_queue, host, datetime.now(UTC))
    except Exception as error:  # unreachable Temporal is "not ready", with the reason
        print(f"not ready: Temporal unreachable: {error}", file=sys.stderr)
        return 1
    if missing:
        print(f"not ready: no {' or '.join(missing)} poller from {host} on "
              f"{settings.task_queue}", file=sys.stderr)  # fmt: skip
        return 1
    print(f"ready: {host} polls {settings.task_queue}")
    return 0


def main() -> None:
    code = asyncio.run(check())
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip interpreter finalisation: with the Temporal core's threads still up it can abort
    # (SIGABRT in PyGILState_Release), which would turn "ready" into a failed probe.
    os._exit(code)


if __name__ == "__main__":
    main()
