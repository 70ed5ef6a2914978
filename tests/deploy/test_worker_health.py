"""The worker's health endpoint (workers/health.py, the Kubernetes probes) tells the truth: 200
only while the worker runs and Temporal has seen it poll; 503 once it has stopped polling.

Real parts: the Temporal dev server, the production worker (``build_worker``; and ``python -m
workers.main`` as a process, as Kubernetes runs it).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from core.settings import Settings
from workers.build import build_worker
from workers.health import serving_health

ROOT = Path(__file__).resolve().parents[2]
DEADLINE_SECONDS = 60  # a loaded machine; the check itself answers as soon as Temporal agrees


async def health_until(url: str, status: int) -> httpx.Response:
    """Ask until the endpoint answers ``status`` (the first poll reaches Temporal a moment after
    the worker starts), or the deadline passes; the last answer is returned either way."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DEADLINE_SECONDS
    async with httpx.AsyncClient(timeout=15) as client:
        while True:
            try:
                response = await client.get(url)
                if response.status_code == status or loop.time() > deadline:
                    return response
            except httpx.TransportError:
                if loop.time() > deadline:
                    raise
            await asyncio.sleep(0.2)


async def test_healthy_while_it_polls_and_unhealthy_once_it_stops(
    dev_env: WorkflowEnvironment, sessions: async_sessionmaker[Any], task_queue: str, tmp_path: Path
) -> None:
    settings = Settings(task_queue=task_queue, data_dir=tmp_path)
    worker = build_worker(dev_env.client, settings, sessions)
    async with serving_health(worker, "127.0.0.1:0") as port:
        url = f"http://127.0.0.1:{port}/healthz"
        before = await health_until(url, 503)
        assert before.status_code == 503  # not started: nothing polls
        assert before.text == "not healthy: the worker is not running\n"
        running = asyncio.create_task(worker.run())
        healthy = await health_until(url, 200)
        assert healthy.status_code == 200, healthy.text
        assert healthy.text == f"healthy: {dev_env.client.identity} polls {task_queue}\n"
        await worker.shutdown()
        await running
        after = await health_until(url, 503)
        assert after.status_code == 503
        assert after.text == "not healthy: the worker is not running\n"
        async with httpx.AsyncClient() as client:
            assert (await client.get(f"http://127.0.0.1:{port}/metrics")).status_code == 404


async def test_the_worker_process_serves_it_and_stops_cleanly(
    dev_env: WorkflowEnvironment, database_url: str, task_queue: str, tmp_path: Path
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "ASB_ENVIRONMENT": "test",
        "ASB_TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
        "ASB_TASK_QUEUE": task_queue,
        "ASB_DATABASE_URL": database_url,
        "ASB_DATA_DIR": str(tmp_path),
        "ASB_WORKER_HEALTH_ADDRESS": f"127.0.0.1:{port}",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "workers.main", env=env, cwd=ROOT, stderr=asyncio.subprocess.DEVNULL
    )
    try:
        healthy = await health_until(f"http://127.0.0.1:{port}/healthz", 200)
        assert healthy.status_code == 200, healthy.text
        assert healthy.text.endswith(f"@{socket.gethostname()} polls {task_queue}\n")
        process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(DEADLINE_SECONDS):
            assert await process.wait() == 0  # drained and shut down, not killed
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
