"""Missed deadlines reach supervisors as one digest email, not one per case per clock
(ASB_ESCALATION_DIGEST_MINUTES): real Temporal, real SMTP (aiosmtpd), both databases."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from contracts.housekeeping import DIGEST_WORKFLOW
from core.mailer import SmtpMailer
from core.settings import Settings
from db.models import Escalation
from tests.integration.record_support import CountingHandler, body_text
from tests.integration.test_mailer_smtp import serving
from tests.workflow.support import CaseDriver, case_worker, deadline


@dataclass
class Digesting:
    driver: CaseDriver
    relay: CountingHandler
    supervisor: str


@pytest.fixture
async def digesting(
    case_env: WorkflowEnvironment, sessions: async_sessionmaker[Any], tmp_path: Any
) -> AsyncIterator[Digesting]:
    """A case worker sending through a real SMTP server, with an hourly digest."""
    supervisor = f"supervisor-{uuid.uuid4().hex[:6]}@landlord.example"
    queue = f"digest-{uuid.uuid4().hex[:8]}"
    settings = Settings(
        environment="test", task_queue=queue, data_dir=tmp_path,
        supervisor_email=supervisor, escalation_digest_minutes=60,
    )  # fmt: skip
    relay = CountingHandler()
    with serving(relay) as port:
        mailer = SmtpMailer("127.0.0.1", port, "asb-team@landlord.example")
        async with case_worker(case_env.client, settings, sessions, mailer):
            driver = CaseDriver(case_env, queue, sessions, tmp_path)
            yield Digesting(driver, relay, supervisor)
            await driver.terminate_open_cases()


async def escalations(sessions: async_sessionmaker[Any], references: set[str]) -> list[Escalation]:
    async with sessions() as session:
        rows = (await session.scalars(select(Escalation))).all()
    return [row for row in rows if row.reference in references]


async def test_missed_deadlines_of_several_cases_reach_the_supervisor_in_one_digest(
    digesting: Digesting, sessions: async_sessionmaker[Any]
) -> None:
    d = digesting.driver
    cases = [await d.open("X", anonymous=True) for _ in range(3)]
    await d.skip_past(deadline(cases[0].view, "acknowledgement").due_at)  # R13

    references = {case.reference for case in cases}
    raised = await escalations(sessions, references)
    assert {row.reference for row in raised} == references
    assert digesting.relay.to(digesting.supervisor) == []  # no email per case per clock
    assert all(row.recipient == digesting.supervisor and row.notified_at is None for row in raised)

    run = f"digest-{uuid.uuid4().hex[:6]}"
    sent = await d.client.execute_workflow(
        DIGEST_WORKFLOW, id=run, task_queue=d.task_queue, result_type=int
    )

    assert sent == 1
    [digest] = digesting.relay.to(digesting.supervisor)
    text = body_text(digest)
    for row in raised:  # every escalation: case reference, clock, how late
        line = next(line for line in text.splitlines() if line.startswith(row.reference))
        assert (row.clock or "").replace("_", " ") in line
        assert " late" in line
    assert f"{len(raised)} missed deadlines" in str(digest["Subject"])
    first = {row.id for row in raised}
    notified = [row for row in await escalations(sessions, references) if row.id in first]
    assert all(row.notified_at is not None and row.digest_key for row in notified)

    # Waiting on the result lets the test server skip time, so the cases may escalate again
    # (the next level) during either run: those go in a later digest, never in two.
    again = await d.client.execute_workflow(
        DIGEST_WORKFLOW, id=f"{run}-again", task_queue=d.task_queue, result_type=int
    )
    emails = digesting.relay.to(digesting.supervisor)
    assert len(emails) == 1 + again
    listed = [
        line for email in emails for line in body_text(email).splitlines()
        if line.split("  ")[0] in references
    ]  # fmt: skip
    notified = [row for row in await escalations(sessions, references) if row.notified_at]
    assert len(listed) == len(notified)  # each escalation sent in exactly one digest
    assert first <= {row.id for row in notified}
