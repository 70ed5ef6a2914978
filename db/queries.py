"""Read-model queries for lists, oversight and reports (the API translates, these query)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Case, CaseEvent, Escalation


@dataclass(frozen=True)
class CaseFilter:
    landlord: str
    stage: str | None = None
    tier: str | None = None
    officer_id: str | None = None
    overdue: bool | None = None
    escalated: bool | None = None
    due_within: timedelta | None = None
    open_only: bool = False


def _filtered(f: CaseFilter, now: datetime) -> Select[Any]:
    query = select(Case).where(Case.landlord == f.landlord)
    if f.stage:
        query = query.where(Case.stage == f.stage)
    if f.tier:
        query = query.where(Case.tier == f.tier)
    if f.officer_id:
        query = query.where(Case.officer_id == f.officer_id)
    if f.escalated is not None:
        query = query.where(Case.escalated.is_(f.escalated))
    if f.overdue is True:
        query = query.where(Case.next_deadline_at < now)
    if f.overdue is False:
        query = query.where((Case.next_deadline_at >= now) | Case.next_deadline_at.is_(None))
    if f.due_within is not None:
        query = query.where(Case.next_deadline_at.between(now, now + f.due_within))
    if f.open_only:
        query = query.where(Case.closed_at.is_(None))
    return query


async def list_cases(
    session: AsyncSession, f: CaseFilter, now: datetime, limit: int, offset: int
) -> tuple[int, list[Case]]:
    query = _filtered(f, now)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.scalars(
        query.order_by(Case.next_deadline_at.is_(None), Case.next_deadline_at, Case.reference)
        .limit(limit)
        .offset(offset)
    )
    return int(total or 0), list(rows)


async def timeline(session: AsyncSession, reference: str) -> list[CaseEvent]:
    rows = await session.scalars(
        select(CaseEvent)
        .where(CaseEvent.reference == reference)
        .order_by(CaseEvent.occurred_at, CaseEvent.id)
    )
    return list(rows)


async def open_escalations(session: AsyncSession, landlord: str) -> list[tuple[Escalation, Case]]:
    """Escalations on cases that are still escalated: what waits for a supervisor."""
    rows = await session.execute(
        select(Escalation, Case)
        .join(Case, Case.reference == Escalation.reference)
        .where(Case.landlord == landlord, Case.escalated.is_(True), Case.closed_at.is_(None))
        .order_by(Escalation.raised_at.desc(), Escalation.id.desc())
        .limit(500)
    )
    return [(escalation, case) for escalation, case in rows]


async def awaiting_approval(session: AsyncSession, landlord: str) -> list[Case]:
    rows = await session.scalars(
        select(Case)
        .where(Case.landlord == landlord, Case.awaiting != "")
        .order_by(Case.updated_at)
        .limit(500)
    )
    return list(rows)
