"""Health of the worker: an HTTP endpoint inside the worker process, and a command for compose.

``serving_health`` (started by workers/main.py when ``ASB_WORKER_HEALTH_ADDRESS`` is set) answers
``GET /healthz`` with 200 only while this process's worker is running *and* Temporal saw its own
identity poll the case task queue, for workflow and for activity tasks, in the last 90 seconds;
otherwise 503 with the reason. Kubernetes' liveness and readiness probes use it: a worker whose
run ended (a fatal error) or whose pollers stalled is restarted, where a metrics port that still
answered kept it "alive" before.

``python -m workers.health`` exits 0 only if a worker on this host polls. It asks Temporal
(DescribeTaskQueue) who polls the case task queue, for workflow and for activity tasks, and
looks for a poller from this host that polled recently. The worker's identity is temporalio's
default, ``<pid>@<hostname>``, and a container has its own hostname, so the check answers for
the worker beside it, not for any worker of the cluster. Used by the compose healthcheck.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

from temporalio.api.enums.v1 import TaskQueueKind, TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client
from temporalio.worker import Worker

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
    return await missing_polls(
        client, task_queue, lambda identity: identity.endswith(f"@{host}"), now
    )


async def missing_polls(
    client: Client, task_queue: str, matches: Callable[[str], bool], now: datetime
) -> list[str]:
    """The task types (workflow, activity) no poller whose identity ``matches`` polled recently."""
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
            matches(poller.identity) and now - poller.last_access_time.ToDatetime(UTC) <= RECENT
            for poller in response.pollers
        ):
            missing.append(name)
    return missing


async def worker_health(worker: Worker) -> tuple[bool, str]:
    """(healthy, reason): running, and its own pollers seen by Temporal within RECENT."""
    if not worker.is_running:
        return False, "not healthy: the worker is not running"
    identity = worker.config().get("identity") or worker.client.identity
    try:
        async with asyncio.timeout(5):
            missing = await missing_polls(
                worker.client, worker.task_queue, identity.__eq__, datetime.now(UTC)
            )
    except Exception as error:  # Temporal unreachable: this worker cannot be polling either
        return False, f"not healthy: Temporal unreachable: {error}"
    if missing:
        return False, (
            f"not healthy: no {' or '.join(missing)} poll from {identity} on "
            f"{worker.task_queue} in the last {RECENT.seconds} seconds"
        )
    return True, f"healthy: {identity} polls {worker.task_queue}"


@asynccontextmanager
async def serving_health(worker: Worker, address: str) -> AsyncIterator[int]:
    """Serve ``GET /healthz`` for ``worker`` on ``address`` (host:port; port 0 picks one, which
    is yielded). A bare HTTP/1.1 responder: probes send one request and read one answer."""
    host, port = address.rsplit(":", 1)

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(10):
                request = (await reader.readline()).split()
                while (await reader.readline()).strip():  # the headers, unread
                    pass
                if request[:2] == [b"GET", b"/healthz"]:
                    healthy, reason = await worker_health(worker)
                    status = "200 OK" if healthy else "503 Service Unavailable"
                else:
                    status, reason = "404 Not Found", "not found: the health check is /healthz"
                body = f"{reason}\n".encode()
                writer.write(
                    f"HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\n"
                    f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                    + body
                )
                await writer.drain()
        except (TimeoutError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(answer, host, int(port))
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()


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
