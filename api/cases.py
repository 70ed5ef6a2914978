"""Opening and reading cases."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, status
from temporalio.client import WithStartWorkflowOperation
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from api.access import case_for, case_handle
from api.auth import STAFF, Principal, require_roles
from api.deps import Services, services
from api.errors import forbidden, unavailable, unprocessable
from api.idempotency import Attempt, KeyHeader, fingerprint, once, staff_scope
from api.schemas import OpenCaseIn, PartyIn
from core.case_setup import case_setup
from db import idempotency as idempotency_store
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


def new_reference(now: datetime) -> str:
    """A fresh reference; ``_save_report`` makes sure no case holds it yet."""
    return f"ASB-{now.year}-{secrets.token_hex(4).upper()}"


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
    responses={
        409: {"description": "A request with this Idempotency-Key is still in flight"},
        422: {"description": "Invalid report, or an Idempotency-Key reused for another request"},
    },
)
async def open_case(
    body: OpenCaseIn,
    principal: Principal = Depends(require_roles(*STAFF)),
    idempotency_key: str | None = KeyHeader,
    svc: Services = Depends(services),
) -> CaseView:
    if body.landlord != principal.landlord:
        raise forbidden(f"you act for landlord {principal.landlord}, not {body.landlord}")
    return await start_case(svc, body, staff_scope(principal), idempotency_key)


async def start_case(
    svc: Services, body: OpenCaseIn, scope: str, idempotency_key: str | None
) -> CaseView:
    """Record the personal part, then open the workflow by update-with-start: once per key."""
    check_policy(body)
    now = datetime.now(UTC)
    request = fingerprint("open_case", body.model_dump(mode="json"))

    async def open_it(attempt: Attempt) -> CaseView:
        return await _open(svc, body, attempt, now)

    reference = new_reference(now)
    return await once(svc, scope, idempotency_key, request, reference, open_it, 201)


async def _open(svc: Services, body: OpenCaseIn, attempt: Attempt, now: datetime) -> CaseView:
    reference = attempt.reference
    received_at = body.received_at or now
    setup = case_setup(body.landlord, received_at, now)
    opened = _intake(body, reference, received_at)
    try:  # the domain's own opening rules, so a case that cannot open is a 422, not a crash
        state, _ = machine.open_case(setup, opened, now)
    except DomainError as invalid:
        raise unprocessable("body", str(invalid)) from None
    while not await _save_report(svc, reference, body) and attempt.fresh:
        # A new reference another case already holds (one chance in four billion per case):
        # draw again, so a new report never joins, or is dropped in favour of, another case.
        reference = new_reference(now)
        opened = _intake(body, reference, received_at)
        if attempt.key_hash is not None:
            await idempotency_store.set_reference(svc.sessions, attempt.key_hash, reference)
    start: WithStartWorkflowOperation[Any, Any] = WithStartWorkflowOperation(
        "CaseWorkflow",
        new_case(opened, setup),
        id=f"case-{reference}",
        task_queue=svc.settings.task_queue,
        # A retry of a request whose first attempt started the case joins it; a finished case's
        # id is never run again (Temporal would otherwise start a second run under it).
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        search_attributes=search_attributes.typed(machine.view(state, now)),
    )
    try:
        view: CaseView = await svc.client.execute_update_with_start_workflow(
            "open", start_workflow_operation=start, result_type=CaseView, rpc_timeout=svc.wait
        )
    except WorkflowAlreadyStartedError:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            {"reason": f"Case {reference} is finished; it cannot be opened again."},
        ) from None
    except RPCError as error:
        raise unavailable(error) from None
    return view


def _intake(body: OpenCaseIn, reference: str, received_at: datetime) -> OpenCase:
    return OpenCase(
        reference=reference,
        landlord=body.landlord,
        categories=body.categories,
        vulnerability=body.vulnerability,
        channel=body.channel.value,
        received_at=received_at,
        parties=[_party_ref(reference, n, party) for n, party in enumerate(body.parties, 1)],
    )


def _party_ref(reference: str, n: int, party: PartyIn) -> PartyRef:
    return PartyRef(
        id=f"{reference}-P{n}",
        role=party.role.value,
        anonymous=party.anonymous,
        confidential=party.confidential,
        preferred_channel=party.preferred_channel.value,
    )


async def _save_report(svc: Services, reference: str, body: OpenCaseIn) -> bool:
    """The personal part of the report goes to the record, never into the workflow. False when
    the reference already has a report: a resumed request's own (the same request, by its
    key's fingerprint), or another case's, for a new reference."""
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
        if not await insert_new(session, ReportDetails, [report]):
            return False
        await insert_new(session, Party, parties)
    return True


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
