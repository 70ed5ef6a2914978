"""Public intake: residents report at any hour. It can only create a report and returns only
its reference; it is rate limited per client address."""

from __future__ import annotations

import time
from collections import defaultdict, deque

from fastapi import APIRouter, Depends, Header, HTTPException, Request, status
from pydantic import BaseModel

from api.cases import start_case
from api.deps import Services, services
from api.schemas import Channel, OpenCaseIn, ReportIn

router = APIRouter(tags=["public intake"])
WINDOW_SECONDS = 60.0


class PublicReportIn(ReportIn):
    """A resident's own report, made through the web at any hour."""


class Receipt(BaseModel):
    reference: str


class RateLimiter:
    """A sliding window per client; in memory, so per API process."""

    def __init__(self, per_window: int, window: float = WINDOW_SECONDS) -> None:
        self._per_window = per_window
        self._window = window
        self._seen: dict[str, deque[float]] = defaultdict(deque)

    def allow(self, client: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        seen = self._seen[client]
        while seen and seen[0] <= now - self._window:
            seen.popleft()
        if len(seen) >= self._per_window:
            return False
        seen.append(now)
        return True


async def _limit(request: Request, svc: Services = Depends(services)) -> None:
    # async: on the event loop, so the check-then-record below is never raced by a thread.
    limiter: RateLimiter | None = getattr(request.app.state, "intake_limiter", None)
    if limiter is None:
        limiter = request.app.state.intake_limiter = RateLimiter(svc.settings.intake_per_minute)
    client = request.client.host if request.client else "unknown"
    if not limiter.allow(client):
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            "too many reports from this address; try again in a minute",
            headers={"Retry-After": "60"},
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
    idempotency_key: str | None = Header(None, max_length=200),
    svc: Services = Depends(services),
) -> Receipt:
    intake = OpenCaseIn(**body.model_dump(), channel=Channel.web)
    view = await start_case(svc, intake, idempotency_key)
    return Receipt(reference=view.reference)
