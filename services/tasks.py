"""Officer tasks (a letter not sent, an unconfirmed email, a referral chased too often) and
agencies' answers to referrals (R38): the one way the API and the console read and close them."""

from __future__ import annotations

from db import letters, repository
from db.models import OfficerTask, Referral, TaskKind
from services.access import Reader, Route, read_case_row, visible_case_row
from services.context import Services
from services.errors import NotFound

__all__ = [
    "OfficerTask",
    "Referral",
    "TaskAlreadyClosed",
    "TaskKind",
    "TaskNotFound",
    "case_referrals",
    "close_case_task",
    "close_task",
    "list_tasks",
    "record_referral_response",
]


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
    svc: Services,
    landlord: str,
    task_id: int,
    by: str,
    reason: str,
    *,
    reference: str | None = None,
) -> OfficerTask:
    """Close the task, keeping ``reason`` on it; the case's timeline records that it was closed.
    With ``reference``, a task of another case is unknown."""
    async with svc.sessions() as session, session.begin():
        task = await letters.find_task(session, landlord, task_id)
        if task is None or (reference is not None and task.reference != reference):
            raise TaskNotFound(task_id)
        if task.done_at is not None:
            raise TaskAlreadyClosed(task)
        await letters.close_task(session, task, by, reason)
    return task


async def close_case_task(
    svc: Services, reader: Reader, reference: str, task_id: int, reason: str
) -> OfficerTask:
    """As :func:`close_task`, for a task of a case the reader may open (the console's case page):
    a case they may not open is unknown (:class:`CaseNotFound`), as everywhere."""
    await visible_case_row(svc.sessions, reader, reference)
    return await close_task(
        svc, reader.landlord, task_id, reader.user_id, reason, reference=reference
    )


async def list_tasks(
    svc: Services, reader: Reader, reference: str | None, open_only: bool
) -> list[OfficerTask]:
    """The landlord's officer tasks (only the cases the reader may open), newest first."""
    async with svc.sessions() as session:
        return list(
            await letters.tasks(
                session, reader.landlord, reference, open_only, reader.restricted_to
            )
        )


async def case_referrals(
    svc: Services, reader: Reader, reference: str, route: Route
) -> list[Referral]:
    """The case's referrals to agencies (R38), the read recorded first."""
    await read_case_row(svc.sessions, reader, reference, route)
    async with svc.sessions() as session:
        return list(await repository.case_referrals(session, reference))


async def record_referral_response(
    svc: Services, reader: Reader, reference: str, key: str, response: str
) -> Referral:
    """The agency's answer: the referral is no longer chased. The same answer again changes
    nothing; a different one replaces it and is audited."""
    await visible_case_row(svc.sessions, reader, reference)
    async with svc.sessions() as session, session.begin():
        owned = await repository.referral_of_case(session, reference, key)
        referral = (
            await repository.record_referral_response(session, key, response, actor=reader.user_id)
            if owned
            else None
        )
        if referral is None:
            raise NotFound(f"no referral {key} on {reference}")
    return referral
