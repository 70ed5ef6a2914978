"""Two workers and two API replicas, each its own process, share one Temporal server and one
PostgreSQL database: nothing happens twice (opening, letters, escalations, the daily schedule).

Every POST goes to both replicas at once with the same Idempotency-Key; the acknowledgement is
sent through the replica that did not open the case; reports are dated back so their deadlines
have passed and both workers race to escalate them.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from contracts.housekeeping import SCHEDULE_ID
from core.devstack import wait_for_port
from core.settings import Settings
from db.engine import create_engine, session_factory
from db.migrate import upgrade_async
from db.models import Case, Escalation, Letter
from db.staff import seed_development_staff
from edge.auth import mint_token
from tests.api.conftest import report
from tests.conftest import (
    _create_postgres_database,
    _drop_postgres_database,
    database_params,
)
from tests.integration.record_support import CountingHandler
from tests.workflow.test_dev_server import eventually

SUPERVISORS = "asb-supervisors@landlord.example"
CASES = 4


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def spawn(module: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", module], env=env)


@pytest.fixture
def processes(
    relay: tuple[CountingHandler, int], tmp_path: Path
) -> Iterator[list[subprocess.Popen[bytes]]]:
    children: list[subprocess.Popen[bytes]] = []
    yield children
    for child in children:
        child.terminate()
    for child in children:
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            child.kill()


@pytest.mark.parametrize("database", [p for p in database_params() if p != "sqlite"])
async def test_two_workers_and_two_api_replicas_do_nothing_twice(
    database: str,
    dev_env: WorkflowEnvironment,
    relay: tuple[CountingHandler, int],
    processes: list[subprocess.Popen[bytes]],
    tmp_path: Path,
) -> None:
    handler, smtp_port = relay
    name, url = await _create_postgres_database()
    try:
        await upgrade_async(url)
        await seed_development_staff(url, ["X"])  # officers act as members of the directory
        client = dev_env.client
        await _without_schedule(client)  # the workers are to create it, once between them
        queue = f"two-{uuid.uuid4().hex[:6]}"
        env = {
            **os.environ,
            "ASB_TEMPORAL_ADDRESS": client.service_client.config.target_host,
            "ASB_DATABASE_URL": url,
            "ASB_TASK_QUEUE": queue,
            "ASB_MAIL_MODE": "smtp",
            "ASB_SMTP_PORT": str(smtp_port),
            "ASB_SUPERVISOR_EMAIL": SUPERVISORS,
        }
        ports = [free_port(), free_port()]
        for n in range(2):
            worker_env = {**env, "ASB_DATA_DIR": str(tmp_path / f"worker{n}")}
            processes.append(spawn("workers.main", worker_env))
        for n, port in enumerate(ports):
            api_env = {**env, "ASB_DATA_DIR": str(tmp_path / f"api{n}"), "ASB_API_PORT": str(port)}
            processes.append(spawn("web.main", api_env))
        for port in ports:
            await asyncio.to_thread(wait_for_port, f"127.0.0.1:{port}")
        await _exercise(ports, client, handler, url, queue)
    finally:
        await _without_schedule(dev_env.client)
        await _drop_postgres_database(name)


async def _without_schedule(client: Client) -> None:
    if SCHEDULE_ID in [s.id async for s in await client.list_schedules()]:
        await client.get_schedule_handle(SCHEDULE_ID).delete()


async def _open(
    replica: httpx.AsyncClient, body: dict[str, Any], headers: dict[str, str]
) -> httpx.Response:
    """POST /cases as a client following the Idempotency-Key draft: a 409 means the same
    request is still in flight on the other replica, so it is sent again when Retry-After says."""
    for _ in range(60):
        answer = await replica.post("/cases", json=body, headers=headers)
        if answer.status_code != 409:
            return answer
        await asyncio.sleep(float(answer.headers["Retry-After"]))
    return answer


async def _exercise(
    ports: list[int], client: Client, handler: CountingHandler, url: str, queue: str
) -> None:
    token = mint_token(Settings(), "officer.jones", ["officer"], "X")
    headers = {"Authorization": f"Bearer {token}"}
    replicas = [httpx.AsyncClient(base_url=f"http://127.0.0.1:{p}", timeout=60) for p in ports]
    received = (datetime.now(UTC) - timedelta(days=20)).isoformat()
    references: list[str] = []
    try:
        for n in range(CASES):
            body = report("X", received_at=received)
            key = {**headers, "Idempotency-Key": f"two-{uuid.uuid4()}"}
            both = await asyncio.gather(*(_open(r, body, key) for r in replicas))
            assert [b.status_code for b in both] == [201, 201], [b.text for b in both]
            assert both[0].json()["reference"] == both[1].json()["reference"]
            references.append(both[0].json()["reference"])
            other = replicas[(n + 1) % 2]
            acted = await other.post(
                f"/cases/{references[-1]}/actions/acknowledge", json={}, headers=headers
            )
            assert acted.status_code == 200, acted.text
    finally:
        for replica in replicas:
            await replica.aclose()

    engine = create_engine(url)
    sessions = session_factory(engine)

    async def recorded() -> tuple[int, int, list[tuple[str, str]]]:
        async with sessions() as session:
            cases = await session.scalar(select(func.count()).select_from(Case))
            letters = await session.scalar(
                select(func.count()).where(
                    Letter.kind == "acknowledgement", Letter.status == "sent"
                )
            )
            rows = await session.execute(select(Escalation.reference, Escalation.key))
        return int(cases or 0), int(letters or 0), [(r, k) for r, k in rows]

    cases, letters, escalations = await eventually(
        recorded, lambda r: r[1] >= CASES and {ref for ref, _ in r[2]} >= set(references)
    )
    await engine.dispose()
    assert cases == CASES and letters == CASES  # each opened once, acknowledged once
    assert {ref for ref, _ in escalations} == set(references)  # every late case escalated
    keys = [key for _, key in escalations]
    assert len(keys) == len(set(keys))
    ids = Counter(m["Message-ID"] for m in handler.to(SUPERVISORS))
    assert ids and max(ids.values()) == 1  # no escalation emailed twice

    schedules = [s.id async for s in await client.list_schedules()]
    assert schedules.count(SCHEDULE_ID) == 1  # both workers ensured it; one exists
    await client.get_schedule_handle(SCHEDULE_ID).trigger()
    runs = await eventually(
        lambda: client.count_workflows(
            f"WorkflowType = 'HousekeepingWorkflow' AND TaskQueue = '{queue}'"
        ),
        lambda c: c.count >= 1,
    )
    assert runs.count == 1
