"""``build_worker``: the one way to assemble the case worker, for production and tests alike."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio.client import Client
from temporalio.worker import Worker

from activities.case_record import CaseRecordActivities
from workflows.case import CaseWorkflow

WORKFLOWS = [CaseWorkflow]


def build_worker(client: Client, task_queue: str, sessions: async_sessionmaker[Any]) -> Worker:
    record = CaseRecordActivities(sessions)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=WORKFLOWS,
        activities=[record.record_case_opened],
    )
