"""Scale mode of the benchmark: the read model filled to 1k ... 1M cases, every list and report
timed through the HTTP API at each size (growth curves).

    .venv/bin/python -m scripts.benchmark --scale 1k,10k,100k --scale-db sqlite
    .venv/bin/python -m scripts.benchmark --scale 1k,10k,100k,1M --scale-db postgresql

The record is filled fast by bulk insert of realistic rows (six years of reports over five
landlords, most closed, repeat reports about the same people, escalations, survey answers), not
by running workflows: the lists and reports read only these tables. PostgreSQL runs in a
database created for the run and dropped after it. Lists are timed at random depths (any
position is a valid keyset cursor); reports for the last 1 and 12 months.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import httpx
from sqlalchemy import text
from temporalio.client import Client

from core.settings import Settings
from db.engine import create_engine, session_factory
from db.migrate import upgrade
from db.queries import CaseFilter, Position, list_cases
from domain import case as domain_case
from edge import cursors
from edge.auth import mint_token
from edge.deps import Services
from scripts.scale_console import console_figures
from web.app import create_app

LANDLORDS = ["B", "C", "P", "X", "Y"]
MEASURED = "X"
NOW = datetime.now(UTC).replace(microsecond=0)
YEARS = 6
OPEN_STAGES = sorted(stage.value for stage in domain_case.OPEN_STAGES)
# Clocks as the engine records them (domain.case.Clock; the database refuses any other).
CLOCKS = ["first_contact", "risk_review", "next_contact", "resolution_target", "closure_review"]
LISTS: dict[str, dict[str, Any]] = {
    "all": {},
    "stage": {"stage": domain_case.Stage.INVESTIGATION.value},
    "officer": {"officer": "officer.x07"},
    "overdue": {"overdue": "true"},
    "escalated": {"escalated": "true"},
    "due soon (7 days)": {"due_within_days": 7},
    "open only": {"open_only": "true"},
}
SAMPLES = 100
COLUMNS = {
    "cases": ["reference", "landlord", "policy_version", "stage", "tier", "categories", "channel",
              "officer_id", "hate_incident", "domestic_abuse", "anonymous", "escalated",
              "received_at", "opened_at", "next_deadline_at", "closed_at", "closure_reason",
              "linked_reference", "awaiting", "first_contact_due_at", "first_contact_met_at",
              "updated_at", "anonymised_at"],
    "parties": ["id", "reference", "role", "name", "address", "email", "phone",
                "preferred_channel", "confidential", "anonymous"],
    "escalations": ["key", "reference", "landlord", "reason", "clock", "due_at",
                    "breached_by_seconds", "level", "summary", "officer_id", "raised_at",
                    "resolved_at"],
    "case_events": ["key", "reference", "occurred_at", "actor", "action", "summary", "data"],
}  # fmt: skip


def parse_size(text_: str) -> int:
    text_ = text_.strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(text_[-1:], 1)
    return int(float(text_.rstrip("km")) * scale)


def rows_for(n: int, rng: random.Random) -> dict[str, list[tuple[Any, ...]]]:
    """One case's rows in every table: the case, its parties, escalations and audit events."""
    landlord = LANDLORDS[n % len(LANDLORDS)]
    reference = f"ASB-S{n:08d}"
    received = NOW - timedelta(seconds=rng.randrange(YEARS * 365 * 86400))
    age = (NOW - received).days
    closed = None
    if rng.random() < (0.97 if age > 120 else 0.4):
        closed = min(NOW, received + timedelta(days=rng.expovariate(1 / 60), hours=rng.random()))
    officer = f"officer.{landlord.lower()}{rng.randrange(40):02d}"
    deadline = None if closed else NOW + timedelta(hours=rng.randrange(-30 * 24, 60 * 24))
    due = received + timedelta(days=rng.choice([1, 2, 3, 5]))
    met = due + timedelta(hours=rng.randrange(-60, 24)) if rng.random() < 0.9 else None
    escalated = closed is None and rng.random() < 0.1
    case = (reference, landlord, "2026-11", "finished" if closed else rng.choice(OPEN_STAGES),
            rng.choice(["standard", "standard", "high", "emergency"]), ["noise"], "phone",
            officer, rng.random() < 0.05, rng.random() < 0.03, False, escalated, received,
            received, deadline, closed, "resolved" if closed else None, None,
            "closure_approval" if closed is None and rng.random() < 0.02 else "",
            due, met, closed or received, None)  # fmt: skip
    person = rng.randrange(max(1, n // 25))  # about one case in 25 is about someone known
    parties = [
        (f"{reference}-P1", reference, "complainant", f"Resident {n}", f"{n} Any Street", None,
         None, "post", False, False),
        (f"{reference}-P2", reference, "alleged_perpetrator", f"Person {person}",
         f"{person} Other Road", None, None, "post", False, False),
    ]  # fmt: skip
    escalations = [
        (f"{reference}-E{e}", reference, landlord, "deadline_missed", rng.choice(CLOCKS),
         received + timedelta(days=e + 2), 3600, 1, "missed", officer,
         received + timedelta(days=e + 3), None)
        for e in range(rng.choice([0, 0, 0, 1, 2]))
    ]  # fmt: skip
    events: list[tuple[Any, ...]] = [
        (f"{reference}-open", reference, received, officer, "open_case", "opened", {})
    ]
    if closed and rng.random() < 0.5:
        answer = {"score": rng.randint(1, 5)}
        events.append((f"{reference}-survey", reference, closed + timedelta(days=3), "resident",
                       "record_survey_response", "survey", answer))  # fmt: skip
    return {"cases": [case], "parties": parties, "escalations": escalations, "case_events": events}


def batches(start: int, stop: int, rng: random.Random) -> Iterator[dict[str, list[Any]]]:
    batch: dict[str, list[Any]] = {table: [] for table in COLUMNS}
    for n in range(start, stop):
        for table, rows in rows_for(n, rng).items():
            batch[table] += rows
        if len(batch["cases"]) >= 20_000:
            yield batch
            batch = {table: [] for table in COLUMNS}
    if batch["cases"]:
        yield batch


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, list | dict):
        return json.dumps(value)
    return value


def fill_sqlite(path: str, start: int, stop: int, rng: random.Random) -> None:
    with sqlite3.connect(path) as db:
        for batch in batches(start, stop, rng):
            for table, rows in batch.items():
                columns = COLUMNS[table]
                marks = ",".join("?" * len(columns))
                db.executemany(
                    f"INSERT INTO {table} ({','.join(columns)}) VALUES ({marks})",
                    [tuple(_sqlite_value(v) for v in row) for row in rows],
                )
        db.execute("ANALYZE")


async def fill_postgres(url: str, start: int, stop: int, rng: random.Random) -> None:
    import asyncpg

    db = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        for batch in batches(start, stop, rng):
            for table, rows in batch.items():
                records = [
                    tuple(json.dumps(v) if isinstance(v, list | dict) else v for v in row)
                    for row in rows
                ]
                await db.copy_records_to_table(table, records=records, columns=COLUMNS[table])
        await db.execute("VACUUM ANALYZE")
    finally:
        await db.close()


def p99(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000


async def measure(
    api: httpx.AsyncClient, headers: dict[str, str], url: str, services: Services, size: int
) -> dict[str, str]:
    """Each list at random depths, p50/p99 of a 50-case page through the API and p99 of its
    queries alone; the count of a list's matches (?count=true) once; each report's median of
    three; in ms."""
    figures: dict[str, str] = {}
    positions = await _positions(url, size)
    await api.get("/cases", headers=headers)  # warm: imports, statement caches, pool
    for name, params in LISTS.items():
        latencies, in_db = [], []
        for n in range(SAMPLES):
            query = {**params, "limit": 50}
            after = positions[n % len(positions)] if n % 4 else None  # three in four are deep
            if after is not None:
                query["cursor"] = cursors.encode(after)
            began = time.perf_counter()
            response = await api.get("/cases", params=query, headers=headers)
            latencies.append(time.perf_counter() - began)
            response.raise_for_status()
            in_db.append(await _queries_alone(services, params, after))
        began = time.perf_counter()
        counted = await api.get("/cases", params={**params, "limit": 1, "count": "true"},
                                headers=headers)  # fmt: skip
        counting = (time.perf_counter() - began) * 1000
        counted.raise_for_status()
        api_ms = f"{statistics.median(latencies) * 1000:.0f}/{p99(latencies):.0f}"
        figures[f"list {name}"] = f"{api_ms}|{p99(in_db):.0f}|{counting:.0f}"
    for path in ("/escalations", "/approvals"):
        began = time.perf_counter()
        (await api.get(path, headers=headers)).raise_for_status()
        figures[path] = f"{(time.perf_counter() - began) * 1000:.0f}"
    for months in (1, 12):
        params = {"from": (NOW - timedelta(days=30 * months)).date().isoformat(),
                  "to": NOW.date().isoformat(), "homes": 60000}  # fmt: skip
        took, cpu = [], []
        for _ in range(3):
            began, began_cpu = time.perf_counter(), time.process_time()
            (await api.get("/reports", params=params, headers=headers)).raise_for_status()
            took.append(time.perf_counter() - began)
            cpu.append(time.process_time() - began_cpu)
        # CPU of this process: all of SQLite's work (in process), only the client's for PostgreSQL.
        wall, mine = statistics.median(took) * 1000, statistics.median(cpu) * 1000
        figures[f"reports {months} mo"] = f"{wall:.0f} (cpu {mine:.0f})"
    figures["load avg"] = f"{os.getloadavg()[0]:.1f}"  # a shared machine: slow rows say so
    return figures


async def _queries_alone(
    services: Services, params: dict[str, Any], after: Position | None
) -> float:
    f = CaseFilter(
        MEASURED,
        stage=params.get("stage"),
        officer_id=params.get("officer"),
        overdue=True if params.get("overdue") else None,
        escalated=True if params.get("escalated") else None,
        due_within=timedelta(days=params["due_within_days"])
        if "due_within_days" in params
        else None,
        open_only=bool(params.get("open_only")),
    )
    now = datetime.now(UTC)
    began = time.perf_counter()
    async with services.sessions() as session:
        await list_cases(session, f, now, 50, after)
    return time.perf_counter() - began


async def _positions(url: str, size: int) -> list[Position]:
    """Where pages start: cases with a deadline and without, from random places in the list."""
    engine = create_engine(url)
    found: list[Position] = []
    async with engine.connect() as conn:
        for dated in (True, False) * 4:
            query = text(
                "SELECT next_deadline_at, reference FROM cases WHERE landlord = :l AND "
                f"next_deadline_at IS {'NOT ' if dated else ''}NULL AND reference >= :r "
                "ORDER BY reference LIMIT 5"
            )
            start = f"ASB-S{random.randrange(size):08d}"
            found += [
                Position(_aware(d), r)
                for d, r in await conn.execute(query, {"l": MEASURED, "r": start})
            ]
    await engine.dispose()
    return found or [Position(None, "ASB-S")]


def _aware(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value.replace(tzinfo=value.tzinfo or UTC) if value else None
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


async def scale(sizes: list[int], database: str, admin_url: str) -> None:
    rng = random.Random(15)
    with tempfile.TemporaryDirectory(prefix="asb-scale-") as folder:
        name = f"asb_scale_{uuid.uuid4().hex[:8]}"
        if database == "sqlite":
            path = str(Path(folder) / "scale.db")
            url = f"sqlite+aiosqlite:///{path}"
        else:
            url = admin_url.rsplit("/", 1)[0] + f"/{name}"
            await _admin(admin_url, f'CREATE DATABASE "{name}"')
        try:
            await asyncio.to_thread(upgrade, url)
            await _curves(sizes, database, url, path if database == "sqlite" else "", rng, folder)
        finally:
            if database != "sqlite":
                await _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _curves(
    sizes: list[int], database: str, url: str, path: str, rng: random.Random, folder: str
) -> None:
    settings = Settings(data_dir=Path(folder), database_url=url)
    engine = create_engine(url)
    # Lists and reports use no Temporal client: none is connected.
    services = Services(settings, cast(Client, None), engine, session_factory(engine))
    token = mint_token(settings, "bench.supervisor", ["supervisor"], MEASURED)
    headers = {"Authorization": f"Bearer {token}"}
    transport = httpx.ASGITransport(app=create_app(settings, services))
    filled = 0
    print(f"\nscale mode, {database}: lists 'API p50/p99|queries p99|with ?count=true' ms "
          "(50 per page, random depths); console ('con') pages p50/p99 ms; others ms; "
          "landlord X: a fifth of the cases")  # fmt: skip
    header_printed = False
    async with httpx.AsyncClient(transport=transport, base_url="http://scale") as api:
        for size in sizes:
            began = time.perf_counter()
            if database == "sqlite":
                await asyncio.to_thread(fill_sqlite, path, filled, size, rng)
            else:
                await fill_postgres(url, filled, size, rng)
            fill_s = time.perf_counter() - began
            filled = size
            figures = await measure(api, headers, url, services, size)
            load = figures.pop("load avg")
            figures |= await console_figures(transport, size)
            figures["load avg"] = load
            if not header_printed:
                print(f"{'cases':>9} {'fill s':>7} " + " ".join(f"{k:>14}" for k in figures))
                header_printed = True
            print(f"{size:>9} {fill_s:>7.1f} " + " ".join(f"{v:>14}" for v in figures.values()),
                  flush=True)  # fmt: skip
    await engine.dispose()


async def _admin(admin_url: str, statement: str) -> None:
    import asyncpg

    admin = await asyncpg.connect(admin_url.replace("+asyncpg", ""))
    try:
        await admin.execute(statement)
    finally:
        await admin.close()
