"""The reports as first written: Python over loaded rows.

Kept as the reference that tests/integration/test_reports_sql.py compares db/reports.py with.
(The open caseload was an SQL aggregate from the start: it is not repeated.)
"""

from __future__ import annotations

import statistics
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Case, CaseEvent, Escalation, Party


async def first_contact_sla(
    session: AsyncSession, landlord: str, start: datetime, end: datetime, now: datetime
) -> dict[str, Any]:
    """R17 (Y's KPI): of reports whose first-contact deadline has come, the share met in time."""
    rows = await session.execute(
        select(Case.first_contact_due_at, Case.first_contact_met_at).where(
            Case.landlord == landlord,
            Case.received_at.between(start, end),
            Case.first_contact_due_at.is_not(None),
        )
    )
    due: list[tuple[datetime, datetime | None]] = [
        (d, m) for d, m in rows if d is not None and (m is not None or d <= now)
    ]
    met = sum(1 for d, m in due if m is not None and m <= d)
    return {"cases": len(due), "met": met, "percent": _pct(met, len(due))}


async def first_contact_sla_by_month_and_tier(
    session: AsyncSession, landlord: str, start: datetime, end: datetime, now: datetime
) -> list[dict[str, Any]]:
    rows = await session.execute(
        select(
            Case.received_at, Case.tier, Case.first_contact_due_at, Case.first_contact_met_at
        ).where(
            Case.landlord == landlord,
            Case.received_at.between(start, end),
            Case.first_contact_due_at.is_not(None),
        )
    )
    groups: dict[tuple[str, str], list[int]] = {}
    for received, tier, d, m in rows:
        if m is None and d > now:
            continue
        counts = groups.setdefault((received.astimezone(UTC).strftime("%Y-%m"), tier), [0, 0])
        counts[0] += 1
        counts[1] += int(m is not None and m <= d)
    return [
        {"month": month, "tier": tier, "cases": n, "met": k, "percent": _pct(k, n)}
        for (month, tier), (n, k) in sorted(groups.items())
    ]


async def escalations_by_clock(
    session: AsyncSession, landlord: str, start: datetime, end: datetime
) -> list[dict[str, Any]]:
    rows = await session.execute(
        select(Escalation.clock, func.count())
        .join(Case, Case.reference == Escalation.reference)
        .where(Case.landlord == landlord, Escalation.raised_at.between(start, end))
        .group_by(Escalation.clock)
        .order_by(Escalation.clock)
    )
    return [{"clock": c or "other", "escalations": n} for c, n in rows]


async def time_to_resolution(
    session: AsyncSession, landlord: str, start: datetime, end: datetime
) -> dict[str, Any]:
    rows = await session.execute(
        select(Case.received_at, Case.closed_at).where(
            Case.landlord == landlord, Case.closed_at.between(start, end)
        )
    )
    days = [(closed - received).total_seconds() / 86400 for received, closed in rows if closed]
    return {
        "closed_cases": len(days),
        "mean_days": round(statistics.fmean(days), 1) if days else None,
        "median_days": round(statistics.median(days), 1) if days else None,
    }


async def nm01(
    session: AsyncSession, landlord: str, start: datetime, end: datetime, homes: int
) -> dict[str, Any]:
    """TSM NM01: cases opened per 1,000 homes, and hate-incident cases per 1,000 (R25, 3.1).

    A further report about the same party while a case about them is open is not a new case;
    a report after that case closed is.
    """
    opened = list(
        await session.scalars(
            select(Case).where(Case.landlord == landlord, Case.received_at.between(start, end))
        )
    )
    perpetrators = await _perpetrators(session, landlord)
    counted = [c for c in opened if not _repeat_about_open_case(c, perpetrators)]
    hate = sum(1 for c in counted if c.hate_incident)
    return {
        "homes": homes,
        "cases": len(counted),
        "per_1000_homes": round(len(counted) * 1000 / homes, 2),
        "hate_cases": hate,
        "hate_per_1000_homes": round(hate * 1000 / homes, 2),
        "not_counted_as_repeat_reports": len(opened) - len(counted),
    }


PartyKey = tuple[str, str]


async def _perpetrators(
    session: AsyncSession, landlord: str
) -> dict[PartyKey, list[tuple[str, datetime, datetime | None]]]:
    rows = await session.execute(
        select(Party.name, Party.address, Case.reference, Case.received_at, Case.closed_at)
        .join(Case, Case.reference == Party.reference)
        .where(Case.landlord == landlord, Party.role == "alleged_perpetrator")
    )
    found: dict[PartyKey, list[tuple[str, datetime, datetime | None]]] = {}
    for name, address, reference, received, closed in rows:
        if name or address:
            found.setdefault(_key(name, address), []).append((reference, received, closed))
    return found


def _key(name: str | None, address: str | None) -> PartyKey:
    return (" ".join((name or "").lower().split()), " ".join((address or "").lower().split()))


def _repeat_about_open_case(
    case: Case, perpetrators: dict[PartyKey, list[tuple[str, datetime, datetime | None]]]
) -> bool:
    for cases in perpetrators.values():
        if not any(reference == case.reference for reference, _, _ in cases):
            continue
        for reference, received, closed in cases:
            earlier = received < case.received_at
            still_open = closed is None or closed > case.received_at
            if reference != case.reference and earlier and still_open:
                return True
    return False


async def closure_survey(
    session: AsyncSession, landlord: str, start: datetime, end: datetime
) -> dict[str, Any]:
    """R51: the landlord's own closure survey; kept apart from TSM TP12 (a perception survey)."""
    rows = await session.scalars(
        select(CaseEvent.data)
        .join(Case, Case.reference == CaseEvent.reference)
        .where(
            Case.landlord == landlord,
            CaseEvent.action == "record_survey_response",
            CaseEvent.occurred_at.between(start, end),
        )
    )
    scores = [int(data["score"]) for data in rows if "score" in data]
    satisfied = sum(1 for s in scores if s >= 4)
    return {
        "responses": len(scores),
        "mean_score": round(statistics.fmean(scores), 2) if scores else None,
        "satisfied_percent": _pct(satisfied, len(scores)),
        "note": "Local closure survey (scores 4-5 of 5 count as satisfied). Not TSM TP12.",
    }


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None
