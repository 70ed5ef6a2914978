"""Public intake: residents report at any hour. It can only create a report and returns only
its reference; it is rate limited per client address.

A report is never lost to an outage (issue 22): it is kept in the outbox before its case is
opened (edge/outbox.py); when the database or Temporal is down the answer is 202 with the
reference the case will open under, and the case opens when they are back."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from edge.deps import Services, services
from edge.idempotency import KeyHeader
from edge.outbox import draining, take_report
from edge.ratelimit import WINDOW_SECONDS, client_address, within_limit
from edge.schemas import Channel, OpenCaseIn, ReportIn
from services.idempotency import public_scope

log = logging.getLogger(__name__)
# The outbox is drained while the API runs (a router lifespan, merged into the app's).
router = APIRouter(tags=["public intake"], lifespan=draining)


class PublicReportIn(ReportIn):
    """A resident's own report, made through the web at any hour."""


class Receipt(BaseModel):
    reference: str
    kept: bool = Field(
        False,
        description="True (with status 202): the report is kept safely but its case is not "
        "open yet, because part of the system is down; it opens under this reference "
        "when the system is back.",
    )


async def _limit(request: Request, svc: Services = Depends(services)) -> None:
    if not await within_limit(request, svc):
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            "too many reports from this address; try again in a minute",
            headers={"Retry-After": str(WINDOW_SECONDS)},
        )


@router.post(
    "/public/reports",
    response_model=Receipt,
    response_model_exclude_defaults=True,  # an opened case's receipt is its reference alone
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(_limit)],
    summary="Report anti-social behaviour (no account needed)",
    responses={
        202: {
            "model": Receipt,
            "description": "Kept safely while part of the system is down; the case opens "
            "under this reference when it is back",
        }
    },
)
async def report(
    body: PublicReportIn,
    request: Request,
    idempotency_key: str | None = KeyHeader,
    svc: Services = Depends(services),
) -> Receipt | JSONResponse:
    intake = OpenCaseIn(**body.model_dump(), channel=Channel.web)
    # The public channel's keys are its clients' own: nobody claims a key an officer, or
    # another address, will use (the draft's caller scoping).
    scope = public_scope(client_address(request))
    taken = await take_report(request.app, svc, intake, scope, idempotency_key)
    if taken.case is None:
        receipt = Receipt(reference=taken.reference, kept=True)
        return JSONResponse(receipt.model_dump(), status_code=status.HTTP_202_ACCEPTED)
    return Receipt(reference=taken.reference)
