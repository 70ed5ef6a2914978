"""The supervisors' digest exactly once, on SQLite and PostgreSQL, through a real SMTP server.

Escalations are recorded by ``carry_out`` as the worker records them (the digest setting on),
and ``send_escalation_digests`` is called directly (``ActivityEnvironment``), as the worker
would call it again after a retry or a crash.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio.testing import ActivityEnvironment

from activities.digest import SupervisorDigests
from activities.dispatch import LetterDispatcher
from activities.effects import CaseEffects
from contracts.case import CommandBatch
from core.mailer import SmtpMailer, TransientMailError
from db import digests
from db.models import Escalation, SupervisorDigest
from domain.case import Clock
from domain.commands import NotifySupervisor
from tests.integration.record_support import CountingHandler, body_text, seed_case
from tests.integration.test_mailer_smtp import serving

SENDER = "asb-team@landlord.example"


@dataclass
class FailsOnce(CountingHandler):
    """A relay that answers 451 to the first message for one address, then accepts it."""

    flaky: str = ""
    failed: list[str] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.flaky in envelope.rcpt_tos and not self.failed:
            self.failed.append(self.flaky)
            return "451 4.3.0 Try again later"
        return await super().handle_DATA(server, session, envelope)


def supervisor() -> str:
    return f"supervisor-{uuid.uuid4().hex[:6]}@landlord.example"


async def escalate(
    sessions: async_sessionmaker[Any], mailer: SmtpMailer, to: str, clocks: list[Clock]
) -> str:
    """One case missing the given clocks, recorded by the worker's ``carry_out``."""
    case = await seed_case(sessions)
    due = datetime.now(UTC) - timedelta(hours=5)
    commands = [
        NotifySupervisor(
            key=f"{case.reference}:notify:{n}", reference=case.reference,
            reason="deadline_missed", officer_id="officer.jones", clock=clock, due_at=due,
            breached_by_seconds=3600, level=1, summary=f"The {clock.value} deadline is missed.",
        )
        for n, clock in enumerate(clocks, 1)
    ]  # fmt: skip
    dispatcher = LetterDispatcher(sessions, mailer, "https://landlord.example/survey", to)
    effects = CaseEffects(sessions, dispatcher, open_linked=None, digest_to=to)  # type: ignore[arg-type]
    await ActivityEnvironment().run(
        effects.carry_out, CommandBatch(reference=case.reference, commands=commands)
    )
    return case.reference


async def rows_for(sessions: async_sessionmaker[Any], references: list[str]) -> list[Escalation]:
    async with sessions() as session:
        statement = select(Escalation).where(Escalation.reference.in_(references))
        return list((await session.scalars(statement)).all())


def listed(handler: CountingHandler, to: str) -> list[str]:
    """Lines naming a case, over every digest this address received."""
    lines = [line for m in handler.to(to) for line in body_text(m).splitlines()]
    return [line for line in lines if line.startswith("ASB-")]


async def test_each_supervisor_gets_one_digest_listing_every_escalation_waiting(
    sessions: async_sessionmaker[Any],
) -> None:
    handler = CountingHandler()
    alice, bob = supervisor(), supervisor()
    with serving(handler) as port:
        mailer = SmtpMailer("127.0.0.1", port, SENDER)
        for_alice = [
            await escalate(sessions, mailer, alice, [Clock.ACKNOWLEDGEMENT, Clock.FIRST_CONTACT]),
            await escalate(sessions, mailer, alice, [Clock.FIRST_CONTACT]),
        ]
        for_bob = [await escalate(sessions, mailer, bob, [Clock.FIRST_CONTACT])]
        assert handler.to(alice) == handler.to(bob) == []  # nothing sent per escalation

        sender = SupervisorDigests(sessions, mailer).send_escalation_digests
        await ActivityEnvironment().run(sender, datetime.now(UTC))
        await ActivityEnvironment().run(sender, datetime.now(UTC))  # nothing new: nothing sent

    assert len(handler.to(alice)) == len(handler.to(bob)) == 1
    lines = listed(handler, alice)
    assert len(lines) == 3 and {line.split()[0] for line in lines} == set(for_alice)
    assert any("acknowledgement" in line and "5 h 0 min late" in line for line in lines)
    assert [line.split()[0] for line in listed(handler, bob)] == for_bob
    rows = await rows_for(sessions, for_alice + for_bob)
    assert all(row.notified_at is not None for row in rows)


async def test_a_transient_failure_mid_send_is_retried_without_sending_anything_twice(
    sessions: async_sessionmaker[Any],
) -> None:
    """Alice's digest goes, Bob's meets a 451: the retry sends Bob's and never Alice's again."""
    alice, bob = sorted([supervisor(), supervisor()])  # the sender goes in address order
    handler = FailsOnce(flaky=bob)
    with serving(handler) as port:
        mailer = SmtpMailer("127.0.0.1", port, SENDER)
        references = [
            await escalate(sessions, mailer, alice, [Clock.FIRST_CONTACT]),
            await escalate(sessions, mailer, bob, [Clock.FIRST_CONTACT]),
        ]
        sender = SupervisorDigests(sessions, mailer).send_escalation_digests
        with pytest.raises(TransientMailError):  # a plain exception: Temporal retries it
            await ActivityEnvironment().run(sender, datetime.now(UTC))
        assert len(handler.to(alice)) == 1 and handler.to(bob) == []
        [waiting] = await rows_for(sessions, references[1:])
        assert waiting.digest_key is None  # certainly not sent: waits for the retry

        await ActivityEnvironment().run(sender, datetime.now(UTC))  # the retry

    assert len(handler.to(alice)) == len(handler.to(bob)) == 1
    assert all(row.notified_at is not None for row in await rows_for(sessions, references))


async def test_a_sender_stopped_mid_send_never_sends_that_digest_again(
    sessions: async_sessionmaker[Any],
) -> None:
    """A crash after the claim (the email may have left): the retry marks that digest
    unconfirmed and does not send it again; what is raised afterwards goes in the next one."""
    alice = supervisor()
    handler = CountingHandler()
    with serving(handler) as port:
        mailer = SmtpMailer("127.0.0.1", port, SENDER)
        claimed = await escalate(sessions, mailer, alice, [Clock.FIRST_CONTACT])
        async with sessions() as session, session.begin():  # as a kill -9 mid-send leaves it
            await digests.claim(session, alice, "digest:crashed", datetime.now(UTC))
        later = await escalate(sessions, mailer, alice, [Clock.ACKNOWLEDGEMENT])

        sender = SupervisorDigests(sessions, mailer).send_escalation_digests
        await ActivityEnvironment().run(sender, datetime.now(UTC))
        await ActivityEnvironment().run(sender, datetime.now(UTC))

    assert [line.split()[0] for line in listed(handler, alice)] == [later]
    async with sessions() as session:
        crashed = await session.get(SupervisorDigest, "digest:crashed")
    assert crashed is not None and crashed.status == "unconfirmed"
    [row] = await rows_for(sessions, [claimed])
    assert row.digest_key == "digest:crashed"  # stays with the digest that may have gone
