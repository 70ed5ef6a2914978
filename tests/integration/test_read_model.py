"""The read model and the audit trail, as ``carry_out`` writes them, on SQLite and PostgreSQL.

Supervisors' lists and the regulator's reports read the ``cases`` row, so each decision must leave
it current, keep what only the first decision knows (when the case opened) and never undo what
other jobs wrote (retention's ``anonymised_at``). A retried batch writes nothing twice.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio.testing import ActivityEnvironment

from contracts.case import CommandBatch
from contracts.view import WireCommand, with_read_model
from core.mailer import FolderMailer
from db.models import Case, CaseEvent
from domain.actions import Acknowledge
from domain.case import CaseState
from domain.commands import Command, RecordEvent
from domain.machine import decide
from tests.integration.record_support import effects
from tests.unit.machine_support import OFFICER, T0, start


def recorded(state: CaseState, commands: list[Command], now: datetime) -> list[WireCommand]:
    """The decision's record as the workflow carries it out: its audit events and, last, the
    read-model update (no letters)."""
    return with_read_model(state, [c for c in commands if isinstance(c, RecordEvent)], now)


async def test_decisions_keep_the_case_row_current_and_its_history_whole(
    sessions: async_sessionmaker[Any], tmp_path: Any
) -> None:
    opened, opening = start("X", reference=f"ASB-2026-{uuid.uuid4().hex[:8].upper()}")
    first_decision = CommandBatch(
        reference=opened.reference, commands=recorded(opened, opening, T0)
    )
    ack_at = T0 + timedelta(hours=2)
    acknowledged, acknowledging = decide(opened, Acknowledge(actor=OFFICER), ack_at)
    carry_out = effects(sessions, FolderMailer(tmp_path)).carry_out
    reference = opened.reference

    await ActivityEnvironment().run(carry_out, first_decision)
    async with sessions() as session:
        first = await session.get(Case, reference)
        assert first is not None and first.stage == "received"
        opened_at = first.opened_at
    async with sessions() as session, session.begin():  # retention ran in between
        row = await session.get(Case, reference)
        assert row is not None
        row.anonymised_at = datetime.now(UTC)

    later = CommandBatch(
        reference=reference, commands=recorded(acknowledged, acknowledging, ack_at)
    )
    await ActivityEnvironment().run(carry_out, later)
    await ActivityEnvironment().run(carry_out, later)  # a retry of the same decision

    async with sessions() as session:
        row = await session.get(Case, reference)
        events = await session.scalar(
            select(func.count()).select_from(CaseEvent).where(CaseEvent.reference == reference)
        )
    assert row is not None
    assert row.stage == acknowledged.stage.value != "received"
    assert row.opened_at == opened_at  # the first decision's, kept
    assert row.anonymised_at is not None  # not undone by the read-model write
    expected = sum(isinstance(c, RecordEvent) for c in [*opening, *acknowledging])
    assert events == expected
