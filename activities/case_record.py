"""Activities that write the case record: the read model and the append-only audit trail."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio import activity

from db.models import Case, CaseEvent, Letter
from db.repository import insert_once
from workflows.contracts import CaseOpenedRecord


class CaseRecordActivities:
    def __init__(self, sessions: async_sessionmaker[Any]) -> None:
        self._sessions = sessions

    @activity.defn
    async def record_case_opened(self, record: CaseOpenedRecord) -> None:
        """Idempotent: the case row, its first audit event and the acknowledgement record."""
        ref = record.reference
        async with self._sessions() as session, session.begin():
            await insert_once(session, _case_row(record))
            await insert_once(
                session,
                CaseEvent(
                    key=f"{ref}:event:opened",
                    reference=ref,
                    occurred_at=record.opened_at,
                    actor="system",
                    action="open_case",
                    summary=f"Case opened from a {record.channel} report; tier {record.tier}.",
                    data={"categories": record.categories, "policy": record.policy_version},
                ),
            )
            await insert_once(
                session,
                Letter(
                    key=f"{ref}:letter:acknowledgement",
                    reference=ref,
                    kind="acknowledgement",
                    channel="post",
                    status="queued",
                    subject=f"Your report {ref} has been received",
                    body="",
                    created_at=record.opened_at,
                ),
            )


def _case_row(record: CaseOpenedRecord) -> Case:
    return Case(
        reference=record.reference,
        landlord=record.landlord,
        policy_version=record.policy_version,
        stage=record.stage,
        tier=record.tier,
        categories=record.categories,
        channel=record.channel,
        officer_id=record.officer_id,
        hate_incident=False,
        domestic_abuse=False,
        anonymous=False,
        escalated=False,
        received_at=record.received_at,
        opened_at=record.opened_at,
        next_deadline_at=record.acknowledgement_due_at,
        updated_at=record.opened_at,
    )
