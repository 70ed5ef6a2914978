"""Crash soak: cases opened and worked while the worker, Temporal and the database fail.

    .venv/bin/python -m scripts.soak            # 6 rounds of chaos, 20 s database outages
    .venv/bin/python -m scripts.soak --quick    # the short version CI runs
    .venv/bin/python -m scripts.soak --sqlite   # no PostgreSQL: no database outage either

Officers open cases and act on them through the API the whole time, each request with its own
Idempotency-Key and retried with that key, as a client should, until it gets an answer that is
not a 5xx. Meanwhile a chaos task kill -9s the worker every round, kill -9s the Temporal dev
server and restarts it on the same file every other round, and on the other rounds cuts the
database off: the soak's own PostgreSQL database (created for the run, dropped after) stops
accepting connections and its sessions are terminated (``ALLOW_CONNECTIONS false``), never the
server others use.

Afterwards it checks that:
- no answer was a 500 (outages are 503s with Retry-After) and every request got an answer;
- every case opened (201) has exactly one report and one ``open_case`` in the audit table;
- every action that got a 2xx appears exactly once in the audit table and exactly once (by its
  update id, the hashed key) in its case's Temporal history;
- no email was delivered twice (a real SMTP server counts Message-IDs).
Exit code 1 on any violation.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import random
import signal
import subprocess
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from email import message_from_bytes
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from aiosmtpd.controller import Controller
from sqlalchemy import func, select
from temporalio.client import Client

from contracts.case import workflow_id
from core.devstack import dev_server_command, wait_for_temporal
from core.temporal import connect
from db.engine import create_engine, session_factory
from db.idempotency import key_hash
from db.migrate import upgrade_async
from db.models import CaseEvent, Letter, LetterStatus, ReportDetails
from db.staff import seed_development_staff
from edge.access import reader
from edge.auth import Principal, mint_token
from edge.deps import Services
from scripts.benchmark import Stack, free_port
from services.idempotency import staff_scope
from web.app import create_app

ACTIONS: list[tuple[str, dict[str, Any]]] = [
    ("add_evidence", {"kind": "diary_sheet", "consent": True}),
    ("record_contact", {"outcome": "made", "channel": "phone"}),
    ("log_incident", {"occurred_at": "2026-01-05T10:00:00Z"}),
]
# In the development staff directory (db/staff_seed.toml): only staff take cases.
OFFICER = Principal(user_id="officer.jones", roles=["officer"], landlord="X")
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
GIVE_UP_AFTER = 600.0  # seconds of 5xx answers before a request counts as never answered


class Inbox:
    """An aiosmtpd handler that counts deliveries per Message-ID."""

    def __init__(self) -> None:
        self.ids: collections.Counter[str] = collections.Counter()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content)
        self.ids[str(message["Message-ID"])] += 1
        return "250 OK"


def report(n: int) -> dict[str, Any]:
    return {
        "landlord": "X", "categories": ["noise"], "channel": "phone",
        "description": f"Soak report {n}.",
        "parties": [{"role": "complainant", "name": f"Resident {n}",
                     "email": f"resident{n}@example.org", "preferred_channel": "email"}],
    }  # fmt: skip


@dataclass
class Tally:
    opened: list[str] = field(default_factory=list)
    opened_during_chaos: int = 0
    acted: list[tuple[str, str, str]] = field(default_factory=list)  # reference, action, key
    refused: int = 0
    retries: int = 0
    server_errors: list[str] = field(default_factory=list)  # 500s: never allowed
    unanswered: int = 0


class Database:
    """The soak's own PostgreSQL database, which it can cut off without touching others'."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.name = f"asb_soak_{uuid.uuid4().hex[:8]}"

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:5432/{self.name}"

    async def _admin(self, *statements: str) -> None:
        admin = await asyncpg.connect(self.admin_url)
        try:
            for statement in statements:
                await admin.execute(statement)
        finally:
            await admin.close()

    async def create(self) -> None:
        await self._admin(f'CREATE DATABASE "{self.name}"')

    async def drop(self) -> None:
        await self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    async def outage(self, seconds: float) -> None:
        await self._admin(
            f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS false',
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{self.name}' AND pid <> pg_backend_pid()",
        )
        try:
            await asyncio.sleep(seconds)
        finally:
            await self._admin(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS true')


class Soak:
    def __init__(self, folder: Path, smtp_port: int, database: Database | None) -> None:
        self.stack = Stack(folder, database.url if database else "")
        self.stack.env.update({"ASB_MAIL_MODE": "smtp", "ASB_SMTP_PORT": str(smtp_port)})
        self.database = database
        self.server: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None
        self.tally = Tally()
        self.api: httpx.AsyncClient
        self.headers: dict[str, str] = {}

    def start_server(self) -> None:
        self.server = subprocess.Popen(
            dev_server_command(self.stack.settings), stdout=subprocess.DEVNULL
        )
        wait_for_temporal(self.stack.settings)

    def start_worker(self) -> None:
        self.worker = subprocess.Popen([sys.executable, "-m", "workers.main"], env=self.stack.env)

    def kill(self, child: subprocess.Popen[bytes] | None) -> None:
        if child is not None and child.poll() is None:
            child.send_signal(signal.SIGKILL)
            child.wait()

    async def send(self, path: str, body: dict[str, Any], key: str) -> httpx.Response | None:
        """POST with one Idempotency-Key until an answer that is not a 5xx (nor 'in flight')."""
        waited = 0.0
        while waited < GIVE_UP_AFTER:
            try:
                response = await self.api.post(
                    path, json=body, headers={**self.headers, "Idempotency-Key": key}, timeout=90
                )
            except Exception as error:  # the app raised: a 500 to a real client
                self.tally.server_errors.append(f"{path}: {type(error).__name__}: {error}")
                response = None
            if response is not None and response.status_code == 500:
                self.tally.server_errors.append(f"{path}: 500 {response.text[:200]}")
            if response is not None and not _retry(response):
                return response
            pause = float(response.headers.get("Retry-After", 1)) if response is not None else 1.0
            self.tally.retries += 1
            await asyncio.sleep(min(pause, 5.0))
            waited += min(pause, 5.0)
        self.tally.unanswered += 1
        return None

    async def open_one(self, n: int, during_chaos: bool = False) -> None:
        response = await self.send("/cases", report(n), f"open-{n}-{uuid.uuid4().hex}")
        if response is None or response.status_code != 201:
            self.tally.refused += response is not None
            return
        reference = response.json()["reference"]
        self.tally.opened.append(reference)
        self.tally.opened_during_chaos += during_chaos
        await self.act(reference, "acknowledge", {})

    async def act(self, reference: str, name: str, body: dict[str, Any]) -> None:
        key = uuid.uuid4().hex
        response = await self.send(f"/cases/{reference}/actions/{name}", body, key)
        if response is not None and response.status_code == 200:
            self.tally.acted.append((reference, name, key))
        elif response is not None:
            self.tally.refused += 1


def _retry(response: httpx.Response) -> bool:
    in_flight = response.status_code == 409 and "still being processed" in response.text
    return response.status_code >= 500 or in_flight


async def chaos(soak: Soak, rounds: int, outage_seconds: float) -> None:
    for n in range(rounds):
        await asyncio.sleep(random.uniform(1.0, 3.0))
        soak.kill(soak.worker)
        what = "worker killed"
        if n % 2 == 1:
            soak.kill(soak.server)
            await asyncio.to_thread(soak.start_server)
            what += ", Temporal server killed and restarted"
        soak.start_worker()
        if n % 2 == 0 and soak.database is not None:
            print(f"  chaos round {n + 1}: {what}; database cut off for {outage_seconds:.0f} s")
            await soak.database.outage(outage_seconds)
            what = "database back"
        print(f"  chaos round {n + 1}: {what}", flush=True)


async def work(soak: Soak, stop: asyncio.Event, lanes: int = 8) -> None:
    """Open new cases and act on opened ones until the chaos ends: ``lanes`` clients, each
    waiting only for its own answers (one stuck behind an outage holds up no other)."""
    numbers = iter(range(1_000_000))

    async def lane() -> None:
        while not stop.is_set():
            if random.random() < 0.5:
                await soak.open_one(next(numbers), during_chaos=True)
            else:
                name, body = random.choice(ACTIONS)
                await soak.act(random.choice(soak.tally.opened), name, body)

    await asyncio.gather(*(lane() for _ in range(lanes)))


async def verify(soak: Soak, client: Client, services: Services, inbox: Inbox) -> list[str]:
    tally = soak.tally
    problems = [f"a 500 answer: {error}" for error in tally.server_errors[:10]]
    if tally.server_errors:
        problems.append(f"{len(tally.server_errors)} answers were 500s")
    if tally.unanswered:
        problems.append(f"{tally.unanswered} requests never got an answer")
    expected: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for reference in tally.opened:
        expected[reference]["open_case"] += 1
    for reference, name, _ in tally.acted:
        expected[reference][name] += 1
    tracked = {"open_case", "acknowledge", *(name for name, _ in ACTIONS)}
    async with services.sessions() as session:
        events = (await session.execute(select(CaseEvent.reference, CaseEvent.action))).all()
        reports = await session.scalar(select(func.count()).select_from(ReportDetails))
    audited: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for reference, action in events:
        if action in tracked:
            audited[reference][action] += 1
    for reference in sorted(set(expected) | set(audited)):
        if expected[reference] != audited[reference]:
            problems.append(
                f"{reference}: audit table {dict(audited[reference])}, "
                f"2xx answers {dict(expected[reference])}"
            )
    if reports != len(tally.opened):
        problems.append(f"{reports} reports recorded for {len(tally.opened)} cases opened")
    problems += await _histories(soak, client)
    duplicates = {mid: n for mid, n in inbox.ids.items() if n > 1}
    if duplicates:
        problems.append(f"emails delivered twice: {duplicates}")
    return problems


async def _histories(soak: Soak, client: Client) -> list[str]:
    """Each 2xx action's update id (the hashed key) is accepted exactly once in its history."""
    problems: list[str] = []
    scope = staff_scope(reader(OFFICER))
    by_case: dict[str, list[str]] = collections.defaultdict(list)
    for reference, _, key in soak.tally.acted:
        by_case[reference].append(f"{reference}:{key_hash(scope, key)}")
    for reference, update_ids in by_case.items():
        history = await client.get_workflow_handle(workflow_id(reference)).fetch_history()
        accepted = collections.Counter(
            e.workflow_execution_update_accepted_event_attributes.protocol_instance_id
            for e in history.events
            if e.HasField("workflow_execution_update_accepted_event_attributes")
        )
        wrong = [update_id for update_id in update_ids if accepted[update_id] != 1]
        if wrong:
            problems.append(f"{reference}: {len(wrong)} 2xx action(s) not exactly once in history")
    return problems


@asynccontextmanager
async def database_for(args: argparse.Namespace) -> AsyncIterator[Database | None]:
    if args.sqlite:
        yield None
        return
    database = Database(args.postgres)
    await database.create()
    try:
        yield database
    finally:
        await database.drop()


async def run(args: argparse.Namespace, folder: Path) -> int:
    inbox = Inbox()
    smtp_port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    async with database_for(args) as database:
        soak = Soak(folder, smtp_port, database)
        try:
            return await _soak(soak, args, inbox)
        finally:
            soak.kill(soak.worker)
            soak.kill(soak.server)
            controller.stop()


async def _soak(soak: Soak, args: argparse.Namespace, inbox: Inbox) -> int:
    settings = soak.stack.settings
    await upgrade_async(settings.resolved_database_url)
    await seed_development_staff(settings.resolved_database_url, ["X"])  # OFFICER is in it
    soak.start_server()
    soak.start_worker()
    client = await connect(settings)
    engine = create_engine(settings.resolved_database_url)
    # A short wait: an action stuck behind an outage answers 503 sooner, and the client retries.
    services = Services(settings, client, engine, session_factory(engine), timedelta(seconds=10))
    token = mint_token(settings, OFFICER.user_id, OFFICER.roles, OFFICER.landlord)
    soak.headers = {"Authorization": f"Bearer {token}"}
    transport = httpx.ASGITransport(app=create_app(settings, services))
    async with httpx.AsyncClient(transport=transport, base_url="http://soak") as soak.api:
        await asyncio.gather(*(soak.open_one(-n) for n in range(1, args.cases + 1)))
        print(f"opened {len(soak.tally.opened)} cases; opening more and acting on them "
              "while killing things...", flush=True)  # fmt: skip
        stop = asyncio.Event()
        workload = asyncio.create_task(work(soak, stop))
        await chaos(soak, args.rounds, args.outage_seconds)
        stop.set()
        await workload
        problems = await verify(soak, client, services, inbox)
        async with services.sessions() as session:
            sent = await session.scalar(
                select(func.count()).select_from(Letter).where(Letter.status == LetterStatus.SENT)
            )
    await engine.dispose()
    tally = soak.tally
    print(f"\n{len(tally.opened)} cases opened ({tally.opened_during_chaos} during the chaos), "
          f"{len(tally.acted)} actions succeeded "
          f"(each retried with its key through {tally.retries} 5xx or in-flight answers), "
          f"{tally.refused} refused; {sum(inbox.ids.values())} emails delivered for {sent} "
          f"letters marked sent")  # fmt: skip
    for problem in problems:
        print("PROBLEM:", problem)
    print("soak: " + ("no loss, no duplicate, no 500" if not problems else "FAILED"), flush=True)
    return 1 if problems else 0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=30, help="cases opened before the chaos")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--outage-seconds", type=float, default=20.0)
    parser.add_argument("--postgres", default=ADMIN_URL, help="server to create the soak's DB on")
    parser.add_argument("--sqlite", action="store_true", help="no PostgreSQL, no DB outage")
    parser.add_argument("--quick", action="store_true", help="small numbers, for CI")
    args = parser.parse_args()
    if args.quick:
        args.cases, args.rounds, args.outage_seconds = 10, 2, 5.0
    with tempfile.TemporaryDirectory(prefix="asb-soak-") as folder:
        code = asyncio.run(run(args, Path(folder)))
    os._exit(code)


if __name__ == "__main__":
    main()
