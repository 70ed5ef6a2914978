"""Closing an officer task, saying why: the one way the API and the console do it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker

from db import letters
from db.models import OfficerTask

__all__ = ["TaskAlreadyClosed", "TaskNotFound", "close_task"]


class TaskNotFound(LookupError):
    """No such task of the landlord (or of the case named): the API and console answer 404."""

    def __init__(self, task_id: int) -> None:
        self.task_id = task_id
        super().__init__(f"no task {task_id}")


class TaskAlreadyClosed(Exception):
    """The task was closed before; closing it again changes nothing (the API answers 409)."""

    def __init__(self, task: OfficerTask) -> None:
        self.task = task
        super().__init__(f"Task {task.id} is already closed ({task.close_reason or 'done'}).")


async def close_task(
    sessions: async_sessionmaker[Any],
    landlord: str,
    task_id: int,
    by: str,
    reason: str,
    *,
    reference: str | None = None,
) -> OfficerTask:
    """Close the task, keeping ``reason`` on it; the case's timeline records that it was closed.
    With ``reference``, a task of another case is unknown."""
    async with sessions() as session, session.begin():
        task = await letters.find_task(session, landlord, task_id)
        if task is None or (reference is not None and task.reference != reference):
            raise TaskNotFound(task_id)
        if task.done_at is not None:
            raise TaskAlreadyClosed(task)
        await letters.close_task(session, task, by, reason)
    return task
