"""A mail outage never holds an officer up (issue 22).

With the SMTP relay down (stopped, nothing listening on its port, or accepting and never
answering), an officer's action answers as soon as the case is recorded; the letter waits to
send, never shown as sent; when the relay (a real aiosmtpd server) comes back on the same port
each letter is delivered exactly once. A letter still waiting after the policy's hours becomes an
officer task, once (PolicyProfile.unsent_letter_task_hours; simulated time on the time-skipping
server).
"""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from api.letters import letter_out
from console.labels import letter_status
from contracts.view import CaseView
from core.mailer import SmtpMailer
from core.policies import load_policy
from core.settings import Settings
from db.models import Letter, OfficerTask
from domain.actions import Acknowledge, AgreeActionPlan, RecordContact, RecordRiskAssessment
from tests.integration.record_support import CountingHandler
from tests.workflow.support import (
    OFFICER,
    PLAN_ACTIONS,
    CaseDriver,
    OpenedCase,
    case_worker,
)

T = TypeVar("T")
SENDER = "asb-team@landlord.example"
# Generous deadlines for polling a condition on a loaded 2-core machine (never asserted).
WAIT = timedelta(seconds=120)
# Quick to give up per attempt, so the tests see retries; production keeps 10 s and 60 s.
QUICK = {"timeout": 1.0, "deadline": 3.0}


async def until(probe: Callable[[], Awaitable[T]], check: Callable[[T], bool], what: str) -> T:
    """Ask again until ``check`` holds, or fail naming ``what`` after a generous deadline."""
    deadline = asyncio.get_running_loop().time() + WAIT.total_seconds()
    while True:
        value = await probe()
        if check(value):
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"gave up waiting for {what}; last seen {value!r}")
        await asyncio.sleep(0.1)


class Relay:
    """The landlord's SMTP relay on one port: down in one of three ways, then back up."""

    def __init__(self) -> None:
        self.handler = CountingHandler()
        self._blocker: socket.socket | None = None
        self._silent: asyncio.Server | None = None
        self._hold = asyncio.Event()
        self._controller: Controller | None = None
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind(("127.0.0.1", 0))
            self.port: int = probe.getsockname()[1]

    async def down(self, how: str) -> None:
        if how == "stopped":  # it ran, and was stopped: nothing listens any more
            self.up()
            self._stop_controller()
        elif how == "nothing_listening":  # the port is bound, nobody accepts
            self._blocker = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self._blocker.bind(("127.0.0.1", self.port))
        elif how == "silent":  # accepts connections and never says a word

            async def mute(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
                await self._hold.wait()
                writer.close()

            self._silent = await asyncio.start_server(mute, "127.0.0.1", self.port)
        else:
            raise ValueError(how)

    async def restore(self) -> None:
        """Whatever held the port lets go; the real relay starts there."""
        if self._blocker is not None:
            self._blocker.close()
            self._blocker = None
        if self._silent is not None:
            self._hold.set()
            self._silent.close()
            await self._silent.wait_closed()
            self._silent = None
        self.up()

    def up(self) -> None:
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def _stop_controller(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    async def close(self) -> None:
        if self._blocker is not None or self._silent is not None:
            await self.restore()
        self._stop_controller()


@pytest.fixture
async def relay() -> AsyncIterator[Relay]:
    relay = Relay()
    yield relay
    await relay.close()


async def case_letters(sessions: async_sessionmaker[Any], reference: str) -> list[Letter]:
    async with sessions() as session:
        rows = await session.scalars(
            select(Letter).where(Letter.reference == reference).order_by(Letter.id)
        )
        return list(rows)


async def unsent_tasks(sessions: async_sessionmaker[Any], reference: str) -> list[OfficerTask]:
    async with sessions() as session:
        rows = await session.scalars(
            select(OfficerTask).where(
                OfficerTask.reference == reference, OfficerTask.key.like("%:unsent")
            )
        )
        return list(rows)


def shown(letter: Letter) -> tuple[str, str]:
    """What a person reads of the letter: the API listing's sentence, the console's tag."""
    return letter_out(letter, "complainant").says, letter_status(letter.status)[0]


def assert_waiting(letters: list[Letter]) -> None:
    assert letters, "the action recorded no letter"
    for letter in letters:
        assert letter.status != "sent" and letter.sent_at is None
        says, tag = shown(letter)
        assert "waiting to send" in says.lower() and "sent by" not in says, says
        assert tag == "Waiting to send", tag


@pytest.mark.parametrize("outage", ["stopped", "nothing_listening", "silent"])
async def test_an_action_answers_while_the_relay_is_down_and_its_letter_goes_once_it_is_back(
    dev_env: WorkflowEnvironment,
    sessions: async_sessionmaker[Any],
    task_queue: str,
    tmp_path: Path,
    relay: Relay,
    outage: str,
) -> None:
    await relay.down(outage)
    settings = Settings(environment="test", task_queue=task_queue, data_dir=tmp_path)
    mailer = SmtpMailer("127.0.0.1", relay.port, SENDER, **QUICK)
    async with case_worker(dev_env.client, settings, sessions, mailer):
        cases = CaseDriver(dev_env, task_queue, sessions, tmp_path, prefix="ASB-OUT")
        case = await cases.open("X")
        order: list[str] = []

        async def acknowledge() -> CaseView:
            update = case.handle.execute_update(
                "acknowledge", Acknowledge(actor=OFFICER), result_type=CaseView
            )
            view = await update
            order.append("the action answered")
            return view

        answering = asyncio.create_task(acknowledge())
        # A build that sends inside the action never answers while the relay is down: after a
        # generous while the relay comes back anyway, so such a build fails here, not hangs.
        if await finished(answering):
            # Answered with the relay still down: the letter waits, after a failed attempt.
            letters = await until(
                lambda: case_letters(sessions, case.reference),
                lambda found: bool(found) and all(x.status == "rendered" for x in found),
                "an attempt to fail while the relay is down",
            )
            assert_waiting(letters)
            # More actions answer meanwhile; the action plan's letter queues behind the first.
            for action in (
                RecordContact(actor=OFFICER, outcome="made", channel="phone"),
                RecordRiskAssessment(actor=OFFICER, tier=case.view.tier),
                AgreeActionPlan(actor=OFFICER, agreed_contact_interval_days=7,
                                summary_ref="plan-1", actions=PLAN_ACTIONS),
            ):  # fmt: skip
                await case.handle.execute_update(action.type, action, result_type=CaseView)
            letters = await case_letters(sessions, case.reference)
            assert [x.kind for x in letters] == ["acknowledgement", "action_plan"]
            assert_waiting(letters)
            assert relay.handler.received == []
        order.append("the relay started")
        await relay.restore()
        await answering
        assert order == ["the action answered", "the relay started"]

        await cases.settle(case.handle)
        await assert_delivered_once(sessions, case, relay)
        sent = await case_letters(sessions, case.reference)
        assert len(sent) == 2 and sent[0].sent_at <= sent[1].sent_at  # in decision order
        await cases.terminate_open_cases()


async def finished(task: asyncio.Task[Any]) -> bool:
    """Whether ``task`` finished before a generous deadline (its result is awaited later)."""
    done, _ = await asyncio.wait([task], timeout=WAIT.total_seconds())
    return bool(done)


async def assert_delivered_once(
    sessions: async_sessionmaker[Any], case: OpenedCase, relay: Relay
) -> None:
    letters = await case_letters(sessions, case.reference)
    assert letters and all(x.status == "sent" for x in letters), [
        (x.key, x.status, x.error) for x in letters
    ]
    received = relay.handler.about(case.reference)
    assert sorted(str(m["Message-ID"]) for m in received) == sorted(
        str(x.message_id) for x in letters
    )  # one message per letter, none twice
    for letter in letters:
        says, tag = shown(letter)
        assert (says.endswith("sent by email."), tag) == (True, "Sent")


async def test_a_letter_waiting_past_the_policy_hours_becomes_one_officer_task(
    case_env: WorkflowEnvironment,
    sessions: async_sessionmaker[Any],
    tmp_path: Path,
    relay: Relay,
) -> None:
    """Simulated time: the relay stays down past PolicyProfile.unsent_letter_task_hours."""
    await relay.down("nothing_listening")
    task_queue = f"outage-{uuid.uuid4().hex[:8]}"
    settings = Settings(environment="test", task_queue=task_queue, data_dir=tmp_path)
    mailer = SmtpMailer("127.0.0.1", relay.port, SENDER, **QUICK)
    async with case_worker(case_env.client, settings, sessions, mailer):
        cases = CaseDriver(case_env, task_queue, sessions, tmp_path, prefix="ASB-OUT")
        case = await cases.open("X")
        hours = load_policy("X", case.view.policy_version).unsent_letter_task_hours
        await case.handle.execute_update(
            "acknowledge", Acknowledge(actor=OFFICER), result_type=CaseView
        )
        await until(
            lambda: case_letters(sessions, case.reference),
            lambda found: bool(found) and all(x.status == "rendered" for x in found),
            "an attempt to fail while the relay is down",
        )
        assert await unsent_tasks(sessions, case.reference) == []  # not before its time

        await case_env.sleep(timedelta(hours=hours, minutes=5))
        [task] = await until(
            lambda: unsent_tasks(sessions, case.reference), lambda t: len(t) == 1, "the task"
        )
        assert task.kind == "letter" and task.done_at is None
        assert task.summary.startswith("The acknowledgement letter could not be sent yet: ")
        assert f"in {hours} hours" in task.summary
        assert_waiting(await case_letters(sessions, case.reference))

        await case_env.sleep(timedelta(hours=2 * hours))  # still down: still one task
        assert len(await unsent_tasks(sessions, case.reference)) == 1
        assert relay.handler.received == []

        await relay.restore()
        await case_env.sleep(timedelta(minutes=15))  # past the longest wait between attempts
        await cases.settle(case.handle)
        await assert_delivered_once(sessions, case, relay)
        [task] = await unsent_tasks(sessions, case.reference)
        assert task.done_at is not None  # sent at last: the task closes itself
        await cases.terminate_open_cases()
