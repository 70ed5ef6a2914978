"""Record one case history per main path for the replay tests (``tests/replay/histories``).

    .venv/bin/python -m scripts.record_histories               # the corpus, if not there yet
    .venv/bin/python -m scripts.record_histories --out tests/replay/histories/2027-01

The corpus of 2026-12 (``histories/2026-12-services``) is the first recorded from the production
path: cases opened by ``services.cases.open_case`` (setup in the input, no ``prepare_case``),
plus one case that continued as new on a dev server.

Histories already in the corpus are never overwritten (``--force`` to do so): after a change
guarded by ``workflow.patched``, record the new behaviour into a folder of its own and keep
the old histories, which prove that cases opened before the change still replay.

Runs each journey against a time-skipping test server with a real worker (a throwaway SQLite
record and a folder mailer) and writes each workflow's history as JSON. ``tests/replay``
replays every committed history against the current ``CaseWorkflow``: a change that open cases
could not replay fails there. Re-record only when a change is deliberately incompatible (and
then guard it with ``workflow.patched`` for the cases already open); never to make a failing
replay pass.

Payloads use the plain pydantic converter, so the histories are readable and replay without a
key; they hold ids, enums and dates only, never personal data.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from temporalio.client import WorkflowHandle
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from contracts.case import OPEN_UPDATE
from contracts.search_attributes import ALL as SEARCH_ATTRIBUTES
from contracts.view import CaseView
from core.mailer import FolderMailer
from core.settings import Settings
from db.engine import create_engine, session_factory
from db.migrate import upgrade_async
from domain.actions import (
    Acknowledge,
    ApplyRemedy,
    CompletePeia,
    Hold,
    InviteToInterview,
    LegalActionKind,
    LegalOutcome,
    RaiseCounterAllegation,
    RecordConsultation,
    RecordContact,
    RecordInterview,
    RecordLegalOutcome,
    RecordSurveyResponse,
    RemedyKind,
    RequestClosure,
    Resume,
    StartLegalAction,
)
from domain.policy import ClosureReason
from tests.workflow.support import (
    OFFICER,
    CaseDriver,
    binary,
    case_worker,
    deadline,
    register_search_attributes,
    through_action_plan,
)

HISTORIES = Path(__file__).resolve().parents[1] / "tests" / "replay" / "histories"
TASK_QUEUE = "record-histories"

Recorded = dict[str, WorkflowHandle[object, object]]
Journey = Callable[[CaseDriver], Awaitable[Recorded]]


async def happy_path(d: CaseDriver) -> Recorded:
    """C: acknowledged, planned, investigated, warned, closed with consent, surveyed."""
    case = await d.open("C", reference="ASB-REPLAY-HAPPY")
    await through_action_plan(d, case)
    await d.skip(days=3)
    await d.act(case, InviteToInterview(actor=OFFICER, party="alleged_perpetrator"))
    await d.skip(days=4)
    await d.act(case, RecordInterview(actor=OFFICER, party="alleged_perpetrator"))
    await d.act(case, ApplyRemedy(actor=OFFICER, kind=RemedyKind.WRITTEN_WARNING))
    await d.act(case, RecordContact(actor=OFFICER, outcome="made", channel="email"))
    await d.skip(days=7)
    await d.act(case, RequestClosure(actor=OFFICER, reason=ClosureReason.ASB_STOPPED))
    view = await d.act(case, RecordConsultation(actor=OFFICER, outcome="agrees"))
    await d.skip_past(deadline(view, "survey").due_at)
    await d.act(case, RecordSurveyResponse(actor=OFFICER, score=5))
    await case.handle.result()
    return {"happy_path": case.handle}


async def legal_action(d: CaseDriver) -> Recorded:
    """X: legal action refused, then allowed after a warning and the PEIA; an outcome."""
    case = await d.open("X", reference="ASB-REPLAY-LEGAL")
    await through_action_plan(d, case)
    start = StartLegalAction(actor=OFFICER, kind=LegalActionKind.INJUNCTION)
    await d.refuse(case, start)
    await d.skip(days=2)
    await d.act(case, ApplyRemedy(actor=OFFICER, kind=RemedyKind.WRITTEN_WARNING))
    await d.act(case, CompletePeia(actor=OFFICER, document_ref="peia-1"))
    await d.act(case, start)
    await d.skip(days=5)
    outcome = RecordLegalOutcome(actor=OFFICER, legal_action_no=1, outcome=LegalOutcome.GRANTED)
    await d.act(case, outcome)
    return {"legal_action": case.handle}


async def stalled(d: CaseDriver) -> Recorded:
    """C: nobody acts for ten days; both clocks escalate, then again; then the officer acts."""
    case = await d.open("C", reference="ASB-REPLAY-STALLED")
    await d.skip(days=10)
    await d.act(case, Acknowledge(actor=OFFICER))
    await d.act(case, RecordContact(actor=OFFICER, outcome="made", channel="phone"))
    return {"stalled": case.handle}


async def anonymous(d: CaseDriver) -> Recorded:
    """Y: an anonymous complainant: no letters to them, closure without consultation."""
    case = await d.open("Y", reference="ASB-REPLAY-ANON", anonymous=True)
    await through_action_plan(d, case)
    await d.skip(days=5)
    await d.act(case, ApplyRemedy(actor=OFFICER, kind=RemedyKind.WRITTEN_WARNING))
    await d.act(case, RequestClosure(actor=OFFICER, reason=ClosureReason.ASB_STOPPED))
    await case.handle.result()
    return {"anonymous": case.handle}


async def domestic_abuse(d: CaseDriver) -> Recorded:
    """P: domestic abuse: safeguarding referral and supervisor alert on opening."""
    case = await d.open("P", ("domestic_abuse",), reference="ASB-REPLAY-DA")
    await through_action_plan(d, case)
    return {"domestic_abuse": case.handle}


async def counter_allegation(d: CaseDriver) -> Recorded:
    """X: a counter-allegation opens a linked case, started by the activity."""
    case = await d.open("X", reference="ASB-REPLAY-COUNTER")
    await d.skip(hours=1)
    await d.act(case, Acknowledge(actor=OFFICER))
    counter = RaiseCounterAllegation(actor=OFFICER, categories=["verbal_abuse"], channel="phone")
    await d.act(case, counter)
    linked = d.client.get_workflow_handle(case.counter_allegation_id)
    await linked.execute_update(OPEN_UPDATE, result_type=CaseView)  # once it has opened
    await d.act_on(linked, Acknowledge(actor=OFFICER))
    return {"counter_allegation": case.handle, "counter_allegation_linked": linked}


async def hold_resume(d: CaseDriver) -> Recorded:
    """B: on hold for three weeks (no escalation), resumed, clocks moved on."""
    case = await d.open("B", reference="ASB-REPLAY-HOLD")
    await d.skip(hours=1)
    await d.act(case, Acknowledge(actor=OFFICER))
    await d.act(case, Hold(actor=OFFICER, reason="complainant in hospital"))
    await d.skip(days=21)
    await d.act(case, Resume(actor=OFFICER, reason="complainant home again"))
    await d.act(case, RecordContact(actor=OFFICER, outcome="made", channel="phone"))
    return {"hold_resume": case.handle}


# A case continues as new when the server suggests it; a dev server told to suggest it after a
# few dozen events produces one (the time-skipping server never does).
CONTINUE_AS_NEW_AFTER_EVENTS = 40


async def continue_as_new(d: CaseDriver) -> Recorded:
    """X: a long case cut by continue-as-new; both runs are recorded (dev server)."""
    case = await d.open("X", reference="ASB-REPLAY-CAN")
    first = (await case.handle.describe()).run_id
    await d.act(case, Acknowledge(actor=OFFICER))
    contact = RecordContact(actor=OFFICER, outcome="made", channel="phone")
    for _ in range(CONTINUE_AS_NEW_AFTER_EVENTS):  # each action adds several events
        await d.act(case, contact)
        if (await case.handle.describe()).run_id != first:
            break
    else:
        raise SystemExit("the case never continued as new")
    await d.act(case, RecordContact(actor=OFFICER, outcome="made", channel="email"))
    first_run = d.client.get_workflow_handle(case.handle.id, run_id=first)
    return {"continue_as_new": first_run, "continued_run": case.handle}


JOURNEYS: tuple[Journey, ...] = (
    happy_path,
    legal_action,
    stalled,
    anonymous,
    domestic_abuse,
    counter_allegation,
    hold_resume,
)


async def _write(out: Path, recorded: Recorded) -> list[Path]:
    written = []
    for name, handle in recorded.items():
        path = out / f"{name}.json"
        history = json.loads((await handle.fetch_history()).to_json())
        path.write_text(json.dumps(history, separators=(",", ":")) + "\n")
        written.append(path)
    return written


async def record_continued(out: Path, tmp: Path) -> list[Path]:
    """The continue-as-new journey, on a dev server that suggests it early."""
    url = f"sqlite+aiosqlite:///{tmp / 'asb-dev.db'}"
    await upgrade_async(url)
    engine = create_engine(url)
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary("temporal"),
        data_converter=pydantic_data_converter,
        search_attributes=SEARCH_ATTRIBUTES,
        dev_server_extra_args=[
            "--dynamic-config-value",
            f"limit.historyCount.suggestContinueAsNew={CONTINUE_AS_NEW_AFTER_EVENTS}",
        ],
    )
    try:
        settings = Settings(environment="test", task_queue=TASK_QUEUE, data_dir=tmp)
        sessions = session_factory(engine)
        mailer = FolderMailer(tmp / "mail-dev")
        async with case_worker(env.client, settings, sessions, mailer):
            driver = CaseDriver(env, TASK_QUEUE, sessions, mailer.folder, prefix="ASB-REPLAY")
            written = await _write(out, await continue_as_new(driver))
            await driver.terminate_open_cases()
    finally:
        await env.shutdown()
        await engine.dispose()
    return written


async def record(out: Path) -> list[Path]:
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'asb.db'}"
        await upgrade_async(url)
        engine = create_engine(url)
        env = await WorkflowEnvironment.start_time_skipping(
            test_server_existing_path=binary("temporal-test-server"),
            data_converter=pydantic_data_converter,
        )
        try:
            await register_search_attributes(env)
            settings = Settings(environment="test", task_queue=TASK_QUEUE, data_dir=Path(tmp))
            sessions = session_factory(engine)
            mailer = FolderMailer(Path(tmp) / "mail")
            async with case_worker(env.client, settings, sessions, mailer):
                driver = CaseDriver(env, TASK_QUEUE, sessions, mailer.folder, prefix="ASB-REPLAY")
                for journey in JOURNEYS:
                    written += await _write(out, await journey(driver))
                await driver.terminate_open_cases()
        finally:
            await env.shutdown()
            await engine.dispose()
        written += await record_continued(out, Path(tmp))
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HISTORIES, help="folder for the JSON files")
    parser.add_argument("--force", action="store_true", help="overwrite existing histories")
    args = parser.parse_args()
    existing = sorted(args.out.glob("*.json")) if args.out.is_dir() else []
    if existing and not args.force:
        sys.exit(f"{args.out} already holds {len(existing)} histories; use --out or --force")
    args.out.mkdir(parents=True, exist_ok=True)
    for path in asyncio.run(record(args.out)):
        print(f"{path}: {path.stat().st_size // 1024} KB")
    sys.stdout.flush()
    os._exit(0)  # the Temporal client may abort at interpreter exit (docs/design.md)


if __name__ == "__main__":
    main()
