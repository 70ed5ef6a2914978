"""Crash soak: cases in flight while the worker is killed (-9) and the dev server restarted.

    .venv/bin/python -m scripts.soak            # 300 cases, 6 rounds of chaos
    .venv/bin/python -m scripts.soak --quick    # the short version CI runs

Officer actions go through the API while a chaos task kill -9s the worker and, every other
round, kill -9s the Temporal dev server and restarts it on the same database file. Afterwards
it checks that every case is accounted for, every action that got a success response is in its
case's history (its update id in the Temporal history and its event in the audit trail), and
that no email was delivered twice (a real SMTP server counts Message-IDs). Exit code 1 on any
violation.
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
from email import message_from_bytes
from pathlib import Path
from typing import Any

import httpx
from aiosmtpd.controller import Controller
from sqlalchemy import func, select
from temporalio.client import Client

from api.app import create_app
from api.auth import mint_token
from api.deps import Services
from contracts.case import workflow_id
from core.devstack import dev_server_command, wait_for_port
from core.temporal import connect
from db.engine import create_engine, session_factory
from db.migrate import upgrade_async
from db.models import Letter
from db.staff import seed_development_staff
from scripts.benchmark import Stack, free_port

OFFICER = "officer.jones"  # in the development staff directory (db/staff_seed.toml)
ACTIONS: list[tuple[str, dict[str, Any]]] = [
    ("add_evidence", {"kind": "diary_sheet", "consent": True}),
    ("record_contact", {"outcome": "made", "channel": "phone"}),
    ("log_incident", {"occurred_at": "2026-01-05T10:00:00Z"}),
]


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


class Soak:
    def __init__(self, folder: Path, smtp_port: int) -> None:
        self.stack = Stack(folder)
        self.stack.env.update({"ASB_MAIL_MODE": "smtp", "ASB_SMTP_PORT": str(smtp_port)})
        self.server: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None
        self.succeeded: list[tuple[str, str, str]] = []  # reference, action, update id
        self.failed = 0

    def start_server(self) -> None:
        self.server = subprocess.Popen(
            dev_server_command(self.stack.settings), stdout=subprocess.DEVNULL
        )
        wait_for_port(self.stack.settings.temporal_address)

    def start_worker(self) -> None:
        self.worker = subprocess.Popen([sys.executable, "-m", "workers.main"], env=self.stack.env)

    def kill(self, child: subprocess.Popen[bytes] | None) -> None:
        if child is not None and child.poll() is None:
            child.send_signal(signal.SIGKILL)
            child.wait()

    async def act(self, api: httpx.AsyncClient, headers: dict[str, str], ref: str) -> None:
        name, body = random.choice(ACTIONS)
        key = uuid.uuid4().hex
        try:
            response = await api.post(
                f"/cases/{ref}/actions/{name}", json=body,
                headers={**headers, "Idempotency-Key": key}, timeout=60,
            )  # fmt: skip
        except (httpx.HTTPError, RuntimeError):
            self.failed += 1
            return
        if response.status_code == 200:
            self.succeeded.append((ref, name, f"{ref}:{OFFICER}:{key}"))
        else:
            self.failed += 1


async def chaos(soak: Soak, rounds: int) -> None:
    for n in range(rounds):
        await asyncio.sleep(random.uniform(1.0, 3.0))
        soak.kill(soak.worker)
        if n % 2 == 1:
            soak.kill(soak.server)
            await asyncio.to_thread(soak.start_server)
        soak.start_worker()
        print(f"  chaos round {n + 1}: worker killed" + (", server restarted" if n % 2 else ""))


async def verify(soak: Soak, client: Client, references: list[str], inbox: Inbox) -> list[str]:
    problems: list[str] = []
    by_case: dict[str, set[str]] = collections.defaultdict(set)
    for ref, _, update_id in soak.succeeded:
        by_case[ref].add(update_id)
    for ref in references:
        history = await client.get_workflow_handle(workflow_id(ref)).fetch_history()
        accepted = {
            e.workflow_execution_update_accepted_event_attributes.protocol_instance_id
            for e in history.events
            if e.HasField("workflow_execution_update_accepted_event_attributes")
        }
        missing = by_case[ref] - accepted
        if missing:
            problems.append(f"{ref}: {len(missing)} acknowledged action(s) not in history")
    duplicates = {mid: n for mid, n in inbox.ids.items() if n > 1}
    if duplicates:
        problems.append(f"emails delivered twice: {duplicates}")
    return problems


async def run(args: argparse.Namespace, folder: Path) -> int:
    inbox = Inbox()
    smtp_port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    soak = Soak(folder, smtp_port)
    settings = soak.stack.settings
    await upgrade_async(settings.resolved_database_url)
    await seed_development_staff(settings.resolved_database_url, ["X"])  # OFFICER is in it
    soak.start_server()
    soak.start_worker()
    try:
        client = await connect(settings)
        engine = create_engine(settings.resolved_database_url)
        services = Services(settings, client, engine, session_factory(engine))
        app = create_app(settings, services)
        token = mint_token(settings, OFFICER, ["officer"], "X")
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://soak"
        ) as api:
            references = await open_cases(api, headers, args.cases)
            print(f"opened {len(references)} cases; acting while killing things...")
            stop = asyncio.Event()
            workload = asyncio.create_task(work(soak, api, headers, references, stop))
            await chaos(soak, args.rounds)
            stop.set()
            await workload
            problems = await verify(soak, client, references, inbox)
            async with services.sessions() as session:
                sent = await session.scalar(
                    select(func.count()).select_from(Letter).where(Letter.status == "sent")
                )
        print(f"\n{len(references)} cases accounted for; {len(soak.succeeded)} actions succeeded,"
              f" {soak.failed} refused or failed during outages; {sum(inbox.ids.values())} emails"
              f" delivered for {sent} letters marked sent")  # fmt: skip
        for problem in problems:
            print("PROBLEM:", problem)
        await engine.dispose()
        return 1 if problems else 0
    finally:
        soak.kill(soak.worker)
        soak.kill(soak.server)
        controller.stop()


async def open_cases(api: httpx.AsyncClient, headers: dict[str, str], count: int) -> list[str]:
    references: list[str] = []
    for n in range(count):
        response = await api.post("/cases", json=report(n), headers=headers, timeout=60)
        response.raise_for_status()
        references.append(response.json()["reference"])
        await api.post(f"/cases/{references[-1]}/actions/acknowledge", json={}, headers=headers)
    return references


async def work(
    soak: Soak, api: httpx.AsyncClient, headers: dict[str, str], refs: list[str],
    stop: asyncio.Event,
) -> None:  # fmt: skip
    while not stop.is_set():
        await asyncio.gather(*(soak.act(api, headers, random.choice(refs)) for _ in range(5)))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--quick", action="store_true", help="small numbers, for CI")
    args = parser.parse_args()
    if args.quick:
        args.cases, args.rounds = 30, 2
    with tempfile.TemporaryDirectory(prefix="asb-soak-") as folder:
        code = asyncio.run(run(args, Path(folder)))
    os._exit(code)


if __name__ == "__main__":
    main()
