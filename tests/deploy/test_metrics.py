"""Operators' metrics on the real stack: the worker runs as a process (``python -m
workers.main``, as in production) against the Temporal dev server and a real database; the API
serves in-process. As a case moves, /metrics on the API shows the case figures move and /metrics
on the worker shows the Temporal SDK's counters move; the worker's readiness check sees it poll.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from core.settings import Settings
from edge.auth import mint_token
from edge.deps import Services
from tests.api.conftest import report
from web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
# The SDK creates these counters at the first failure; the dashboard shows them from then on.
ONLY_AFTER_A_FAILURE = {
    "temporal_workflow_task_execution_failed_total",
    "temporal_activity_execution_failed_total",
}


@dataclass
class WorkerProcess:
    env: dict[str, str]
    metrics_url: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
async def worker(
    dev_env: WorkflowEnvironment, database_url: str, task_queue: str, tmp_path: Path
) -> AsyncIterator[WorkerProcess]:
    address = f"127.0.0.1:{_free_port()}"
    env = {
        **os.environ,
        "ASB_ENVIRONMENT": "test",
        "ASB_TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
        "ASB_TASK_QUEUE": task_queue,
        "ASB_DATABASE_URL": database_url,
        "ASB_DATA_DIR": str(tmp_path),
        "ASB_WORKER_METRICS_ADDRESS": address,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "workers.main", env=env, cwd=ROOT, stderr=asyncio.subprocess.PIPE
    )
    assert process.stderr is not None
    try:
        async with asyncio.timeout(60):  # its own JSON log line says when it polls
            while not (line := await process.stderr.readline()).startswith(b"{") or not json.loads(
                line
            )["message"].startswith("worker polling"):
                assert line, "the worker exited before polling"
        yield WorkerProcess(env, f"http://{address}/metrics")
    finally:
        process.terminate()
        await process.wait()


@dataclass(frozen=True)
class Scrape:
    samples: dict[tuple[str, frozenset[tuple[str, str]]], float]
    families: set[str]  # declared metric names, with or without samples yet

    def value(self, name: str, **labels: str) -> float:
        return self.samples.get((name, frozenset(labels.items())), 0.0)

    def total(self, name: str) -> float:
        return sum(v for (n, _), v in self.samples.items() if n == name)


async def scrape(client: httpx.AsyncClient, url: str) -> Scrape:
    response = await client.get(url)
    assert response.status_code == 200, response.text
    families = list(text_string_to_metric_families(response.text))
    samples = {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in families
        for sample in family.samples
    }
    return Scrape(samples, {f.name for f in families} | {name for name, _ in samples})


async def test_metrics_follow_a_case_and_the_worker_is_ready_while_it_polls(
    worker: WorkerProcess,
    dev_env: WorkflowEnvironment,
    engine: AsyncEngine,
    sessions: async_sessionmaker[Any],
    task_queue: str,
    tmp_path: Path,
) -> None:
    settings = Settings(task_queue=task_queue, data_dir=tmp_path)
    app = create_app(settings, Services(settings, dev_env.client, engine, sessions))
    officer = {"Authorization": f"Bearer {mint_token(settings, 'officer.jones', ['officer'], 'X')}"}
    transport = httpx.ASGITransport(app=app)
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://test") as api,
        httpx.AsyncClient() as http,
    ):
        api_before, sdk_before = (
            await scrape(api, "/metrics"),
            await scrape(http, worker.metrics_url),
        )

        opened = await api.post("/cases", json=report("X"), headers=officer)
        assert opened.status_code == 201, opened.text
        ref, tier = opened.json()["reference"], opened.json()["tier"]
        api_opened = await scrape(api, "/metrics")
        received = {"landlord": "X", "stage": "received", "tier": tier}
        assert api_opened.value("asb_open_cases", **received) == (
            api_before.value("asb_open_cases", **received) + 1
        )

        acked = await api.post(
            f"/cases/{ref}/actions/acknowledge",
            json={},
            headers={**officer, "X-Request-ID": "req-1"},
        )
        assert acked.status_code == 200, acked.text
        assert acked.headers["x-request-id"] == "req-1"
        stage = acked.json()["stage"]
        api_after, sdk_after = await scrape(api, "/metrics"), await scrape(http, worker.metrics_url)

    # The case left "received" for its next stage, and its acknowledgement letter is counted.
    assert api_after.value("asb_open_cases", **received) == api_before.value(
        "asb_open_cases", **received
    )
    moved = {"landlord": "X", "stage": stage, "tier": tier}
    assert (
        api_after.value("asb_open_cases", **moved)
        == api_before.value("asb_open_cases", **moved) + 1
    )
    assert api_after.total("asb_letters") > api_before.total("asb_letters")
    assert api_after.value("asb_case_metrics_up") == 1
    # Request metrics carry the route template, never the case reference.
    action_route = {"method": "POST", "route": "/cases/{reference}/actions/acknowledge",
                    "status": "200"}  # fmt: skip
    assert api_after.value("asb_http_requests_total", **action_route) >= 1
    assert not any(ref in str(labels) for _, labels in api_after.samples)
    # The worker's SDK telemetry counted the workflow and activity tasks the case needed.
    for name in ("temporal_workflow_task_execution_latency_count",
                 "temporal_activity_execution_latency_count"):  # fmt: skip
        assert sdk_after.total(name) > sdk_before.total(name), name
    # The dashboard asks only for metrics these endpoints serve.
    served = api_after.families | sdk_after.families
    wanted = dashboard_metrics() - ONLY_AFTER_A_FAILURE
    assert {m for m in wanted if m not in served and _family(m) not in served} == set()

    ready = await _health(worker.env)
    assert ready[0] == 0 and "polls" in ready[1], ready[1]
    elsewhere = await _health({**worker.env, "ASB_TASK_QUEUE": "a-queue-nobody-polls"})
    assert elsewhere[0] == 1
    assert "no workflow or activity poller" in elsewhere[1]


async def _health(env: dict[str, str]) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "workers.health", env=env, cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await process.communicate()
    return process.returncode or 0, output.decode()


def dashboard_metrics() -> set[str]:
    dashboard = json.loads((ROOT / "deploy/grafana/asb-dashboard.json").read_text())
    exprs = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    assert exprs, "the dashboard has no queries"
    return {m for e in exprs for m in re.findall(r"\b((?:asb|temporal)_[a-z_]+)\b", e)}


def _family(name: str) -> str:
    """`x` for `x_bucket`, `x_total`...: a histogram's or counter's family name."""
    return re.sub(r"_(bucket|count|sum|total|created)$", "", name)
