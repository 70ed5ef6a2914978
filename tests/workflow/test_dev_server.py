"""On the real Temporal dev server: supervisors' lists come from search attributes, "overdue"
is a query, and a refused action leaves no trace in the case's history."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from core.mailer import FolderMailer
from core.settings import Settings
from domain.actions import Acknowledge, LegalActionKind, StartLegalAction
from domain.case import Stage
from tests.workflow.support import OFFICER, CaseDriver, case_worker

T = TypeVar("T")
VISIBILITY_WAIT = timedelta(seconds=10)


async def eventually(probe: Callable[[], Awaitable[T]], check: Callable[[T], bool]) -> T:
    """Visibility is written after the workflow task, asynchronously: ask again until it agrees
    (this waits for the server's index to catch up, not for time to pass)."""
    deadline = asyncio.get_running_loop().time() + VISIBILITY_WAIT.total_seconds()
    while True:
        value = await probe()
        if check(value) or asyncio.get_running_loop().time() > deadline:
            return value
        await asyncio.sleep(0.05)


@pytest.fixture
async def dev_cases(
    dev_env: WorkflowEnvironment,
    sessions: async_sessionmaker[Any],
    task_queue: str,
    tmp_path: Path,
) -> AsyncIterator[CaseDriver]:
    settings = Settings(environment="test", task_queue=task_queue, data_dir=tmp_path)
    mailer = FolderMailer(tmp_path / "mail")
    async with case_worker(dev_env.client, settings, sessions, mailer):
        driver = CaseDriver(dev_env, task_queue, sessions, mailer.folder, prefix="ASB-DEV")
        yield driver
        await driver.terminate_open_cases()


async def test_lists_come_from_search_attributes_and_overdue_is_a_query(
    dev_cases: CaseDriver,
) -> None:
    """Stage, landlord and the next deadline are searchable; a case whose deadline has passed
    is found by ``NextDeadlineAt < now`` (docs/design.md: overdue is a query, not a flag)."""
    cases = dev_cases
    now = await cases.now()
    fresh = await cases.open("X")
    acknowledged = await cases.open("X")
    await cases.act(acknowledged, Acknowledge(actor=OFFICER))
    other_landlord = await cases.open("B")
    # Logged three weeks after the report came in: its acknowledgement and first contact are
    # already late (R13, R14), and the engine escalates them at once.
    late = await cases.open("C", received_at=now - timedelta(days=21))
    view = await eventually(lambda: cases.view(late), lambda v: bool(v.escalations))
    assert {e.clock.value for e in view.escalations} == {"acknowledgement", "first_contact"}

    scope = f"TaskQueue = '{cases.task_queue}'"
    instant = (await cases.now()).isoformat()

    async def ids(query: str) -> set[str]:
        return {w.id async for w in cases.client.list_workflows(f"{scope} AND {query}")}

    async def listed(query: str, expected: set[str]) -> None:
        found = await eventually(lambda: ids(query), lambda got: got == expected)
        assert found == expected, query

    await listed(
        f"CaseStage = '{Stage.RECEIVED.value}' AND Landlord = 'X'",
        {fresh.handle.id},
    )
    await listed(f"CaseStage = '{Stage.RISK_ASSESSMENT.value}'", {acknowledged.handle.id})
    await listed("Landlord = 'B'", {other_landlord.handle.id})
    await listed(f"NextDeadlineAt < '{instant}'", {late.handle.id})  # overdue
    await listed("Escalated = true", {late.handle.id})
    await listed(
        f"NextDeadlineAt > '{instant}'",
        {fresh.handle.id, acknowledged.handle.id, other_landlord.handle.id},
    )
    await listed("CaseOfficer = 'officer.jones'", {acknowledged.handle.id})
    count = await cases.client.count_workflows(f"{scope} AND Landlord = 'X'")
    assert count.count == 2


async def test_a_refused_action_leaves_no_trace_in_history(dev_cases: CaseDriver) -> None:
    """Update validators reject before anything is written (docs/design.md, Messages)."""
    case = await dev_cases.open("X")
    before = await dev_cases.event_count(case.handle)
    refused = await dev_cases.refuse(
        case, StartLegalAction(actor=OFFICER, kind=LegalActionKind.INJUNCTION)
    )
    assert refused.reason == (
        "The case is still at the received stage: acknowledge it first (R6, R13)."
    )
    assert await dev_cases.event_count(case.handle) == before
