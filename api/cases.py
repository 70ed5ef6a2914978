"""Opening and reading cases."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, status
from temporalio.service import RPCError

from edge.access import reader
from edge.auth import STAFF, Principal, require_roles
from edge.deps import Services, services
from edge.errors import forbidden, unavailable
from edge.idempotency import KeyHeader
from edge.schemas import CaseOut, OpenCaseIn, case_out, new_report
from services import cases
from services.access import Route
from services.idempotency import fingerprint, staff_scope

router = APIRouter(tags=["cases"])


@router.post(
    "/cases",
    status_code=status.HTTP_201_CREATED,
    response_model=CaseOut,
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
) -> CaseOut:
    if body.landlord != principal.landlord:
        raise forbidden(f"you act for landlord {principal.landlord}, not {body.landlord}")
    return await start_case(svc, body, staff_scope(reader(principal)), idempotency_key)


async def start_case(
    svc: Services,
    body: OpenCaseIn,
    scope: str,
    idempotency_key: str | None,
    *,
    kept: tuple[str, datetime] | None = None,
) -> CaseOut:
    """Open the case through the one service that does it (services.cases.start_case), at most
    once per caller and Idempotency-Key (services/idempotency.py).

    ``kept``: the reference and arrival of a report kept in the outbox (edge/outbox.py): its
    case opens under that reference, received when the resident sent it, once however often
    this is called."""
    request = fingerprint("open_case", body.model_dump(mode="json"))
    try:
        view = await cases.start_case(
            svc, new_report(body), scope, idempotency_key, request, kept=kept
        )
    except RPCError as error:
        raise unavailable(error) from None
    return case_out(view)


@router.get("/cases/{reference}", response_model=CaseOut, summary="The case's current view")
async def read_case(
    reference: str,
    principal: Principal = Depends(require_roles(*STAFF)),
    svc: Services = Depends(services),
) -> CaseOut:
    """Stage, tier, officer, every deadline (due, met or breached), flags, approvals awaited."""
    try:
        view = await cases.read_case(svc, reader(principal), reference, Route.API_CASE)
    except RPCError as error:
        raise unavailable(error) from None
    return case_out(view)
