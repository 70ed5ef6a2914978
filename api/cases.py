"""Opening and reading cases."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, HTTPException, status
from temporalio.service import RPCError

from contracts.case import VIEW_QUERY
from contracts.view import CaseView
from edge.access import Route, case_handle, read_case_for
from edge.auth import STAFF, Principal, require_roles
from edge.deps import Services, services
from edge.errors import forbidden, unavailable, unprocessable
from edge.idempotency import Attempt, KeyHeader, fingerprint, once, staff_scope
from edge.schemas import CaseOut, OpenCaseIn, PartyIn, case_out
from services import cases, idempotency
from services.errors import CaseFinished, InvalidInput

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
    return await start_case(svc, body, staff_scope(principal), idempotency_key)


def case_services(svc: Services) -> cases.CaseServices:
    return cases.CaseServices(svc.client, svc.sessions, svc.settings.task_queue, svc.wait)


def new_report(body: OpenCaseIn) -> cases.NewReport:
    """The API's schema to the service's input, field by field."""
    return cases.NewReport(
        landlord=body.landlord,
        categories=list(body.categories),
        description=body.description,
        channel=body.channel.value,
        parties=[_new_party(party) for party in body.parties],
        vulnerability=body.vulnerability,
        received_at=body.received_at,
        local_authority=body.local_authority,
    )


def _new_party(party: PartyIn) -> cases.NewParty:
    return cases.NewParty(
        role=party.role.value,
        name=party.name,
        address=party.address,
        email=str(party.email) if party.email is not None else None,
        phone=party.phone,
        preferred_channel=party.preferred_channel.value,
        confidential=party.confidential,
        anonymous=party.anonymous,
    )


async def start_case(
    svc: Services, body: OpenCaseIn, scope: str, idempotency_key: str | None
) -> CaseOut:
    """Open the case through the one service that does it (services.cases.open_case), at most
    once per caller and Idempotency-Key (edge/idempotency.py)."""
    report = new_report(body)
    now = datetime.now(UTC)
    try:
        cases.check_policy(report)  # a report that cannot open a case claims no key
    except InvalidInput as invalid:
        raise unprocessable(invalid.field, invalid.message) from None
    request = fingerprint("open_case", body.model_dump(mode="json"))

    async def open_it(attempt: Attempt) -> CaseView:
        async def moved(reference: str) -> None:
            if attempt.key_hash is not None:
                await idempotency.set_reference(svc.sessions, attempt.key_hash, reference)

        try:
            return await cases.open_case(
                case_services(svc), report, now,
                reference=attempt.reference, fresh=attempt.fresh, on_new_reference=moved,
            )  # fmt: skip
        except InvalidInput as invalid:
            raise unprocessable(invalid.field, invalid.message) from None
        except CaseFinished as finished:
            raise HTTPException(status.HTTP_409_CONFLICT, {"reason": str(finished)}) from None
        except RPCError as error:
            raise unavailable(error) from None

    view = await once(svc, scope, idempotency_key, request, cases.new_reference(now), open_it, 201)
    return case_out(view)


@router.get("/cases/{reference}", response_model=CaseOut, summary="The case's current view")
async def read_case(
    reference: str,
    principal: Principal = Depends(require_roles(*STAFF)),
    svc: Services = Depends(services),
) -> CaseOut:
    """Stage, tier, officer, every deadline (due, met or breached), flags, approvals awaited."""
    await read_case_for(svc, principal, reference, Route.API_CASE)
    try:
        view: CaseView = await case_handle(svc, reference).query(
            VIEW_QUERY, result_type=CaseView, rpc_timeout=svc.wait
        )
    except RPCError as error:
        raise unavailable(error) from None
    return case_out(view)
