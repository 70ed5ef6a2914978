"""Opening and reading cases."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, Header, status
from temporalio.client import WithStartWorkflowOperation
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.service import RPCError

from api.access import case_for, case_handle
from api.auth import STAFF, Principal, require_roles
from api.deps import Services, services
from api.errors import forbidden, unavailable, unprocessable
from api.schemas import OpenCaseIn, PartyIn
from core.case_setup import case_setup
from db.models import Party, ReportDetails
from db.repository import insert_new
from domain import machine
from domain.case import CaseView, OpenCase, PartyRef
from domain.errors import DomainError, UnknownValueError
from domain.policy import PolicyProfile, load_policy
from domain.profile import load_profile
from workflows import search_attributes
from workflows.contracts import new_case

router = APIRouter(tags=["cases"])


def new_reference(landlord: str, idempotency_key: str | None, now: datetime) -> str:
    """A retried POST with the same Idempotency-Key maps to the same case."""
    seed = f"{landlord}:{idempotency_key}" if idempotency_key else uuid.uuid4().hex
    return f"ASB-{now.year}-{hashlib.sha256(seed.encode()).hexdigest()[:8].upper()}"


def check_policy(body: OpenCaseIn) -> PolicyProfile:
    try:
        policy = load_policy(body.landlord)
    except UnknownValueError as unknown:
        raise unprocessable("landlord", unknown) from None
    for code in body.categories:
        try:
            policy.category(code)
        except UnknownValueError as unknown:
            raise unprocessable("categories", unknown) from None
    if body.local_authority is not None:
        profile = load_profile(body.landlord)
        if profile.case_review_for(body.local_authority) is None:
            raise unprocessable(
                "local_authority",
                UnknownValueError("local_authority", body.local_authority,
                                  profile.local_authorities),
            )  # fmt: skip
    return policy


@router.post(
    "/cases",
    status_code=status.HTTP_201_CREATED,
    response_model=CaseView,
    summary="Open a case from a report",
)
async def open_case(
    body: OpenCaseIn,
    principal: Principal = Depends(require_roles(*STAFF)),
    idempotency_key: str | None = Header(None, max_length=200),
    svc: Services = Depends(services),
) -> CaseView:
    if body.landlord != principal.landlord:
        raise forbidden(f"you act for landlord {principal.landlord}, not {body.landlord}")
    return await start_case(svc, body, idempotency_key)


async def start_case(svc: Services, body: OpenCaseIn, idempotency_key: str | None) -> CaseView:
    """Record the personal part, then open the workflow by update-with-start (never twice)."""
    check_policy(body)
    now = datetime.now(UTC)
    reference = new_reference(body.landlord, idempotency_key, now)
    opened = OpenCase(
        reference=reference,
        landlord=body.landlord,
        categories=body.categories,
        vulnerability=body.vulnerability,
        channel=body.channel.value,
        received_at=body.received_at or now,
        parties=[_party_ref(reference, n, party) for n, party in enumerate(body.parties, 1)],
    )
    setup = case_setup(body.landlord, opened.received_at, now)
    try:  # the domain's own opening rules, so a case that cannot open is a 422, not a crash
        state, _ = machine.open_case(setup, opened, now)
    except DomainError as invalid:
        raise unprocessable("body", str(invalid)) from None
    await _save_report(svc, reference, body)
    start: WithStartWorkflowOperation[Any, Any] = WithStartWorkflowOperation(
        "CaseWorkflow",
        new_case(opened, setup),
        id=f"case-{reference}",
        task_queue=svc.settings.task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        search_attributes=search_attributes.typed(machine.view(state, now)),
    )
    try:
        view: CaseView = await svc.client.execute_update_with_start_workflow(
            "open", start_workflow_operation=start, result_type=CaseView, rpc_timeout=svc.wait
        )
    except RPCError as error:
        raise unavailable(error) from None
    return view


def _party_ref(reference: str, n: int, party: PartyIn) -> PartyRef:
    return PartyRef(
        id=f"{reference}-P{n}",
        role=party.role.value,
        anonymous=party.anonymous,
        confidential=party.confidential,
        preferred_channel=party.preferred_channel.value,
    )


async def _save_report(svc: Services, reference: str, body: OpenCaseIn) -> None:
    """The personal part of the report goes to the record, never into the workflow. A retried
    POST (same Idempotency-Key, so the same reference) finds the first one there and keeps it:
    its case already knows its parties."""
    parties = [
        {"id": f"{reference}-P{n}", "reference": reference, **party.model_dump(mode="json")}
        for n, party in enumerate(body.parties, start=1)
    ]
    report = {
        "reference": reference,
        "description": body.description,
        "local_authority": body.local_authority,
    }
    async with svc.sessions() as session, session.begin():
        if await insert_new(session, ReportDetails, [report]):
            await insert_new(session, Party, parties)


@router.get("/cases/{reference}", response_model=CaseView, summary="The case's current view")
async def read_case(
    reference: str,
    principal: Principal = Depends(require_roles(*STAFF)),
    svc: Services = Depends(services),
) -> CaseView:
    """Stage, tier, officer, every deadline (due, met or breached), flags, approvals awaited."""
    await case_for(svc, principal, reference)
    try:
        view: CaseView = await case_handle(svc, reference).query(
            "view", result_type=CaseView, rpc_timeout=svc.wait
        )
    except RPCError as error:
        raise unavailable(error) from None
    return view
