"""Workflow fixtures: the time-skipping server with our search attributes, one worker per
database (SQLite and PostgreSQL) shared by every journey, and a driver per test."""

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
from tests.workflow.support import CaseDriver, register_search_attributes
from workers.build import build_worker


@dataclass(frozen=True)
class RunningWorker:
    task_queue: str
    mail_dir: Path


@pytest.fixture(scope="session")
async def case_env(skipping_env: WorkflowEnvironment) -> WorkflowEnvironment:
    await register_search_attributes(skipping_env)
    return skipping_env


@pytest.fixture(scope="session")
async def journey_worker(
    case_env: WorkflowEnvironment,
    sessions: async_sessionmaker[Any],
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[RunningWorker]:
    """One case worker per database for the whole session: starting one per test is slow."""
    task_queue = f"journeys-{uuid.uuid4().hex[:8]}"
    data_dir = tmp_path_factory.mktemp("journeys")
    settings = Settings(environment="test", task_queue=task_queue, data_dir=data_dir)
    mailer = FolderMailer(data_dir / "mail")
    async with build_worker(case_env.client, settings, sessions, mailer=mailer):
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
