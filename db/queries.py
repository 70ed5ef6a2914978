"""Read-model queries for lists, oversight and reports (the API translates, these query)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, literal, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from db.access import visible_to
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
    # Leave out restricted cases this user is not named on; None: a supervisor, who sees all.
    viewer: str | None = None


@dataclass(frozen=True)
class Position:
    """Where a page ended, in the list's order: cases with a deadline by (deadline, reference),
    then cases without one by reference. Keyset pagination: the next page starts after it."""

    deadline: datetime | None
    reference: str


def _filtered(f: CaseFilter) -> Select[Any]:
    query = select(Case).where(Case.landlord == f.landlord)
    if f.stage:
        query = query.where(Case.stage == f.stage)
    if f.tier:
        query = query.where(Case.tier == f.tier)
    if f.officer_id:
        query = query.where(Case.officer_id == f.officer_id)
    if f.escalated is not None:
        query = query.where(Case.escalated.is_(f.escalated))
    if f.open_only:
        query = query.where(Case.closed_at.is_(None))
    if f.viewer is not None:
        query = query.where(visible_to(f.viewer))
    return query


def _deadline_range(f: CaseFilter, now: datetime) -> tuple[list[Any], bool]:
    """The filter's bounds on the next deadline, and whether cases without one are listed."""
    bounds: list[Any] = []
    if f.overdue is True:
        bounds.append(Case.next_deadline_at < now)
    if f.overdue is False:
        bounds.append(Case.next_deadline_at >= now)
    if f.due_within is not None:
        bounds.append(Case.next_deadline_at.between(now, now + f.due_within))
    return bounds, f.overdue is not True and f.due_within is None


async def list_cases(
    session: AsyncSession, f: CaseFilter, now: datetime, limit: int, after: Position | None = None
) -> tuple[list[Case], Position | None]:
    """One page after ``after`` and where the next one starts (None on the last page).

    Two range reads of the filter's index (db/models.py), never OFFSET: the cases with a
    deadline, then, once those run out, the cases without one."""
    bounds, undated_too = _deadline_range(f, now)
    rows: list[Case] = []
    if after is None or after.deadline is not None:
        dated = _filtered(f).where(Case.next_deadline_at.is_not(None), *bounds)
        if after is not None:
            key = tuple_(Case.next_deadline_at, Case.reference)
            dated = dated.where(key > tuple_(_at(after.deadline), after.reference))
        order = (Case.next_deadline_at, Case.reference)
        rows += await session.scalars(dated.order_by(*order).limit(limit + 1))
    if undated_too and len(rows) <= limit:
        undated = _filtered(f).where(Case.next_deadline_at.is_(None))
        if after is not None and after.deadline is None:
            undated = undated.where(Case.reference > after.reference)
        # Ordered by the (null) deadline too, so the planner sees the index's own order.
        order = (Case.next_deadline_at, Case.reference)
        rows += await session.scalars(undated.order_by(*order).limit(limit + 1 - len(rows)))
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], Position(last.next_deadline_at, last.reference)


def _at(value: datetime | None) -> Any:
    return literal(value, Case.next_deadline_at.type)


async def count_cases(session: AsyncSession, f: CaseFilter, now: datetime) -> int:
    bounds, undated_too = _deadline_range(f, now)
    query = _filtered(f)
    if bounds:
        dated = and_(*bounds)
        query = query.where(or_(dated, Case.next_deadline_at.is_(None)) if undated_too else dated)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    return int(total or 0)


async def timeline(session: AsyncSession, reference: str) -> list[CaseEvent]:
    rows = await session.scalars(
        select(CaseEvent)
        .where(CaseEvent.reference == reference)
        .order_by(CaseEvent.occurred_at, CaseEvent.id)
    )
    return list(rows)


async def open_escalations(session: AsyncSession, landlord: str) -> list[Escalation]:
    """Escalations on cases that are still escalated: what waits for a supervisor."""
    rows = await session.scalars(
        select(Escalation)
        .join(Case, Case.reference == Escalation.reference)
        .where(Case.landlord == landlord, Case.escalated.is_(True), Case.closed_at.is_(None))
        .order_by(Escalation.raised_at.desc(), Escalation.id.desc())
        .limit(500)
    )
    return list(rows)


async def awaiting_approval(session: AsyncSession, landlord: str) -> list[Case]:
    rows = await session.scalars(
        select(Case)
        .where(Case.landlord == landlord, Case.awaiting != "")
        .order_by(Case.updated_at)
        .limit(500)
    )
    return list(rows)
