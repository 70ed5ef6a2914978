"""Run the case worker: ``python -m workers.main``."""

from __future__ import annotations

import asyncio
import logging
import signal
from contextlib import AsyncExitStack

from core import logs
from core.settings import get_settings
from core.temporal import connect, metrics_runtime
from services import context
from services.housekeeping import ensure_digest_schedule, ensure_schedule
from workers.build import build_worker
from workers.health import serving_health


async def run() -> None:
    settings = get_settings()
    address = settings.worker_metrics_address
    client = await connect(settings, metrics_runtime(address) if address else None)
    svc = context.start(settings, client)
    worker = build_worker(client, settings, svc.sessions)
    await ensure_schedule(client, settings.task_queue)
    await ensure_digest_schedule(client, settings.task_queue, settings.escalation_digest_minutes)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with AsyncExitStack() as stack:
        if settings.worker_health_address:
            await stack.enter_async_context(serving_health(worker, settings.worker_health_address))
        running = asyncio.create_task(worker.run())
        logging.info(
            "worker polling task queue %s", settings.task_queue, extra={"metrics": address or None}
        )
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if not running.done():
            await worker.shutdown()
        stopping.cancel()
        # A worker whose run ended with an error (say, a fatal poll failure) ends the process
        # with that error, so its supervisor restarts it, rather than idling with no pollers.
        await running
    await context.stop(svc)


def main() -> None:
    logs.configure("worker")
    asyncio.run(run())


if __name__ == "__main__":
    main()
