"""The stack end to end: HTTP -> update-with-start -> workflow -> activity -> database -> HTTP."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.deps import Services
from core.settings import Settings
from db.models import CaseEvent, Letter, Party
from workers.build import build_worker


@pytest.fixture
async def api(
    dev_env: WorkflowEnvironment,
    engine: AsyncEngine,
    sessions: async_sessionmaker[Any],
    task_queue: str,
    tmp_path: Path,
) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(task_queue=task_queue, data_dir=tmp_path)
    app = create_app(settings, Services(settings, dev_env.client, engine, sessions))
    async with build_worker(dev_env.client, settings, sessions):
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
    case = read.json()
    assert (case["landlord"], case["categories"], case["stage"]) == ("X", ["noise"], "received")
    assert {d["clock"] for d in case["deadlines"]} >= {"first_contact"}
    async with sessions() as session:
        events = (
            await session.scalars(select(CaseEvent).where(CaseEvent.reference == reference))
        ).all()
        party_count = await session.scalar(select(func.count()).where(Party.reference == reference))
    assert events and events[0].action == "open_case"
    assert party_count == 1


async def test_acknowledging_sends_the_letter_naming_the_officer(
    api: httpx.AsyncClient, sessions: Any
) -> None:
    """R13: the acknowledgement tells the complainant who is dealing with the case."""
    reference = (await api.post("/cases", json=REPORT)).json()["reference"]
    action = {"type": "acknowledge", "actor": {"user_id": "officer.jones", "role": "officer"}}
    acted = await api.post(f"/cases/{reference}/actions", json=action)
    assert acted.status_code == 200, acted.text
    assert acted.json()["officer_id"] == "officer.jones"
    async with sessions() as session:
        letter = (await session.scalars(select(Letter).where(Letter.reference == reference))).one()
    assert (letter.kind, letter.status, letter.channel) == (
        "acknowledgement",
        "queued_for_post",
        "post",
    )
    assert "officer.jones" in letter.body


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
    received = datetime.fromisoformat(read.json()["received_at"])
    assert received == datetime(2026, 4, 2, 18, 30, tzinfo=UTC)


async def test_unknown_case_is_404(api: httpx.AsyncClient) -> None:
    response = await api.get("/cases/ASB-2026-NOPE")
    assert response.status_code == 404


async def test_readiness_reports_database_and_temporal(api: httpx.AsyncClient) -> None:
    assert (await api.get("/healthz")).json() == {"status": "ok"}
    ready = await api.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "database": "ok", "temporal": "ok"}
