"""The case figures behind /metrics, from the record the worker writes (SQLite and PostgreSQL):
a missed deadline is counted as overdue under its clock until it is met, and the escalations it
raised stay counted."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio.testing import ActivityEnvironment

from contracts.case import CommandBatch
from contracts.view import with_read_model
from core.mailer import FolderMailer
from db.metrics import CaseFigures, case_figures
from domain.actions import Acknowledge, RecordContact
from domain.case import CaseState
from domain.commands import Command
from domain.machine import decide
from tests.integration.record_support import effects
from tests.unit.machine_support import OFFICER, T0, at, start, tick_until


async def figures(sessions: async_sessionmaker[Any]) -> CaseFigures:
    async with sessions() as session:
        return await case_figures(session)


def first_contact_escalations(f: CaseFigures) -> int:
    return sum(n for (landlord, _, clock), n in f.escalations.items()
               if (landlord, clock) == ("X", "first_contact"))  # fmt: skip


async def test_overdue_deadlines_are_counted_by_clock_until_met(
    sessions: async_sessionmaker[Any], tmp_path: Path
) -> None:
    carry_out = effects(sessions, FolderMailer(tmp_path)).carry_out
    reference = f"ASB-2026-{uuid.uuid4().hex[:8].upper()}"

    async def record(state: CaseState, commands: list[Command], now: datetime) -> None:
        """As the workflow carries a decision out: its commands, then the read-model row."""
        batch = CommandBatch(reference=reference, commands=with_read_model(state, commands, now))
        await ActivityEnvironment().run(carry_out, batch)

    before = await figures(sessions)
    state, opening = start("X", reference=reference)
    await record(state, opening, T0)
    # R14: nobody has contacted the complainant; ten days on, that deadline has been missed.
    state, missed = tick_until(state, at(days=10))
    await record(state, missed, at(days=10))
    overdue = await figures(sessions)
    key = ("X", "first_contact")
    assert overdue.overdue_deadlines.get(key, 0) == before.overdue_deadlines.get(key, 0) + 1
    raised = first_contact_escalations(overdue) - first_contact_escalations(before)
    assert raised >= 1

    state, acknowledging = decide(state, Acknowledge(actor=OFFICER), at(days=10, hours=1))
    await record(state, acknowledging, at(days=10, hours=1))
    contact = RecordContact(actor=OFFICER, outcome="made", channel="phone")
    state, contacting = decide(state, contact, at(days=10, hours=2))
    await record(state, contacting, at(days=10, hours=2))
    met = await figures(sessions)
    assert met.overdue_deadlines.get(key, 0) == before.overdue_deadlines.get(key, 0)
    assert first_contact_escalations(met) - first_contact_escalations(before) == raised
