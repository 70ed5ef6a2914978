"""Benchmark of the policy what-if (issue 17): a year of recorded cases replayed under two
policies, from the database, and the seconds it takes.

    python -m scripts.whatif_bench [--cases 5000] [--landlord C] [--policy FILE]

The cases are written straight into ``case_intakes`` and ``case_actions`` in bulk (as
scripts/scale.py builds its rows), each from a realistic journey (scripts/whatif_journeys.py)
kept as the record keeps it: only the actions the domain accepted, at their instants.
The figure printed is the time of services.whatif.run_whatif (load, replay twice, compare).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from core.case_setup import case_setup
from core.policies import load_policy
from db.engine import create_engine, session_factory
from db.migrate import upgrade
from db.models import CaseAction, CaseIntake
from domain import machine
from domain.case import OpenCase, PartyRef
from domain.errors import DomainError
from scripts.whatif_journeys import journey
from services.whatif import load_proposal, run_whatif

DRAFT = Path(__file__).resolve().parent.parent / "docs" / "whatif" / "C-2027-draft.toml"
YEAR = 2025
CATEGORIES = (
    "noise",
    "noise",
    "noise",
    "verbal_abuse",
    "drugs",
    "harassment_intimidation",
    "violence",
)


def _received(rng: random.Random) -> datetime:
    day = date(YEAR, 1, 1) + timedelta(days=rng.randrange(365))
    return datetime(
        day.year, day.month, day.day, rng.randrange(7, 19), rng.randrange(60), tzinfo=UTC
    )


def recorded_rows(
    n: int, landlord: str, seed: int = 17, prefix: str = "WI"
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``n`` cases as the record keeps them: the intake and each accepted action."""
    rng = random.Random(seed)
    policy = load_policy(landlord)
    categories = [c for c in CATEGORIES if c in policy.categories] or [
        next(iter(policy.categories))
    ]
    intakes: list[dict[str, Any]] = []
    actions: list[dict[str, Any]] = []
    for i in range(n):
        received = _received(rng)
        reference = f"{prefix}-{landlord}-{i:06d}"
        setup = case_setup(landlord, received, received)
        opened = OpenCase(
            reference=reference,
            landlord=landlord,
            categories=[rng.choice(categories)],
            channel="phone",
            received_at=received,
            parties=[
                PartyRef(id=f"{reference}-P1", role="complainant", preferred_channel="email"),
                PartyRef(id=f"{reference}-P2", role="alleged_perpetrator"),
            ],
        )
        state, _ = machine.open_case(setup, opened, received)
        intakes.append(
            {
                "reference": reference,
                "landlord": landlord,
                "received_at": received,
                "opened_at": received,
                "policy_version": policy.policy_version,
                "rules_revision": setup.rules_revision,
                "holidays_from": setup.holidays_from,
                "holidays_to": setup.holidays_to,
                "intake": opened.model_dump(mode="json"),
            }
        )
        at = received
        _, steps = journey(policy, received.date(), rng)
        for n_step, (gap, action) in enumerate(steps):
            at += gap
            try:
                machine.check(state, action, at)
            except DomainError:
                continue  # refused: the record keeps only what was applied
            actions.append(
                {
                    "key": f"{reference}:action:{n_step}",
                    "reference": reference,
                    "occurred_at": at,
                    "action": action.type,
                    "payload": action.model_dump(mode="json"),
                }
            )
            state, _ = machine.decide(state, action, at)
    return intakes, actions


async def bench(n: int, landlord: str, proposal: str, file: str, url: str | None) -> None:
    proposed = load_proposal(proposal, file, landlord)
    with tempfile.TemporaryDirectory() as folder:
        url = url or f"sqlite+aiosqlite:///{folder}/whatif.db"
        await asyncio.to_thread(upgrade, url)
        started = time.perf_counter()
        intakes, actions = recorded_rows(n, landlord)
        engine = create_engine(url)
        async with engine.begin() as conn:
            await conn.execute(insert(CaseIntake), intakes)
            for i in range(0, len(actions), 5000):
                await conn.execute(insert(CaseAction), actions[i : i + 5000])
        built = time.perf_counter() - started
        print(f"recorded {len(intakes)} cases, {len(actions)} actions of {YEAR} in {built:.1f} s")
        started, cpu = time.perf_counter(), time.process_time()
        result = await run_whatif(
            session_factory(engine), landlord, date(YEAR, 1, 1), date(YEAR, 12, 31), proposed
        )
        took, cpu = time.perf_counter() - started, time.process_time() - cpu
        await engine.dispose()
    c = result.comparison
    print(
        f"what-if: {c.current.cases} cases of landlord {landlord} under "
        f"{', '.join(result.current_versions)} and {result.proposed_version}: {took:.1f} s "
        f"({cpu:.1f} s of CPU; {len(c.diverged)} cases change outcome)"
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average while it ran: {load} on {os.cpu_count()} cores (shared machine)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--landlord", default="C")
    parser.add_argument("--policy", type=Path, default=DRAFT)
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary folder")
    args = parser.parse_args()
    text = args.policy.read_text(encoding="utf-8")
    asyncio.run(bench(args.cases, args.landlord, text, str(args.policy), args.database_url))


if __name__ == "__main__":
    main()
