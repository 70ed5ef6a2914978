"""The retention job's statements (activities/retention.py decides when; this is how)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case as when
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.access import delete_of_case
from db.models import (
    Case,
    CaseAction,
    CaseIntake,
    Letter,
    LetterDocument,
    Party,
    Referral,
    ReportDetails,
)

__all__ = ["ANONYMISED", "blank_personal_data", "closed_before", "lock_case"]

ANONYMISED = "[anonymised]"


async def closed_before(session: AsyncSession, cutoff: datetime) -> list[str]:
    """References of cases closed before ``cutoff`` and not anonymised yet, oldest first."""
    return list(
        await session.scalars(
            select(Case.reference)
            .where(Case.closed_at.is_not(None), Case.closed_at < cutoff)
            .where(Case.anonymised_at.is_(None))
            .order_by(Case.closed_at)
        )
    )


async def lock_case(session: AsyncSession, reference: str) -> Case | None:
    found: Case | None = (
        await session.execute(select(Case).where(Case.reference == reference).with_for_update())
    ).scalar_one_or_none()
    return found


async def blank_personal_data(
    session: AsyncSession, reference: str, now: datetime
) -> dict[str, int]:
    """Blank every personal field of the case's record; the counts go to the audit entry."""
    parties = await _update(
        session,
        update(Party)
        .where(Party.reference == reference)
        .values(name=None, address=None, email=None, phone=None),
    )
    await _update(
        session,
        update(ReportDetails)
        .where(ReportDetails.reference == reference)
        .values(description=ANONYMISED, anonymised_at=now),
    )
    letter_keys = select(Letter.key).where(Letter.reference == reference).scalar_subquery()
    documents = await _update(
        session, delete(LetterDocument).where(LetterDocument.letter_key.in_(letter_keys))
    )
    letters = await _update(
        session,
        update(Letter)
        .where(Letter.reference == reference)
        # An error may quote an address from a mail server's reply.
        .values(body=ANONYMISED, error=when((Letter.error.is_(None), None), else_=ANONYMISED)),
    )
    await _update(
        session,
        update(Referral)
        .where(Referral.reference == reference, Referral.response.is_not(None))
        .values(response=ANONYMISED),  # an agency's reply may name people
    )
    # Who read the case goes with what they read (issue 16): the same retention period after
    # closure, deleted in the same transaction, and counted in the anonymisation's audit entry.
    reads = await delete_of_case(session, reference)
    # The what-if's copy of each action's input holds officers' free text (reasons, the
    # behaviour a warning names), so it goes too; past retention a case is not replayed.
    actions = await _update(session, delete(CaseAction).where(CaseAction.reference == reference))
    await _update(session, delete(CaseIntake).where(CaseIntake.reference == reference))
    return {
        "parties": parties, "letters": letters, "documents_deleted": documents,
        "access_records_deleted": reads, "action_inputs_deleted": actions,
    }  # fmt: skip


async def _update(session: AsyncSession, statement: Any) -> int:
    result = await session.execute(statement.execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)
