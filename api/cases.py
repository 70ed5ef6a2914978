"""Case endpoints."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, Header, HTTPException, status
from temporalio.client import WithStartWorkflowOperation
from temporalio.common import WorkflowIDConflictPolicy

from api.deps import Services, services
from api.schemas import CaseOut, OpenCaseIn
from db.models import Party, ReportDetails
from db.repository import get_case, insert_once
from workflows.contracts import CaseOpenedRecord

router = APIRouter(tags=["cases"])


def new_reference(landlord: str, idempotency_key: str | None, now: datetime) -> str:
    """A retried POST with the same Idempotency-Key maps to the same case."""
    seed = f"{landlord}:{idempotency_key}" if idempotency_key else uuid.uuid4().hex
    return f"ASB-{now.year}-{hashlib.sha256(seed.encode()).hexdigest()[:8].upper()}"


@router.post("/cases", status_code=status.HTTP_201_CREATED, response_model=CaseOut)
async def open_case(
    body: OpenCaseIn,
    idempotency_key: str | None = Header(None, max_length=200),
    svc: Services = Depends(services),
) -> CaseOut:
    now = datetime.now(UTC)
    reference = new_reference(body.landlord, idempotency_key, now)
    await _save_report(svc, reference, body)
    record = CaseOpenedRecord(
        reference=reference,
        landlord=body.landlord,
        policy_version=f"{body.landlord}-skeleton",
        stage="received",
        tier="unassessed",
        categories=body.categories,
        channel=body.channel.value,
        officer_id=None,
        received_at=body.received_at or now,
        opened_at=now,
        acknowledgement_due_at=None,
    )
    start: WithStartWorkflowOperation[Any, Any] = WithStartWorkflowOperation(
        "CaseWorkflow",
        record,
        id=f"case-{reference}",
        task_queue=svc.settings.task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    opened = await svc.client.execute_update_with_start_workflow(
        "opened", start_workflow_operation=start, result_type=CaseOpenedRecord
    )
    return CaseOut(**opened.model_dump(exclude={"acknowledgement_due_at"}), next_deadline_at=None)


async def _save_report(svc: Services, reference: str, body: OpenCaseIn) -> None:
    async with svc.sessions() as session, session.begin():
        if not await insert_once(
            session, ReportDetails(reference=reference, description=body.description)
        ):
            return
        for n, party in enumerate(body.parties, start=1):
            session.add(
                Party(
                    id=f"{reference}-P{n}",
                    reference=reference,
                    **party.model_dump(mode="json"),
                )
            )


@router.get("/cases/{reference}", response_model=CaseOut)
async def read_case(reference: str, svc: Services = Depends(services)) -> CaseOut:
    async with svc.sessions() as session:
        case = await get_case(session, reference)
    if case is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no case {reference}")
    return CaseOut.model_validate(case, from_attributes=True)
