"""Reports for managers and the regulator: SLA, caseload, escalations, resolution, TSMs.
One read-only transaction per report set (the API's ``/reports``, the console's report page)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from db import reports
from services.context import Services

__all__ = ["gather"]


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
