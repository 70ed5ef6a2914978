"""Durability on the real Temporal dev server: a case outlives its worker stopping in the middle
of sending a letter, the server itself being stopped and started again on its database, and
continue-as-new cutting a long history."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio import activity
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowExecutionStatus, WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer, Worker

from contracts.case import CaseStart, CommandBatch, PrepareCase
from contracts.search_attributes import ALL as SEARCH_ATTRIBUTES
from contracts.view import CaseView
from core.mailer import FolderMailer, OutgoingEmail
from core.settings import Settings
from db.engine import create_engine, session_factory
from db.migrate import upgrade_async
from domain.actions import Acknowledge, RecordContact, RecordRiskAssessment
from domain.case import Stage
from tests.workflow.support import OFFICER, TEST_BUILD_ID, CaseDriver, binary, case_worker
from workers.build import RUNNER
from workflows.case import CaseWorkflow

WAIT = 60  # seconds; a bound on how long a hung test can take, never a pause
CONTINUE_AS_NEW_AFTER_EVENTS = 40


class HangingMailer:
    """A mail relay that takes the message and never answers: the activity sending the letter
    is still running when its worker goes away."""

    def __init__(self) -> None:
        self.sending = asyncio.Event()

    async def send(self, message: OutgoingEmail) -> str:
        self.sending.set()
        await asyncio.Event().wait()  # until the stopping worker cancels the activity
        raise AssertionError("never answered")


async def _stop_mid_activity(worker: Worker, running: asyncio.Event) -> None:
    """Run the worker until its activity is under way, then stop it: a stopping worker cancels
    the activities it is running (and tells the server, which retries them elsewhere)."""
    task = asyncio.create_task(worker.run())
    await asyncio.wait_for(running.wait(), WAIT)
    await worker.shutdown()
    await task


async def test_case_survives_its_worker_stopping_mid_activity_and_sends_once(
    dev_env: WorkflowEnvironment,
    sessions: async_sessionmaker[Any],
    task_queue: str,
    tmp_path: Path,
) -> None:
    """The worker stops while carrying out the acknowledgement (R13), before the email left; a
    new worker finishes the officer's action: the case moves on, one letter row, one email."""
    settings = Settings(environment="test", task_queue=task_queue, data_dir=tmp_path)
    mail = FolderMailer(tmp_path / "mail")
    cases = CaseDriver(dev_env, task_queue, sessions, mail.folder, prefix="ASB-DUR")
    started = asyncio.Event()

    @activity.defn(name="carry_out")
    async def stalls(batch: CommandBatch) -> None:  # a worker that hangs mid-activity
        started.set()
        await asyncio.Event().wait()

    @activity.defn(name="prepare_case")
    async def prepared(request: PrepareCase) -> None:  # replayed from history, never run
        raise AssertionError("the case is already open")

    async with case_worker(dev_env.client, settings, sessions, mail):
        case = await cases.open("X")  # opened by the production worker
    stalling = Worker(
        dev_env.client,
        task_queue=task_queue,
        workflows=[CaseWorkflow],
        activities=[prepared, stalls],
        workflow_runner=RUNNER,  # as build_worker runs workflows
        build_id=TEST_BUILD_ID,
    )
    acting = asyncio.create_task(cases.act(case, Acknowledge(actor=OFFICER)))
    await _stop_mid_activity(stalling, started)
    assert not acting.done()  # the officer's action is not lost, only waiting
    assert await cases.letters(case.reference) == []

    async with case_worker(dev_env.client, settings, sessions, mail):
        view = await asyncio.wait_for(acting, WAIT)
        assert view.stage is Stage.RISK_ASSESSMENT and view.officer_id == OFFICER.user_id
        (letter,) = await cases.letters(case.reference)
        assert (letter.kind, letter.status) == ("acknowledgement", "sent")
        assert [path.name for path in cases.mails(case.reference)] == [
            f"{case.reference}.letter.1.eml"
        ]
        await cases.terminate_open_cases()


async def test_worker_stopping_mid_send_never_sends_twice_and_tells_the_officer(
    dev_env: WorkflowEnvironment,
    sessions: async_sessionmaker[Any],
    task_queue: str,
    tmp_path: Path,
) -> None:
    """The worker stops during the SMTP conversation itself: whether the email left is
    unknowable, so the retry does not send it again; the letter is marked unconfirmed and the
    officer gets a task to check. The case still moves on."""
    settings = Settings(environment="test", task_queue=task_queue, data_dir=tmp_path)
    mail = FolderMailer(tmp_path / "mail")
    cases = CaseDriver(dev_env, task_queue, sessions, mail.folder, prefix="ASB-DUR")
    hanging = HangingMailer()
    case_opened = case_worker(dev_env.client, settings, sessions, hanging)
    run = asyncio.create_task(case_opened.run())
    case = await cases.open("X")
    acting = asyncio.create_task(cases.act(case, Acknowledge(actor=OFFICER)))
    await asyncio.wait_for(hanging.sending.wait(), WAIT)  # mid-send
    await case_opened.shutdown()
    await run
    assert not acting.done()

    async with case_worker(dev_env.client, settings, sessions, mail):
        view = await asyncio.wait_for(acting, WAIT)
        assert view.stage is Stage.RISK_ASSESSMENT
        (letter,) = await cases.letters(case.reference)
        assert (letter.kind, letter.status) == ("acknowledgement", "unconfirmed")
        assert cases.mails(case.reference) == []  # not sent a second time
        tasks = await cases.officer_tasks(case.reference)
        assert [task.kind for task in tasks] == ["letter"]
        assert "may not have left" in tasks[0].summary
        await cases.terminate_open_cases()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
async def private_sessions(tmp_path: Path) -> AsyncIterator[async_sessionmaker[Any]]:
    """A SQLite record of its own: this test is about Temporal's persistence, not the record."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'asb.db'}"
    await upgrade_async(url)
    engine = create_engine(url)
    yield session_factory(engine)
    await engine.dispose()


async def _start_server(database: Path, port: int, *extra_args: str) -> WorkflowEnvironment:
    return await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary("temporal"),
        dev_server_database_filename=str(database),
        port=port,
        search_attributes=SEARCH_ATTRIBUTES,
        data_converter=pydantic_data_converter,
        dev_server_extra_args=list(extra_args),
    )


def _kill_server(database: Path) -> None:
    """SIGKILL the dev server this test started (found by its own database file), as a crash
    would; where /proc is missing (not Linux) the environment's shutdown stops it instead."""
    proc = Path("/proc")
    if not proc.is_dir():
        return
    marker = str(database).encode()
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"start-dev" in argv and marker in argv:
            os.kill(int(entry.name), signal.SIGKILL)
            return
    raise AssertionError(f"no dev server running on {database}")


def _pending_timers(events: list[Any]) -> set[str]:
    started = {
        e.timer_started_event_attributes.timer_id
        for e in events
        if e.event_type == EventType.EVENT_TYPE_TIMER_STARTED
    }
    ended = {
        e.timer_fired_event_attributes.timer_id
        for e in events
        if e.event_type == EventType.EVENT_TYPE_TIMER_FIRED
    } | {
        e.timer_canceled_event_attributes.timer_id
        for e in events
        if e.event_type == EventType.EVENT_TYPE_TIMER_CANCELED
    }
    return started - ended


async def test_case_survives_the_temporal_server_being_killed_mid_timer(
    private_sessions: async_sessionmaker[Any], tmp_path: Path
) -> None:
    """The dev server is killed (SIGKILL) while the case waits on its deadline timer and started
    again on the same database file: the case is still running, its view intact, its timer still
    set, and officers can carry on."""
    database, port = tmp_path / "temporal.db", _free_port()
    settings = Settings(environment="test", task_queue="durable-cases", data_dir=tmp_path)
    mail = FolderMailer(tmp_path / "mail")

    env = await _start_server(database, port)
    try:
        cases = CaseDriver(env, settings.task_queue, private_sessions, mail.folder)
        async with case_worker(env.client, settings, private_sessions, mail):
            case = await cases.open("X")
            await cases.act(case, Acknowledge(actor=OFFICER))
            before = await cases.view(case)
            history = await case.handle.fetch_history()
            timers = _pending_timers(list(history.events))
            assert timers, "the case waits on a deadline timer"
            _kill_server(database)  # kill -9, mid-timer, with the worker still connected
    finally:
        await env.shutdown()

    env = await _start_server(database, port)
    try:
        cases = CaseDriver(env, settings.task_queue, private_sessions, mail.folder)
        handle = env.client.get_workflow_handle(case.handle.id)
        assert (await handle.describe()).status is WorkflowExecutionStatus.RUNNING
        history = await handle.fetch_history()
        assert _pending_timers(list(history.events)) == timers  # still set, not fired
        async with case_worker(env.client, settings, private_sessions, mail):
            case.handle = handle
            assert await cases.view(case) == before
            await cases.act(case, RecordContact(actor=OFFICER, outcome="made", channel="phone"))
            view = await cases.act(case, RecordRiskAssessment(actor=OFFICER, tier=before.tier))
            assert view.stage is Stage.ACTION_PLAN
            assert await cases.letter_kinds(case.reference) == ["acknowledgement"]
            await handle.terminate("test finished")
    finally:
        await env.shutdown()


async def _replays_as_a_run_of_this_code(env: WorkflowEnvironment, run: WorkflowHistory) -> None:
    """The continued run carries the version flag (no patch marker, no TemporalChangeVersion
    upsert) and replays against the current workflow."""
    started = run.events[0].workflow_execution_started_event_attributes
    [carried] = await env.client.data_converter.decode(started.input.payloads, [CaseStart])
    assert carried.state is not None and carried.upserts_changes_only
    markers = [e.marker_recorded_event_attributes.marker_name for e in run.events]
    assert "core_patch" not in markers
    replayer = Replayer(
        workflows=[CaseWorkflow],
        data_converter=env.client.data_converter,
        workflow_runner=RUNNER,
        build_id=TEST_BUILD_ID,
    )
    assert (await replayer.replay_workflow(run)).replay_failure is None


async def test_case_carries_on_through_continue_as_new(
    private_sessions: async_sessionmaker[Any], tmp_path: Path
) -> None:
    """A long case's history is cut by continue-as-new (here after a few dozen events): the
    next run keeps the case, officers carry on, its search attributes still list it, and an
    action retried with the same update id is not applied twice across the runs (docs/design.md)."""
    settings = Settings(environment="test", task_queue="long-cases", data_dir=tmp_path)
    mail = FolderMailer(tmp_path / "mail")
    env = await _start_server(
        tmp_path / "temporal.db",
        _free_port(),
        "--dynamic-config-value",
        f"limit.historyCount.suggestContinueAsNew={CONTINUE_AS_NEW_AFTER_EVENTS}",
    )
    try:
        cases = CaseDriver(env, settings.task_queue, private_sessions, mail.folder)
        async with case_worker(env.client, settings, private_sessions, mail):
            case = await cases.open("X")
            first_run = (await case.handle.describe()).run_id
            acknowledge = Acknowledge(actor=OFFICER)
            await case.handle.execute_update(
                acknowledge.type, acknowledge, id="ack-1", result_type=CaseView
            )
            contact = RecordContact(actor=OFFICER, outcome="made", channel="phone")
            for _ in range(CONTINUE_AS_NEW_AFTER_EVENTS):  # each action adds several events
                before = await cases.act(case, contact)
                if (await case.handle.describe()).run_id != first_run:
                    break
            else:
                raise AssertionError("the case never continued as new")

            assert await cases.view(case) == before  # the new run holds the same case
            # The officer's client retries the acknowledgement (same update id) on the new run:
            # it is recognised, not refused as "already acknowledged" and not sent again.
            again = await case.handle.execute_update(
                acknowledge.type, acknowledge, id="ack-1", result_type=CaseView
            )
            assert again.stage is Stage.RISK_ASSESSMENT
            view = await cases.act(case, RecordRiskAssessment(actor=OFFICER, tier=before.tier))
            assert view.stage is Stage.ACTION_PLAN
            assert await cases.letter_kinds(case.reference) == ["acknowledgement"]

            query = f"WorkflowId = '{case.handle.id}' AND CaseStage = 'action_plan'"
            found = [w async for w in env.client.list_workflows(query)]
            assert [w.status for w in found] == [WorkflowExecutionStatus.RUNNING]
            await _replays_as_a_run_of_this_code(env, await case.handle.fetch_history())
            await case.handle.terminate("test finished")
    finally:
        await env.shutdown()
