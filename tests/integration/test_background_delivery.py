"""Letters sent in the background (issue 22), on SQLite and PostgreSQL, through a real SMTP
server (aiosmtpd): ``carry_out`` only records them (pending) and answers; ``deliver`` sends
each exactly once, however often the worker retries it; ``report_unsent`` raises the
officer's "could not be sent yet" task once, and the task closes when the letter goes.

The activities are called directly (``ActivityEnvironment``), as the worker would call them
again after a retry; the workflow's side is in tests/workflow/test_mail_outage.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio.testing import ActivityEnvironment

from contracts.case import Delivery
from core.mailer import SmtpMailer, TransientMailError
from db.models import OfficerTask
from domain.commands import LetterKind
from tests.integration.record_support import COMPLAINANT, CountingHandler, effects, seed_case
from tests.integration.test_exactly_once import SENDER, batch, letter, letters


async def tasks(sessions: async_sessionmaker[Any], reference: str) -> list[OfficerTask]:
    async with sessions() as session:
        rows = await session.scalars(select(OfficerTask).where(OfficerTask.reference == reference))
        return list(rows)


async def test_recording_a_decision_sends_nothing_and_names_what_to_deliver(
    sessions: async_sessionmaker[Any], relay: tuple[CountingHandler, int], down_port: int
) -> None:
    handler, _ = relay
    case = await seed_case(sessions)
    ack = letter(case, LetterKind.ACKNOWLEDGEMENT)
    work = batch(case, ack).model_copy(update={"deliver_later": True})
    # The relay is down: recording does not touch it, and answers.
    down = effects(sessions, SmtpMailer("127.0.0.1", down_port, SENDER, timeout=1))

    keys = await ActivityEnvironment().run(down.carry_out, work)

    assert keys == [ack.key]
    [row] = await letters(sessions, case.reference)
    assert row.status == "pending" and handler.received == []


async def test_a_delivery_retried_through_an_outage_sends_one_email_and_one_task(
    sessions: async_sessionmaker[Any], relay: tuple[CountingHandler, int], down_port: int
) -> None:
    handler, port = relay
    case = await seed_case(sessions)
    ack = letter(case, LetterKind.ACKNOWLEDGEMENT)
    mailer = SmtpMailer("127.0.0.1", down_port, SENDER, timeout=1, deadline=2)
    worker = effects(sessions, mailer)
    await ActivityEnvironment().run(worker.carry_out, batch(case, ack).model_copy(
        update={"deliver_later": True}))  # fmt: skip
    delivery = Delivery(reference=case.reference, command=ack)

    for _ in range(2):  # the relay is down: each attempt fails for a retry, nothing is sent
        with pytest.raises(TransientMailError):
            await ActivityEnvironment().run(worker.deliver, delivery)
    [row] = await letters(sessions, case.reference)
    assert row.status == "rendered"  # waiting to send
    late = delivery.model_copy(update={"waited_hours": 4})
    await ActivityEnvironment().run(worker.report_unsent, late)
    await ActivityEnvironment().run(worker.report_unsent, late)  # a retry: still one task
    [task] = await tasks(sessions, case.reference)
    assert task.summary.startswith("The acknowledgement letter could not be sent yet: ")
    assert "in 4 hours" in task.summary and task.done_at is None

    mailer.port = port  # the relay is back
    await ActivityEnvironment().run(worker.deliver, delivery)
    await ActivityEnvironment().run(worker.deliver, delivery)  # a retry after it went

    [row] = await letters(sessions, case.reference)
    assert row.status == "sent"
    assert len(handler.to(COMPLAINANT["email"])) == 1 and len(handler.received) == 1
    [task] = await tasks(sessions, case.reference)
    assert task.done_at is not None  # sent at last: closed with the reason recorded
    await ActivityEnvironment().run(worker.report_unsent, late)  # too late: nothing new
    assert len(await tasks(sessions, case.reference)) == 1


async def test_a_letter_sent_in_time_raises_no_task(
    sessions: async_sessionmaker[Any], relay: tuple[CountingHandler, int]
) -> None:
    handler, port = relay
    case = await seed_case(sessions)
    ack = letter(case, LetterKind.ACKNOWLEDGEMENT)
    worker = effects(sessions, SmtpMailer("127.0.0.1", port, SENDER))
    await ActivityEnvironment().run(worker.carry_out, batch(case, ack).model_copy(
        update={"deliver_later": True}))  # fmt: skip
    delivery = Delivery(reference=case.reference, command=ack, waited_hours=4)

    await ActivityEnvironment().run(worker.deliver, delivery)
    await ActivityEnvironment().run(worker.report_unsent, delivery)

    assert [row.status for row in await letters(sessions, case.reference)] == ["sent"]
    assert await tasks(sessions, case.reference) == []
    assert len(handler.received) == 1
