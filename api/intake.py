"""Public intake: residents report at any hour. It can only create a report and returns only
its reference; it is rate limited per client address."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel

from api.cases import start_case
from edge.deps import Services, services
from edge.idempotency import KeyHeader
from edge.ratelimit import WINDOW_SECONDS, Limiter, client_address, limiter_for
from edge.schemas import Channel, OpenCaseIn, ReportIn
from services.idempotency import public_scope

router = APIRouter(tags=["public intake"])


class PublicReportIn(ReportIn):
    """A resident's own report, made through the web at any hour."""


class Receipt(BaseModel):
    reference: str


async def _limit(request: Request, svc: Services = Depends(services)) -> None:
    # async: on the event loop, so the memory limiter's check-then-record is never raced.
    limiter: Limiter | None = getattr(request.app.state, "intake_limiter", None)
    if limiter is None:
        limiter = request.app.state.intake_limiter = limiter_for(svc)
    if not await limiter.allow(client_address(request)):
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            "too many reports from this address; try again in a minute",
            headers={"Retry-After": str(WINDOW_SECONDS)},
        )


@router.post(
    "/public/reports",
    response_model=Receipt,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(_limit)],
    summary="Report anti-social behaviour (no account needed)",
)
async def report(
    body: PublicReportIn,
    request: Request,
    idempotency_key: str | None = KeyHeader,
    svc: Services = Depends(services),
) -> Receipt:
    intake = OpenCaseIn(**body.model_dump(), channel=Channel.web)
    # The public channel's keys are its clients' own: nobody claims a key an officer, or
    # another address, will use (the draft's caller scoping).
    scope = public_scope(client_address(request))
    view = await start_case(svc, intake, scope, idempotency_key)
    return Receipt(reference=view.reference)
