"""The case figures operators watch, counted from the read model at each Prometheus scrape.

Counting at scrape time (rather than incrementing counters in activities) keeps the figures
true whichever API replica answers and after any restart: they are what the record holds.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Case, Escalation, Letter

Labels = tuple[str, ...]


@dataclass(frozen=True)
class CaseFigures:
    open_cases: dict[Labels, int] = field(default_factory=dict)  # landlord, stage, tier
    overdue_deadlines: dict[Labels, int] = field(default_factory=dict)  # landlord, clock
    escalations: dict[Labels, int] = field(default_factory=dict)  # landlord, reason, clock
    letters: dict[Labels, int] = field(default_factory=dict)  # landlord, kind, status


async def case_figures(session: AsyncSession) -> CaseFigures:
    return CaseFigures(
        open_cases=await _open_cases(session),
        overdue_deadlines=await _overdue(session),
        escalations=await _escalations(session),
        letters=await _letters(session),
    )


async def _open_cases(session: AsyncSession) -> dict[Labels, int]:
    rows = await session.execute(
        select(Case.landlord, Case.stage, Case.tier, func.count())
        .where(Case.closed_at.is_(None))
        .group_by(Case.landlord, Case.stage, Case.tier)
    )
    return {(landlord, stage, tier): n for landlord, stage, tier, n in rows}


async def _overdue(session: AsyncSession) -> dict[Labels, int]:
    # A case is escalated exactly while one of its clocks is overdue (activities/effects.py).
    rows = await session.execute(
        select(Case.landlord, Case.overdue_clocks).where(
            Case.escalated.is_(True), Case.closed_at.is_(None)
        )
    )
    counts: Counter[Labels] = Counter()
    for landlord, clocks in rows:
        for clock in filter(None, (clocks or "").split(",")):
            counts[(landlord, clock)] += 1
    return dict(counts)


async def _escalations(session: AsyncSession) -> dict[Labels, int]:
    rows = await session.execute(
        select(Case.landlord, Escalation.reason, Escalation.clock, func.count())
        .join(Case, Case.reference == Escalation.reference)
        .group_by(Case.landlord, Escalation.reason, Escalation.clock)
    )
    return {(landlord, reason, clock or "none"): n for landlord, reason, clock, n in rows}


async def _letters(session: AsyncSession) -> dict[Labels, int]:
    rows = await session.execute(
        select(Case.landlord, Letter.kind, Letter.status, func.count())
        .join(Case, Case.reference == Letter.reference)
        .group_by(Case.landlord, Letter.kind, Letter.status)
    )
    return {(landlord, kind, status): n for landlord, kind, status, n in rows}
