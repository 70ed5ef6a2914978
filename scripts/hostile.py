"""Hostile input: schemathesis against the OpenAPI description of the running product.

    .venv/bin/python -m scripts.hostile            # every phase, 50 examples per operation
    .venv/bin/python -m scripts.hostile --quick    # the short version CI runs (fixed seed)

Starts a dev server, the worker and the API (as `make run` does, on free ports and a throwaway
data folder), then lets schemathesis generate requests for every operation with a supervisor's
token: examples, boundary values, random fuzzing and, last, stateful sequences that follow the
OpenAPI links (``api/links.py``) from a case-opening answer into that case's actions. Passes only
if no response is a 5xx and the stateful phase reached real case actions (it prints how many
were recorded, from the audit table).

Issue 22 added hostile generators: schemathesis hooks (``scripts/hostile_hooks.py``) put lone
surrogates and deep nesting into generated bodies and the ends of the calendar into date
queries; and a last pass (``raw_hostile_requests``) sends what a schema cannot describe: JSON
that is not UTF-8 or is nested 100,000 deep, surrogates percent-encoded into queries, paths and
form posts, and what-if uploads (deep TOML, non-UTF-8 files, periods to 9999-12-31 or past the
bank-holiday data) through a supervisor's console session.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import httpx
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
        hooks = {**os.environ, "SCHEMATHESIS_HOOKS": "scripts.hostile_hooks"}
        code = subprocess.run(command, check=False, env=hooks).returncode
        server_errors = raw_hostile_requests(f"http://127.0.0.1:{port}", token)
        for line in server_errors:
            print(f"5xx on a hostile request: {line}", flush=True)
        code = code or (1 if server_errors else 0)
        reached = asyncio.run(case_actions(stack.settings.resolved_database_url))
    finally:
        stack.stop()
    print(f"case actions recorded during the run: {sum(reached.values())} "
          f"({', '.join(f'{a} {n}' for a, n in reached.most_common()) or 'none'})")  # fmt: skip
    if "stateful" in phases and not reached:
        print("the stateful phase reached no case action", flush=True)
        return code or 1
    return code


SURROGATE = "%ED%A0%80"  # the UTF-8-style bytes of U+D800, which no decoder accepts
DEEP_TOML = "a = " + "[" * 20_000 + "]" * 20_000 + "\n"


def raw_hostile_requests(base: str, token: str) -> list[str]:
    """Requests no OpenAPI schema generates; returns each that got a 5xx."""
    failures: list[str] = []
    statuses: Counter[int] = Counter()
    bearer = {"Authorization": f"Bearer {token}"}
    json_type = {"Content-Type": "application/json"}

    def check(response: httpx.Response) -> None:
        statuses[response.status_code] += 1
        if response.status_code >= 500:
            failures.append(
                f"{response.request.method} {response.request.url} -> "
                f"{response.status_code} {response.text[:200]}"
            )

    with httpx.Client(base_url=base, timeout=60) as client:
        public = (
            '{"landlord": "X", "categories": ["noise"], "description": "%s", '
            '"parties": [{"role": "complainant", "anonymous": true}]}'
        )
        for description in ("\\ud800", "a\\udfffb", "\\udbff\\ud800"):
            check(client.post("/public/reports", content=public % description, headers=json_type))
            check(
                client.post(
                    "/cases",
                    content=public.replace('"X",', '"X", "channel": "phone",') % description,
                    headers={**json_type, **bearer},
                )
            )
        check(
            client.post(
                "/public/reports", content=b'{"description": "\xff\xfe"}', headers=json_type
            )
        )
        deep = "[" * 100_000 + "]" * 100_000
        check(client.post("/public/reports", content=deep, headers=json_type))
        for url in (
            f"/cases?q={SURROGATE}",
            f"/cases/ASB-{SURROGATE}",
            f"/cases?cursor={SURROGATE}",
            "/reports/caseload?from=9999-12-31",
            "/reports/caseload?from=0001-01-01&to=9999-12-31",
        ):
            check(client.get(url, headers=bearer))
        form = client.get("/report/X")
        csrf = _csrf(form.text)
        check(
            client.post(
                "/report/X",
                content=f"csrf_token={csrf}&categories=noise&description=x{SURROGATE}&anonymous=on",
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
        )
        failures += _what_if_uploads(client, statuses)
    answers = ", ".join(f"{code} x{n}" for code, n in sorted(statuses.items()))
    print(f"hostile requests outside the schema: {sum(statuses.values())} ({answers})", flush=True)
    return failures


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    return found.group(1) if found else ""


def _what_if_uploads(client: httpx.Client, statuses: Counter[int]) -> list[str]:
    """The console's what-if page, as a supervisor: every file and period is a 4xx."""
    page = client.get("/console/sign-in")
    client.post(
        "/console/sign-in",
        data={
            "user_id": "supervisor.khan",
            "role": "supervisor",
            "landlord": "X",
            "csrf_token": _csrf(page.text),
        },
    )
    csrf = _csrf(client.get("/console/what-if").text)
    failures: list[str] = []
    uploads: list[tuple[dict[str, str], bytes | None]] = [
        ({"from": "2025-01-01", "to": "2025-12-31"}, DEEP_TOML.encode()),
        ({"from": "2025-01-01", "to": "2025-12-31"}, b"code = '\xff\xfe'\n"),
        ({"from": "2025-01-01", "to": "9999-12-31", "version": "X-2021-12.1"}, None),
        ({"from": "2025-01-01", "to": "2040-12-31", "version": "X-2021-12.1"}, None),
        ({"from": "0001-01-01", "to": "0001-01-02", "version": "X-2021-12.1"}, None),
    ]
    for fields, upload in uploads:
        files = {"policy_file": ("draft.toml", upload, "application/toml")} if upload else None
        for url, extra in (
            ("/console/what-if", {}),
            ("/console/what-if/download", {"format": "csv"}),
        ):
            response = client.post(url, data={"csrf_token": csrf, **fields, **extra}, files=files)
            statuses[response.status_code] += 1
            if response.status_code >= 500:
                failures.append(f"POST {url} {fields} -> {response.status_code}")
    return failures


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
