"""Letters exactly once, on SQLite and PostgreSQL, through a real SMTP server (aiosmtpd).

``carry_out`` is called directly (``ActivityEnvironment``), as the worker would call it again
after a retry: the unique keys and the letter's status must make every retry harmless.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from contracts.case import CommandBatch
from core.mailer import SmtpMailer, TransientMailError
from db.models import CaseEvent, Letter, LetterDocument, OfficerTask
from db.repository import insert_once
from domain.actions import Actor
from domain.commands import Command, LetterKind, RecordEvent, SendLetter
from tests.integration.record_support import (
    COMPLAINANT,
    NARRATIVE,
    REFUSED,
    CountingHandler,
    Seeded,
    body_text,
    effects,
    seed_case,
)

SENDER = "asb-team@landlord.example"
OFFICER = Actor(user_id="officer.jones", role="officer")


def letter(case: Seeded, kind: LetterKind, to: str = "complainant", n: int = 1) -> SendLetter:
    party = case.complainant_id if to == "complainant" else case.perpetrator_id
    return SendLetter(
        key=f"{case.reference}:letter:{n}",
        reference=case.reference,
        kind=kind,
        to_role=to,  # type: ignore[arg-type]
        party_id=party,
        officer_id="officer.jones",
        confidential_complainant=to != "complainant",
        channel="email",
        data=WARNING_FACTS if kind is LetterKind.WARNING else {},
    )


# R40: what the officer decided, carried by the action into the command.
WARNING_FACTS: dict[str, Any] = {
    "behaviour": "loud music after midnight",
    "incident_dates": ["2026-11-20"],
    "tenancy_clauses": ["Clause 4.1: not to cause nuisance"],
}


def batch(case: Seeded, *commands: Command) -> CommandBatch:
    event = RecordEvent(
        key=f"{case.reference}:event:1",
        reference=case.reference,
        action="acknowledge",
        summary="Acknowledged (R13).",
        actor=OFFICER,
        at=datetime.now(UTC),
    )
    return CommandBatch(reference=case.reference, commands=[event, *commands])


async def letters(sessions: async_sessionmaker[Any], reference: str) -> list[Letter]:
    async with sessions() as session:
        rows = await session.scalars(select(Letter).where(Letter.reference == reference))
        return list(rows)


async def count(sessions: async_sessionmaker[Any], model: Any, **where: str) -> int:
    async with sessions() as session:
        clauses = [getattr(model, name) == value for name, value in where.items()]
        return int(await session.scalar(select(func.count()).select_from(model).where(*clauses)))


async def test_carry_out_twice_writes_one_letter_and_sends_one_email(
    sessions: async_sessionmaker[Any], relay: tuple[CountingHandler, int]
) -> None:
    handler, port = relay
    case = await seed_case(sessions)
    work = batch(case, letter(case, LetterKind.ACKNOWLEDGEMENT))
    activity = effects(sessions, SmtpMailer("127.0.0.1", port, SENDER)).carry_out

    await ActivityEnvironment().run(activity, work)
    await ActivityEnvironment().run(activity, work)  # the same batch again: a retry

    [row] = await letters(sessions, case.reference)
    assert (row.status, row.channel) == ("sent", "email")
    assert row.message_id == f"<{case.reference}.letter.1@asb-case-engine>"
    [email] = handler.to(COMPLAINANT["email"])
    assert len(handler.received) == 1
    assert email["Message-ID"] == row.message_id
    # R13: names who is dealing with the case, from the staff directory, never by user name
    assert "Sam Jones" in body_text(email) and "officer.jones" not in body_text(email)
    [pdf] = [part.get_content() for part in email.iter_attachments()]
    async with sessions() as session:
        stored = await session.get(LetterDocument, row.key)
    assert stored is not None and stored.pdf == pdf and pdf.startswith(b"%PDF-")
    assert await count(sessions, CaseEvent, reference=case.reference) == 1


async def test_a_550_refusal_fails_the_letter_with_a_task_and_is_never_retried(
    sessions: async_sessionmaker[Any], relay: tuple[CountingHandler, int]
) -> None:
    handler, port = relay
    case = await seed_case(sessions, complainant={**COMPLAINANT, "email": REFUSED})
    work = batch(case, letter(case, LetterKind.ACKNOWLEDGEMENT))
    activity = effects(sessions, SmtpMailer("127.0.0.1", port, SENDER)).carry_out

    await ActivityEnvironment().run(activity, work)  # no exception: nothing to retry
    await ActivityEnvironment().run(activity, work)

    [row] = await letters(sessions, case.reference)
    assert row.status == "failed" and row.error is not None and "550" in row.error
    assert handler.attempts == [REFUSED]  # tried once, never again
    assert handler.received == []
    async with sessions() as session:
        [task] = (
            await session.scalars(
                select(OfficerTask).where(OfficerTask.reference == case.reference)
            )
        ).all()
    assert (task.key, task.kind, task.done_at) == (f"{row.key}:task", "letter", None)
    assert "could not be sent" in task.summary


async def test_a_transient_failure_raises_for_a_retry_then_one_email_is_delivered(
    sessions: async_sessionmaker[Any], relay: tuple[CountingHandler, int], down_port: int
) -> None:
    handler, port = relay
    case = await seed_case(sessions)
    work = batch(case, letter(case, LetterKind.ACKNOWLEDGEMENT))
    mailer = SmtpMailer("127.0.0.1", down_port, SENDER, timeout=2)
    activity = effects(sessions, mailer).carry_out

    with pytest.raises(TransientMailError) as raised:
        await ActivityEnvironment().run(activity, work)
    # A plain exception (not a non-retryable ApplicationError): Temporal retries it.
    assert not isinstance(raised.value, ApplicationError)
    [row] = await letters(sessions, case.reference)
    assert row.status == "rendered"  # certainly not sent: ready to send again
    assert await count(sessions, LetterDocument, letter_key=row.key) == 1

    mailer.port = port  # the server is back
    await ActivityEnvironment().run(activity, work)
    await ActivityEnvironment().run(activity, work)

    [row] = await letters(sessions, case.reference)
    assert row.status == "sent"
    assert len(handler.to(COMPLAINANT["email"])) == 1
    assert await count(sessions, OfficerTask, reference=case.reference) == 0


async def test_a_worker_killed_mid_send_never_sends_twice_and_tells_the_officer(
    sessions: async_sessionmaker[Any], relay: tuple[CountingHandler, int]
) -> None:
    """The row says "sending" when the worker died in the SMTP conversation: the retry cannot
    know whether the email left, so it does not send again; the officer is asked to check."""
    handler, port = relay
    case = await seed_case(sessions)
    work = batch(case, letter(case, LetterKind.ACKNOWLEDGEMENT))
    activity = effects(sessions, SmtpMailer("127.0.0.1", port, SENDER)).carry_out
    await ActivityEnvironment().run(activity, work)
    [row] = await letters(sessions, case.reference)
    async with sessions() as session, session.begin():  # as a kill -9 mid-send leaves it
        (await session.get(Letter, row.id)).status = "sending"

    await ActivityEnvironment().run(activity, work)

    [row] = await letters(sessions, case.reference)
    assert row.status == "unconfirmed"
    assert len(handler.to(COMPLAINANT["email"])) == 1
    assert await count(sessions, OfficerTask, reference=case.reference) == 1


async def test_a_perpetrator_letter_on_a_confidential_case_names_nothing_of_the_complainant(
    sessions: async_sessionmaker[Any], relay: tuple[CountingHandler, int]
) -> None:
    """R9: the warning reaches the alleged perpetrator without the complainant's identity."""
    handler, port = relay
    case = await seed_case(sessions, confidential=True)
    work = batch(case, letter(case, LetterKind.WARNING, to="alleged_perpetrator"))
    activity = effects(sessions, SmtpMailer("127.0.0.1", port, SENDER)).carry_out
    await ActivityEnvironment().run(activity, work)

    [row] = await letters(sessions, case.reference)
    assert row.status == "sent", row.error
    [email] = handler.to("dale@example.net")
    texts = [body_text(email), row.body, row.subject, email.as_string()]
    secrets = ["Siobhan", "O'Brien", "O&#x27;Brien", "14 Acacia", "Flat 2", "obrien@",
               "07700 900123", "07700900123", NARRATIVE]  # fmt: skip
    for text in texts:
        for secret in secrets:
            assert secret.lower() not in text.lower(), secret
    assert "Mr Dale Hughes" in body_text(email)  # it is the perpetrator's letter
    assert handler.to(COMPLAINANT["email"]) == []


async def test_an_anonymous_complainant_receives_nothing(
    sessions: async_sessionmaker[Any], relay: tuple[CountingHandler, int]
) -> None:
    """R8: logged as anonymous, no correspondence (even with an address on the record)."""
    handler, port = relay
    case = await seed_case(sessions, anonymous=True)
    work = batch(case, letter(case, LetterKind.ACKNOWLEDGEMENT))
    activity = effects(sessions, SmtpMailer("127.0.0.1", port, SENDER)).carry_out

    await ActivityEnvironment().run(activity, work)
    await ActivityEnvironment().run(activity, work)

    [row] = await letters(sessions, case.reference)
    assert row.status == "suppressed"
    assert (row.body, row.message_id, row.sent_at) == ("", None, None)
    assert handler.attempts == [] and handler.received == []
    assert await count(sessions, LetterDocument, letter_key=row.key) == 0
    assert await count(sessions, OfficerTask, reference=case.reference) == 0


async def test_a_row_inserted_once_rolls_back_with_the_work_around_it(
    sessions: async_sessionmaker[Any],
) -> None:
    """On SQLite too: a SAVEPOINT opened first must not commit the row on its own."""
    case = await seed_case(sessions)
    task = OfficerTask(key=f"{case.reference}:task:x", reference=case.reference, kind="letter",
                       summary="s", created_at=datetime.now(UTC))  # fmt: skip
    with pytest.raises(RuntimeError):
        async with sessions() as session, session.begin():
            assert await insert_once(session, task)
            raise RuntimeError("the rest of the work failed")
    assert await count(sessions, OfficerTask, reference=case.reference) == 0
