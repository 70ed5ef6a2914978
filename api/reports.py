"""Reports for managers and the regulator: SLA, caseload, escalations, resolution, TSMs."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Query

from edge.auth import Principal, require_roles
from edge.deps import Services, services
from edge.errors import unprocessable
from services.reports import gather

router = APIRouter(tags=["reports"])


def _period(start: date, end: date) -> tuple[datetime, datetime]:
    if end < start:
        raise unprocessable("to", "the period's end is before its start")
    return datetime.combine(start, time.min, UTC), datetime.combine(end, time.max, UTC)


@router.get("/reports", summary="Every report for a period")
async def summary(
    start: date = Query(..., alias="from", description="first day of the period"),
    end: date = Query(..., alias="to", description="last day of the period"),
    homes: int = Query(..., gt=0, le=10_000_000, description="homes owned, for TSM NM01"),
    principal: Principal = Depends(require_roles("supervisor", "admin")),
    svc: Services = Depends(services),
) -> dict[str, Any]:
    begin, finish = _period(start, end)
    return {
        "landlord": principal.landlord,
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        **await gather(svc, principal.landlord, begin, finish, homes),
    }


__all__ = ["router", "timedelta"]
