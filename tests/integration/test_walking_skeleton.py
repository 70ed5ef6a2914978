"""The stack end to end: HTTP -> update-with-start -> workflow -> activity -> database -> HTTP."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.deps import Services
from core.settings import Settings
from db.models import Letter, Party
from workers.build import build_worker


@pytest.fixture
async def api(
    dev_env: WorkflowEnvironment,
    engine: AsyncEngine,
    sessions: async_sessionmaker[Any],
    task_queue: str,
) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(task_queue=task_queue)
    app = create_app(settings, Services(settings, dev_env.client, engine, sessions))
    async with build_worker(dev_env.client, task_queue, sessions):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


REPORT = {
    "landlord": "X",
    "categories": ["noise"],
    "description": "Loud music every night after midnight.",
    "channel": "phone",
    "parties": [{"role": "complainant", "name": "A Resident", "email": "a@example.org"}],
}


async def test_open_case_then_read_it_back(api: httpx.AsyncClient, sessions: Any) -> None:
    opened = await api.post("/cases", json=REPORT)
    assert opened.status_code == 201, opened.text
    reference = opened.json()["reference"]

    read = await api.get(f"/cases/{reference}")
    assert read.status_code == 200
    assert read.json()["landlord"] == "X"
    assert read.json()["categories"] == ["noise"]
    async with sessions() as session:
        letters = (
            (await session.execute(select(Letter).where(Letter.reference == reference)))
            .scalars()
            .all()
        )
        party_count = await session.scalar(select(func.count()).where(Party.reference == reference))
    assert [letter.kind for letter in letters] == ["acknowledgement"]
    assert party_count == 1


async def test_retried_post_with_idempotency_key_opens_one_case(api: httpx.AsyncClient) -> None:
    headers = {"Idempotency-Key": f"report-{uuid.uuid4()}"}
    first = await api.post("/cases", json=REPORT, headers=headers)
    second = await api.post("/cases", json=REPORT, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["reference"] == second.json()["reference"]


async def test_report_logged_after_the_fact_keeps_its_received_time(api: httpx.AsyncClient) -> None:
    report = {**REPORT, "received_at": "2026-04-02T19:30:00+01:00"}
    opened = await api.post("/cases", json=report)
    read = await api.get(f"/cases/{opened.json()['reference']}")
    assert read.json()["received_at"] in ("2026-04-02T18:30:00Z", "2026-04-02T18:30:00+00:00")


async def test_unknown_case_is_404(api: httpx.AsyncClient) -> None:
    response = await api.get("/cases/ASB-2026-NOPE")
    assert response.status_code == 404


async def test_readiness_reports_database_and_temporal(api: httpx.AsyncClient) -> None:
    assert (await api.get("/healthz")).json() == {"status": "ok"}
    ready = await api.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "database": "ok", "temporal": "ok"}
