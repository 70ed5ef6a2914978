"""Reports for managers and the regulator: SLA, caseload, escalations, resolution, TSMs."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Query

from edge.auth import Principal, require_roles
from edge.deps import Services, services
from edge.errors import unprocessable
from services.records import reports

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


async def gather(
    svc: Services, landlord: str, begin: datetime, finish: datetime, homes: int
) -> dict[str, Any]:
    """Every report for the period, as the API and the console's report page show them."""
    now = datetime.now(UTC)
    async with svc.sessions() as session, session.begin():
        await reports.without_jit(session)
        return {
            "first_contact_within_sla": await reports.first_contact_sla(
                session, landlord, begin, finish, now
            ),
            "first_contact_within_sla_by_month_and_tier": (
                await reports.first_contact_sla_by_month_and_tier(
                    session, landlord, begin, finish, now
                )
            ),
            "open_cases_by_stage_and_tier": await reports.open_by_stage_and_tier(session, landlord),
            "escalations_by_deadline": await reports.escalations_by_clock(
                session, landlord, begin, finish
            ),
            "time_to_resolution": await reports.time_to_resolution(
                session, landlord, begin, finish
            ),
            "tsm_nm01": await reports.nm01(session, landlord, begin, finish, homes),
            "closure_survey": await reports.closure_survey(session, landlord, begin, finish),
        }


__all__ = ["router", "timedelta"]
