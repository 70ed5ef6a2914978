"""Public intake: residents report at any hour. It can only create a report and returns only
its reference; it is rate limited per client address.

A report is never lost to an outage (issue 22): it is kept in the outbox before its case is
opened (api/outbox.py); when the database or Temporal is down the answer is 202 with the
reference the case will open under, and the case opens when they are back."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.deps import Services, services
from api.errors import database_down
from api.idempotency import KeyHeader, public_scope
from api.outbox import draining, take_report
from api.ratelimit import WINDOW_SECONDS, Limiter, MemoryLimiter, limiter_for
from api.schemas import Channel, OpenCaseIn, ReportIn

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


def client_address(request: Request) -> str:
    """The peer's address; a trusted proxy's X-Forwarded-For has already replaced it
    (``ASB_TRUSTED_PROXIES``, applied by the server in ``api.main``)."""
    return request.client.host if request.client else "unknown"


async def within_limit(request: Request, svc: Services) -> bool:
    """The per-address limit, shared by the API and the report form. While a database-kept
    limit cannot be counted (an outage), this process counts it alone, so a report is still
    taken rather than refused."""
    # async: on the event loop, so the memory limiter's check-then-record is never raced.
    limiter: Limiter | None = getattr(request.app.state, "intake_limiter", None)
    if limiter is None:
        limiter = request.app.state.intake_limiter = limiter_for(svc.settings, svc.sessions)
    try:
        return await limiter.allow(client_address(request))
    except Exception as error:
        if not database_down(error):
            raise
    fallback: Limiter | None = getattr(request.app.state, "intake_fallback_limiter", None)
    if fallback is None:
        fallback = MemoryLimiter(svc.settings.intake_per_minute, svc.settings.intake_max_clients)
        request.app.state.intake_fallback_limiter = fallback
    log.warning("intake limit counted in this process: the database is down")
    return await fallback.allow(client_address(request))


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
