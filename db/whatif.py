"""The recorded cases of a period, as the policy what-if replays them (services/whatif.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Case, CaseAction, CaseIntake

__all__ = ["RecordedRows", "recorded_cases", "unrecorded_cases"]


@dataclass
class RecordedRows:
    """One case's intake row and its action rows in the order they were applied."""

    intake: CaseIntake
    actions: list[tuple[datetime, dict[str, Any]]] = field(default_factory=list)


async def recorded_cases(
    session: AsyncSession, landlord: str, start: datetime, end: datetime
) -> list[RecordedRows]:
    """Cases of ``landlord`` received in [start, end) that have a kept intake, with every
    action kept for them (two range reads, whatever the number of cases)."""
    period = (
        (CaseIntake.landlord == landlord)
        & (CaseIntake.received_at >= start)
        & (CaseIntake.received_at < end)
    )
    intakes: Sequence[CaseIntake] = (
        await session.scalars(
            select(CaseIntake).where(period).order_by(CaseIntake.received_at, CaseIntake.reference)
        )
    ).all()
    found = {row.reference: RecordedRows(row) for row in intakes}
    actions = await session.execute(
        select(CaseAction.reference, CaseAction.occurred_at, CaseAction.payload)
        .join(CaseIntake, CaseIntake.reference == CaseAction.reference)
        .where(period)
        .order_by(CaseAction.reference, CaseAction.id)
    )
    for reference, at, payload in actions:
        found[reference].actions.append((at, payload))
    return list(found.values())


async def unrecorded_cases(
    session: AsyncSession, landlord: str, start: datetime, end: datetime
) -> int:
    """Cases of the period opened before intakes were kept: they cannot be replayed."""
    kept = select(CaseIntake.reference).where(CaseIntake.reference == Case.reference).exists()
    statement = select(func.count()).where(
        (Case.landlord == landlord) & (Case.received_at >= start) & (Case.received_at < end),
        ~kept,
    )
    return int((await session.scalar(statement)) or 0)
