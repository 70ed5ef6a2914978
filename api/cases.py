"""Case endpoints: open, read, act."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Body, Depends, Header, HTTPException, status
from temporalio.client import (
    WithStartWorkflowOperation,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.service import RPCError, RPCStatusCode

from api.deps import Services, services
from api.errors import refused, unprocessable
from api.schemas import OpenCaseIn
from db.models import Party, ReportDetails
from db.repository import get_case, insert_once
from domain.actions import Action
from domain.case import CaseView, OpenCase, PartyRef
from domain.errors import UnknownValueError
from domain.policy import PolicyProfile, load_policy
from workflows.contracts import CaseStart

router = APIRouter(tags=["cases"])
# How long an HTTP request waits for the worker before giving up with 503.
WORKER_WAIT = timedelta(seconds=30)


def new_reference(landlord: str, idempotency_key: str | None, now: datetime) -> str:
    """A retried POST with the same Idempotency-Key maps to the same case."""
    seed = f"{landlord}:{idempotency_key}" if idempotency_key else uuid.uuid4().hex
    return f"ASB-{now.year}-{hashlib.sha256(seed.encode()).hexdigest()[:8].upper()}"


def _policy(body: OpenCaseIn) -> PolicyProfile:
    try:
        policy = load_policy(body.landlord)
    except UnknownValueError as unknown:
        raise unprocessable("landlord", unknown) from None
    for code in body.categories:
        try:
            policy.category(code)
        except UnknownValueError as unknown:
            raise unprocessable("categories", unknown) from None
    return policy


@router.post("/cases", status_code=status.HTTP_201_CREATED, response_model=CaseView)
async def open_case(
    body: OpenCaseIn,
    idempotency_key: str | None = Header(None, max_length=200),
    svc: Services = Depends(services),
) -> CaseView:
    _policy(body)
    now = datetime.now(UTC)
    reference = new_reference(body.landlord, idempotency_key, now)
    await _save_report(svc, reference, body)
    opened = OpenCase(
        reference=reference,
        landlord=body.landlord,
        categories=body.categories,
        vulnerability=body.vulnerability,
        channel=body.channel.value,
        received_at=body.received_at or now,
        parties=[_party_ref(reference, n, party) for n, party in enumerate(body.parties, 1)],
    )
    start: WithStartWorkflowOperation[Any, Any] = WithStartWorkflowOperation(
        "CaseWorkflow",
        CaseStart(opened=opened),
        id=f"case-{reference}",
        task_queue=svc.settings.task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    try:
        view: CaseView = await svc.client.execute_update_with_start_workflow(
            "open", start_workflow_operation=start, result_type=CaseView,
            rpc_timeout=WORKER_WAIT,
        )  # fmt: skip
    except RPCError as error:
        raise _unavailable(error) from None
    return view


def _party_ref(reference: str, n: int, party: Any) -> PartyRef:
    return PartyRef(
        id=f"{reference}-P{n}",
        role=party.role.value,
        anonymous=party.anonymous,
        confidential=party.confidential,
        preferred_channel=party.preferred_channel.value,
    )


async def _save_report(svc: Services, reference: str, body: OpenCaseIn) -> None:
    """The personal part of the report goes to the record, never into the workflow."""
    async with svc.sessions() as session, session.begin():
        if not await insert_once(
            session, ReportDetails(reference=reference, description=body.description)
        ):
            return
        for n, party in enumerate(body.parties, start=1):
            fields = party.model_dump(mode="json")
            session.add(Party(id=f"{reference}-P{n}", reference=reference, **fields))


def _handle(svc: Services, reference: str) -> WorkflowHandle[Any, Any]:
    return svc.client.get_workflow_handle(f"case-{reference}")


def _unavailable(error: RPCError) -> HTTPException:
    if error.status == RPCStatusCode.NOT_FOUND:
        return HTTPException(status.HTTP_404_NOT_FOUND, "no such case")
    return HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, f"case engine unavailable: {error}")


@router.get("/cases/{reference}", response_model=CaseView)
async def read_case(reference: str, svc: Services = Depends(services)) -> CaseView:
    async with svc.sessions() as session:
        if await get_case(session, reference) is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no case {reference}")
    try:
        view: CaseView = await _handle(svc, reference).query(
            "view", result_type=CaseView, rpc_timeout=WORKER_WAIT
        )
    except RPCError as error:
        raise _unavailable(error) from None
    return view


@router.post("/cases/{reference}/actions", response_model=CaseView)
async def act(
    reference: str,
    action: Action = Body(..., discriminator="type"),
    svc: Services = Depends(services),
) -> CaseView:
    """Any officer action; refused with 409 and the reason when the case forbids it."""
    try:
        view: CaseView = await _handle(svc, reference).execute_update(
            action.type, action, result_type=CaseView, rpc_timeout=WORKER_WAIT
        )
    except WorkflowUpdateFailedError as error:
        raise refused(error) from None
    except RPCError as error:
        raise _unavailable(error) from None
    return view
