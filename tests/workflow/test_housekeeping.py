"""The daily housekeeping run chases referrals (R38), anonymises expired cases (DPA 2018) and
forgets old Idempotency-Keys."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from temporalio.testing import WorkflowEnvironment

from contracts.housekeeping import DIGEST_SCHEDULE_ID, SCHEDULE_ID
from core.mailer import FolderMailer
from core.settings import Settings
from services.housekeeping import ensure_digest_schedule, ensure_schedule
from workers.build import build_worker


async def test_housekeeping_runs_both_jobs_and_reports_counts(
    skipping_env: WorkflowEnvironment, sessions: Any, task_queue: str, tmp_path: Path
) -> None:
    settings = Settings(task_queue=task_queue, data_dir=tmp_path)
    async with build_worker(skipping_env.client, settings, sessions, FolderMailer(tmp_path)):
        result = await skipping_env.client.execute_workflow(
            "HousekeepingWorkflow", id=f"housekeeping-{uuid.uuid4()}", task_queue=task_queue,
            result_type=dict,
        )  # fmt: skip
    assert set(result) == {"referrals_chased", "cases_anonymised", "idempotency_keys_forgotten"}
    assert all(isinstance(n, int) and n >= 0 for n in result.values())


async def test_the_daily_schedule_is_created_once(dev_env: WorkflowEnvironment) -> None:
    queue = f"hk-{uuid.uuid4().hex[:6]}"
    await ensure_schedule(dev_env.client, queue)
    await ensure_schedule(dev_env.client, queue)  # a restart leaves it as it is
    described = await dev_env.client.get_schedule_handle(SCHEDULE_ID).describe()
    assert described.schedule.spec.intervals[0].every.days == 1


async def test_the_digest_schedule_follows_the_setting(dev_env: WorkflowEnvironment) -> None:
    """ASB_ESCALATION_DIGEST_MINUTES: a restart with a new value moves the existing schedule;
    0 (an email per escalation) keeps a daily run for anything an earlier setting left."""
    queue = f"digest-{uuid.uuid4().hex[:6]}"
    handle = dev_env.client.get_schedule_handle(DIGEST_SCHEDULE_ID)
    await ensure_digest_schedule(dev_env.client, queue, 30)
    assert (await handle.describe()).schedule.spec.intervals[0].every.total_seconds() == 1800
    await ensure_digest_schedule(dev_env.client, queue, 60)
    assert (await handle.describe()).schedule.spec.intervals[0].every.total_seconds() == 3600
    await ensure_digest_schedule(dev_env.client, queue, 0)
    assert (await handle.describe()).schedule.spec.intervals[0].every.days == 1
