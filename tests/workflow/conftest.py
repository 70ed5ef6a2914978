"""Workflow fixtures: a time-skipping server with our search attributes per test module, one
worker per database (SQLite and PostgreSQL) shared by the module's journeys, a driver per test."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from core.mailer import FolderMailer
from core.settings import Settings
from core.temporal import data_converter
from tests.workflow.support import CaseDriver, binary, case_worker, register_search_attributes


@dataclass(frozen=True)
class RunningWorker:
    task_queue: str
    mail_dir: Path


@pytest.fixture(scope="module")
async def case_env() -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server per module. Simulated time only moves forward, by months in
    every journey: over a whole session it would outrun the ten years of bank holidays a case
    opens with (core/case_setup.py counts them from the wall clock) and cases would be refused."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=binary("temporal-test-server"),
        data_converter=data_converter(Settings(environment="test")),
    )
    await register_search_attributes(env)
    yield env
    await env.shutdown()


@pytest.fixture(scope="module")
async def journey_worker(
    case_env: WorkflowEnvironment,
    sessions: async_sessionmaker[Any],
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[RunningWorker]:
    """One case worker per database and module: starting one per test is slow."""
    task_queue = f"journeys-{uuid.uuid4().hex[:8]}"
    data_dir = tmp_path_factory.mktemp("journeys")
    settings = Settings(environment="test", task_queue=task_queue, data_dir=data_dir)
    mailer = FolderMailer(data_dir / "mail")
    async with case_worker(case_env.client, settings, sessions, mailer):
        yield RunningWorker(task_queue, mailer.folder)


@pytest.fixture
async def cases(
    case_env: WorkflowEnvironment,
    sessions: async_sessionmaker[Any],
    journey_worker: RunningWorker,
) -> AsyncIterator[CaseDriver]:
    driver = CaseDriver(case_env, journey_worker.task_queue, sessions, journey_worker.mail_dir)
    yield driver
    await driver.terminate_open_cases()
