"""Officer tasks (a letter not sent, an unconfirmed email, a referral chased too often) and
agencies' answers to referrals (R38)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, status
from pydantic import BaseModel, ConfigDict, Field

from edge.access import reader
from edge.auth import STAFF, Principal, require_roles
from edge.deps import Services, services
from edge.schemas import CloseTaskIn, Reason
from services import tasks
from services.access import Route
from services.tasks import OfficerTask, TaskAlreadyClosed, TaskKind, TaskNotFound

router = APIRouter(tags=["tasks and referrals"])


class TaskOut(BaseModel):
    id: int
    reference: str
    kind: TaskKind
    summary: str
    created_at: datetime
    done_at: datetime | None
    closed_by: str | None
    close_reason: str | None


class ReferralOut(BaseModel):
    key: str
    agency: str
    sharing_basis: str
    consent: bool
    status: str
    made_at: datetime
    chases: int
    response: str | None
    responded_at: datetime | None


class ReferralResponseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    response: Reason = Field(description="The agency's answer, as it gave it")


def _task_out(task: OfficerTask) -> TaskOut:
    return TaskOut.model_validate(task, from_attributes=True)


@router.get("/tasks", response_model=list[TaskOut], summary="Officer tasks of your landlord")
async def list_tasks(
    reference: str | None = Query(None, max_length=40, description="Only this case's tasks"),
    open_only: bool = Query(True, description="Leave out tasks already closed"),
    principal: Principal = Depends(require_roles(*STAFF)),
    svc: Services = Depends(services),
) -> list[TaskOut]:
    found = await tasks.list_tasks(svc, reader(principal), reference, open_only)
    return [_task_out(task) for task in found]


@router.post("/tasks/{task_id}/close", response_model=TaskOut, summary="Close a task, saying why")
async def close_task(
    task_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    body: CloseTaskIn,
    principal: Principal = Depends(require_roles(*STAFF)),
    svc: Services = Depends(services),
) -> TaskOut:
    """The reason is kept on the task; the case's timeline records that it was closed."""
    try:
        task = await tasks.close_task(
            svc, principal.landlord, task_id, principal.user_id, body.reason
        )
    except TaskNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no task {task_id}") from None
    except TaskAlreadyClosed as closed:
        raise HTTPException(status.HTTP_409_CONFLICT, {"reason": str(closed)}) from None
    return _task_out(task)


@router.get(
    "/cases/{reference}/referrals", response_model=list[ReferralOut], summary="Referrals (R38)"
)
async def list_referrals(
    reference: str,
    principal: Principal = Depends(require_roles(*STAFF)),
    svc: Services = Depends(services),
) -> list[ReferralOut]:
    rows = await tasks.case_referrals(svc, reader(principal), reference, Route.API_REFERRALS)
    return [ReferralOut.model_validate(r, from_attributes=True) for r in rows]


@router.post(
    "/cases/{reference}/referrals/{key}/response",
    response_model=ReferralOut,
    summary="Record an agency's answer to a referral (R38)",
)
async def record_response(
    reference: str,
    key: str,
    body: ReferralResponseIn,
    principal: Principal = Depends(require_roles(*STAFF)),
    svc: Services = Depends(services),
) -> ReferralOut:
    """The referral is no longer chased. The same answer again changes nothing; a different one
    replaces it and is audited."""
    referral = await tasks.record_referral_response(
        svc, reader(principal), reference, key, body.response
    )
    return ReferralOut.model_validate(referral, from_attributes=True)
