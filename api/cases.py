"""Opening and reading cases."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Header, status
from temporalio.service import RPCError

from api.access import case_for, case_handle
from api.auth import STAFF, Principal, require_roles
from api.deps import Services, services
from api.errors import forbidden, unavailable, unprocessable
from api.schemas import CaseOut, OpenCaseIn, PartyIn, case_out
from contracts.case import VIEW_QUERY
from domain.case import CaseView
from services import cases
from services.errors import InvalidInput

router = APIRouter(tags=["cases"])


@router.post(
    "/cases",
    status_code=status.HTTP_201_CREATED,
    response_model=CaseOut,
    summary="Open a case from a report",
)
async def open_case(
    body: OpenCaseIn,
    principal: Principal = Depends(require_roles(*STAFF)),
    idempotency_key: str | None = Header(None, max_length=200),
    svc: Services = Depends(services),
) -> CaseOut:
    if body.landlord != principal.landlord:
        raise forbidden(f"you act for landlord {principal.landlord}, not {body.landlord}")
    return await start_case(svc, body, idempotency_key)


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


async def start_case(svc: Services, body: OpenCaseIn, idempotency_key: str | None) -> CaseOut:
    """Open the case through the one service that does it (services.cases.open_case)."""
    try:
        view = await cases.open_case(
            case_services(svc),
            new_report(body),
            datetime.now(UTC),
            idempotency_key=idempotency_key,
        )
    except InvalidInput as invalid:
        raise unprocessable(invalid.field, invalid.message) from None
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
    await case_for(svc, principal, reference)
    try:
        view: CaseView = await case_handle(svc, reference).query(
            VIEW_QUERY, result_type=CaseView, rpc_timeout=svc.wait
        )
    except RPCError as error:
        raise unavailable(error) from None
    return case_out(view)
