"""Hostile input: schemathesis against the OpenAPI description of the running product.

    .venv/bin/python -m scripts.hostile            # every phase, 50 examples per operation
    .venv/bin/python -m scripts.hostile --quick    # the short version CI runs (fixed seed)

Starts a dev server, the worker and the API (as `make run` does, on free ports and a throwaway
data folder), then lets schemathesis generate requests for every operation with a supervisor's
token: examples, boundary values, random fuzzing and, last, stateful sequences that follow the
OpenAPI links (``api/links.py``) from a case-opening answer into that case's actions. Passes only
if no response is a 5xx and the stateful phase reached real case actions (it prints how many
were recorded, from the audit table).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from core.devstack import dev_server_command, wait_for_port, wait_for_temporal
from db.engine import create_engine, session_factory
from db.migrate import upgrade
from db.models import CaseEvent
from db.staff import seed_development_staff
from edge.auth import mint_token
from scripts.benchmark import Stack, free_port

QUICK_SEED = 20261122
ALL_PHASES = "examples,coverage,fuzzing,stateful"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--examples", type=int, default=50)
    parser.add_argument("--phases", default=ALL_PHASES, help=f"default: {ALL_PHASES}")
    parser.add_argument("--quick", action="store_true", help="small numbers, for CI")
    args = parser.parse_args()
    examples = 3 if args.quick else args.examples
    scenarios = 30 if args.quick else 10 * args.examples
    # CI's short run is reproducible (a fixed seed) and skips the long boundary-value phase;
    # the full run explores new inputs each time.
    extra = ["--seed", str(QUICK_SEED)] if args.quick else []
    phases = "examples,fuzzing,stateful" if args.quick else args.phases
    with tempfile.TemporaryDirectory(prefix="asb-hostile-") as folder:
        code = run(Path(folder), examples, scenarios, phases, extra)
    verdict = "no 5xx response" if code == 0 else f"failed (exit code {code})"
    print(f"hostile input: {verdict}", flush=True)
    os._exit(code)


def run(folder: Path, examples: int, scenarios: int, phases: str, extra: list[str]) -> int:
    stack = Stack(folder)
    port = free_port()
    stack.env.update({"ASB_API_PORT": str(port), "ASB_INTAKE_PER_MINUTE": "100000"})
    upgrade(stack.settings.resolved_database_url)
    asyncio.run(seed_development_staff(stack.settings.resolved_database_url, ["X"]))
    try:
        stack.children.append(
            subprocess.Popen(
                dev_server_command(stack.settings),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        wait_for_temporal(stack.settings)
        stack.start("workers.main")
        stack.children.append(
            subprocess.Popen([sys.executable, "-m", "web.main"], env=stack.env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        )  # fmt: skip
        wait_for_port(f"127.0.0.1:{port}")
        token = mint_token(stack.settings, "supervisor.khan", ["supervisor", "officer"], "X")
        config = folder / "schemathesis.toml"
        config.write_text(
            # Longer sequences and more of them: opening a case, then acting on it in turn.
            f"[phases.stateful]\nmax-steps = 12\n"
            f"[phases.stateful.generation]\nmax-examples = {scenarios}\n"
        )
        command = [
            str(Path(sys.executable).parent / "schemathesis"), "--config-file", str(config),
            "run",
            f"http://127.0.0.1:{port}/openapi.json",
            "--checks", "not_a_server_error",
            "--header", f"Authorization: Bearer {token}",
            "--phases", phases,
            "--max-examples", str(examples),
            "--request-timeout", "60",
            "--workers", "2",
            "--suppress-health-check", "all",
            *extra,
        ]  # fmt: skip
        code = subprocess.run(command, check=False).returncode
        reached = asyncio.run(case_actions(stack.settings.resolved_database_url))
    finally:
        stack.stop()
    print(f"case actions recorded during the run: {sum(reached.values())} "
          f"({', '.join(f'{a} {n}' for a, n in reached.most_common()) or 'none'})")  # fmt: skip
    if "stateful" in phases and not reached:
        print("the stateful phase reached no case action", flush=True)
        return code or 1
    return code


async def case_actions(database_url: str) -> Counter[str]:
    """Officer actions the audit trail recorded (opening a case is not an action)."""
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session:
            actions = (await session.execute(select(CaseEvent.action))).scalars().all()
    finally:
        await engine.dispose()
    return Counter(action for action in actions if action != "open_case")


if __name__ == "__main__":
    main()
