"""Benchmark: Temporal's floor, then the product on the same dev server; worker memory.

    .venv/bin/python -m scripts.benchmark            # full run (figures: docs/performance.md)
    .venv/bin/python -m scripts.benchmark --quick    # the short version CI runs
    .venv/bin/python -m scripts.benchmark --scale 1k,10k,100k,1M --scale-db postgresql
    .venv/bin/python -m scripts.benchmark --storm 500,2000,10000

``--scale`` runs the scale mode instead (scripts/scale.py): the read model filled to each size,
every list and report timed at each (growth curves). ``--storm`` runs the deadline storm instead
(scripts/bench_storm.py): N deadlines due at one instant, the product against its floor.
``--quick`` ends with a small storm and a small scale run.

Prints throughput, p50 and p99 latencies and each figure's ratio to the floor, and the case
worker's resident memory with 1,000 and 5,000 open cases. Targets (issue 7): opening cases at
70% or more of the floor's throughput; an officer action's p99 within 1.5x the floor's update
round trip; under 200 KB of worker memory per open case. It prints figures; it asserts nothing.

The floor and the product are measured in alternating rounds (``--rounds``) and each figure
sums its rounds, so a machine that slows down or speeds up mid-run (a shared VM) weighs on
both sides alike instead of on whichever ran second.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from contextlib import closing
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import httpx
from temporalio.client import Client, WithStartWorkflowOperation
from temporalio.common import WorkflowIDConflictPolicy

from core.devstack import dev_server_command, wait_for_temporal
from core.policies import known_landlords
from core.settings import Settings
from core.temporal import connect
from db.engine import create_engine, session_factory
from db.migrate import upgrade
from db.staff import seed_development_staff
from edge.auth import mint_token
from edge.deps import Services
from scripts import scale
from scripts.bench_floor import FLOOR_QUEUE, FloorWorkflow
from web.app import create_app

OP_TIMEOUT = 60.0
REPORT = {
    "landlord": "X",
    "categories": ["noise"],
    "description": "Benchmark report.",
    "channel": "web",
    "parties": [{"role": "complainant", "name": "Bench Resident", "preferred_channel": "post"}],
}


@dataclass
class Figure:
    name: str
    count: int
    seconds: float
    latencies: list[float]

    @property
    def throughput(self) -> float:
        return self.count / self.seconds

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    def __add__(self, other: Figure) -> Figure:
        return Figure(
            self.name,
            self.count + other.count,
            self.seconds + other.seconds,
            self.latencies + other.latencies,
        )


async def measure(
    name: str, count: int, concurrency: int, op: Callable[[int], Awaitable[Any]]
) -> Figure:
    latencies: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(count):
        queue.put_nowait(n)

    async def runner() -> None:
        while not queue.empty():
            n = queue.get_nowait()
            began = time.perf_counter()
            await asyncio.wait_for(op(n), OP_TIMEOUT)  # a dead worker fails the run, not hangs
            latencies.append(time.perf_counter() - began)

    began = time.perf_counter()
    await asyncio.gather(*(runner() for _ in range(concurrency)))
    return Figure(name, count, time.perf_counter() - began, latencies)


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


class Stack:
    """A dev server, the floor worker and the case worker, each its own process."""

    def __init__(self, folder: Path, database_url: str = "") -> None:
        port = free_port()
        self.settings = Settings(
            data_dir=folder,
            database_url=database_url,
            temporal_address=f"127.0.0.1:{port}",
            temporal_ui_port=free_port(),
            task_queue=f"bench-{uuid.uuid4().hex[:6]}",
        )
        self.env = {
            **os.environ,
            "ASB_DATA_DIR": str(folder),
            "ASB_TEMPORAL_ADDRESS": self.settings.temporal_address,
            "ASB_TASK_QUEUE": self.settings.task_queue,
            "ASB_DATABASE_URL": database_url,
        }
        self.children: list[subprocess.Popen[bytes]] = []

    async def start_server(self) -> None:
        await asyncio.to_thread(upgrade, self.settings.resolved_database_url)
        # Officers the letters can name; a case is given only to someone in the directory.
        await seed_development_staff(self.settings.resolved_database_url, known_landlords())
        command = dev_server_command(self.settings)
        self.children.append(subprocess.Popen(command))  # noqa: ASYNC220 - start-up only
        await asyncio.to_thread(wait_for_temporal, self.settings)

    def start(self, module: str) -> subprocess.Popen[bytes]:
        child = subprocess.Popen([sys.executable, "-m", module], env=self.env)
        self.children.append(child)
        return child

    def stop(self) -> None:
        for child in reversed(self.children):
            child.send_signal(signal.SIGINT)
        for child in reversed(self.children):
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()


async def floor(client: Client, n: int, concurrency: int, updates: int) -> tuple[Figure, Figure]:
    run = uuid.uuid4().hex[:6]  # each round opens workflows of its own

    async def open_one(i: int) -> None:
        start: WithStartWorkflowOperation[Any, Any] = WithStartWorkflowOperation(
            FloorWorkflow.run, id=f"floor-{run}-{i}", task_queue=FLOOR_QUEUE,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        )  # fmt: skip
        await client.execute_update_with_start_workflow(
            FloorWorkflow.go, start_workflow_operation=start
        )

    name = "floor: open (update-with-start + 1 activity)"
    opening = await measure(name, n, concurrency, open_one)
    handle = client.get_workflow_handle(f"floor-{run}-0")
    update = await measure(
        "floor: update round trip (1 activity)", updates, 1,
        lambda _: handle.execute_update(FloorWorkflow.go),
    )  # fmt: skip
    return opening, update


async def product(
    api: httpx.AsyncClient, headers: dict[str, str], n: int, concurrency: int, actions: int
) -> tuple[Figure, Figure, Figure]:
    references: list[str] = []

    async def open_one(_: int) -> None:
        response = await api.post("/cases", json=REPORT, headers=headers)
        response.raise_for_status()
        references.append(response.json()["reference"])

    opening = await measure("product: open a case (API)", n, concurrency, open_one)
    ref = references[0]
    await api.post(f"/cases/{ref}/actions/acknowledge", json={}, headers=headers)
    evidence = {"kind": "diary_sheet", "consent": True}

    async def act(_: int) -> None:
        url = f"/cases/{ref}/actions/add_evidence"
        (await api.post(url, json=evidence, headers=headers)).raise_for_status()

    action = await measure("product: officer action (API)", actions, 1, act)

    async def read(i: int) -> None:
        url = f"/cases/{references[i % len(references)]}"
        (await api.get(url, headers=headers)).raise_for_status()

    reading = await measure("product: read a case (API)", actions, 1, read)
    return opening, action, reading


async def alternate(
    client: Client, api: httpx.AsyncClient, headers: dict[str, str], args: argparse.Namespace
) -> list[Figure]:
    """Floor and product, ``args.rounds`` times; each figure summed over the rounds."""
    totals: list[Figure] = []
    ratios: list[float] = []
    run_floor = partial(floor, client, args.cases, args.concurrency, args.actions)
    run_product = partial(product, api, headers, args.cases, args.concurrency, args.actions)
    for n in range(args.rounds):
        # ABBA: odd rounds run the product first, so neither side always meets a fuller server.
        if n % 2:
            product_figures = await run_product()
            floor_figures = await run_floor()
        else:
            floor_figures = await run_floor()
            product_figures = await run_product()
        measured = [*floor_figures, *product_figures]
        ratios.append(measured[2].throughput / measured[0].throughput)
        totals = [a + b for a, b in zip(totals, measured, strict=True)] if totals else measured
    each = ", ".join(f"{ratio:.0%}" for ratio in ratios)
    print(f"\nopening throughput against the floor, round by round: {each}"
          f" (median {statistics.median(ratios):.0%})")  # fmt: skip
    return totals


async def open_many(api: httpx.AsyncClient, headers: dict[str, str], count: int) -> None:
    async def open_one(_: int) -> None:
        (await api.post("/cases", json=REPORT, headers=headers)).raise_for_status()

    await measure("memory fill", count, 10, open_one)


def row(figure: Figure, floor_figure: Figure | None = None) -> str:
    ratio = ""
    if floor_figure is not None:
        ratio = (
            f"  throughput {figure.throughput / floor_figure.throughput:5.0%} of floor,"
            f" p99 {figure.pct(0.99) / floor_figure.pct(0.99):4.2f}x floor"
        )
    return (
        f"{figure.name:50s} {figure.throughput:7.1f}/s  p50 {figure.pct(0.5):7.1f} ms"
        f"  p99 {figure.pct(0.99):7.1f} ms{ratio}"
    )


async def run(args: argparse.Namespace, folder: Path) -> None:
    stack = Stack(folder, args.database_url)
    try:
        await stack.start_server()
        stack.start("scripts.bench_floor")
        worker = stack.start("workers.main")
        client = await connect(stack.settings)
        engine = create_engine(stack.settings.resolved_database_url)
        services = Services(stack.settings, client, engine, session_factory(engine))
        app = create_app(stack.settings, services)
        token = mint_token(stack.settings, "officer.jones", ["officer"], "X")
        headers = {"Authorization": f"Bearer {token}"}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as api:
            await open_many(api, headers, 1)  # the worker has loaded all it needs for a case
            one_case = rss_kb(worker.pid)
            await product(api, headers, 20, args.concurrency, 5)  # warm up both paths
            await floor(client, 20, args.concurrency, 5)
            figures = await alternate(client, api, headers, args)
            floor_open, floor_update, opening, action, reading = figures
            print(f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, "
                  f"Python {platform.python_version()}, {platform.platform()}")  # fmt: skip
            database = stack.settings.resolved_database_url.split("://")[0]
            print(f"database {database}; {args.rounds} alternating rounds, each of "
                  f"{args.cases} cases at concurrency {args.concurrency} and "
                  f"{args.actions} sequential actions/reads\n")  # fmt: skip
            for figure in (floor_open, floor_update):
                print(row(figure))
            print(row(opening, floor_open))
            print(row(action, floor_update))
            print(row(reading, floor_update))
            opened = 1 + 20 + args.rounds * args.cases
            await memory(api, headers, worker.pid, args.memory, one_case, opened)
        await engine.dispose()
    finally:
        stack.stop()


async def memory(
    api: httpx.AsyncClient,
    headers: dict[str, str],
    pid: int,
    checkpoints: list[int],
    one_case_kb: int,
    opened: int,
) -> None:
    """Resident memory of the case worker as open cases accumulate (each waits on a timer).

    Per open case: the growth since the worker held one case, over the cases opened since."""
    print(f"\nworker memory: {one_case_kb / 1024:.0f} MB RSS with one case open"
          " (the worker caches 1,000 cases; past that, the least recent are evicted)")  # fmt: skip
    for target in (t for t in checkpoints if t > opened):
        await open_many(api, headers, target - opened)
        opened = target
        now = rss_kb(pid)
        print(f"  {target:5d} open cases: {now / 1024:6.0f} MB RSS, "
              f"{(now - one_case_kb) / (target - 1):6.1f} KB per open case")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=200, help="cases opened per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--actions", type=int, default=100, help="actions and reads per round")
    parser.add_argument("--memory", type=lambda s: [int(x) for x in s.split(",")],
                        default=[1000, 5000])  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="small numbers, for CI")
    parser.add_argument(
        "--database-url", default="", help="e.g. postgresql+asyncpg://...; default SQLite"
    )
    parser.add_argument("--scale", type=lambda s: [scale.parse_size(x) for x in s.split(",")],
                        default=[], help="case counts (1k,10k,100k,1M): scale mode")  # fmt: skip
    parser.add_argument("--scale-db", default="sqlite", choices=["sqlite", "postgresql", "both"])
    parser.add_argument("--postgres-admin", default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres",
                        help="scale mode creates and drops its own database there")  # fmt: skip
    parser.add_argument("--storm", type=lambda s: [int(x) for x in s.split(",")], default=[],
                        help="deadline storms of N cases (500,2000,10000): storm mode")  # fmt: skip
    parser.add_argument("--storm-digest-minutes", type=int, default=60,
                        help="ASB_ESCALATION_DIGEST_MINUTES in the storm")  # fmt: skip
    parser.add_argument("--storm-cached", type=int, default=0,
                        help="both workers' ASB_WORKER_CACHED_WORKFLOWS (default N)")  # fmt: skip
    args = parser.parse_args()
    if args.storm:
        run_storm(args)
        os._exit(0)
    if args.scale:
        run_scale(args)
        return
    if args.quick:
        args.cases, args.rounds, args.actions, args.memory = 40, 2, 20, [200]
    with tempfile.TemporaryDirectory(prefix="asb-bench-") as folder:
        asyncio.run(run(args, Path(folder)))
    if args.quick:
        args.storm = [100]
        run_storm(args)
        args.scale = [1_000, 10_000]
        run_scale(args)
    os._exit(0)  # docs/design.md: the SDK may abort at interpreter exit after the work is done


def run_storm(args: argparse.Namespace) -> None:
    from scripts import bench_storm  # it builds on this module's Stack

    with tempfile.TemporaryDirectory(prefix="asb-storm-") as folder:
        stack = Stack(Path(folder), args.database_url)
        stack.env["ASB_ESCALATION_DIGEST_MINUTES"] = str(args.storm_digest_minutes)
        # Both workers keep every case of the storm in memory, unless told otherwise.
        cache = args.storm_cached or max(args.storm) + 100
        stack.env["ASB_WORKER_CACHED_WORKFLOWS"] = str(cache)
        asyncio.run(bench_storm.storms(stack, args.storm, Path(folder)))


def run_scale(args: argparse.Namespace) -> None:
    for database in ["sqlite", "postgresql"] if args.scale_db == "both" else [args.scale_db]:
        asyncio.run(scale.scale(args.scale, database, args.postgres_admin))


if __name__ == "__main__":
    main()
