"""Prove the import contracts bite: each probe adds one forbidden import to a copy of the code
and ``lint-imports`` must then fail (``make lint`` runs this after ``lint-imports`` itself). The
sandbox probes must fail the sandbox's allow-list (scripts/sandbox_imports.py) the same way:
imports no import-linter contract names.

    .venv/bin/python -m scripts.probe_layers

A probe that passes the linter means a contract no longer guards what it claims to.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES: tuple[str, ...] = (
    "domain", "contracts", "services", "workflows", "activities", "workers", "api", "db",
)  # fmt: skip
PACKAGES += ("core", "console", "edge", "web")
# (file to add the import to, the import): every one must break a contract.
PROBES = (
    ("workflows/case.py", "import sqlalchemy"),
    ("workflows/case.py", "import db.models"),
    ("workflows/housekeeping.py", "import db"),
    ("domain/machine.py", "import sqlalchemy"),
    ("domain/machine.py", "import db.repository"),
    ("activities/effects.py", "import web.app"),
    ("activities/effects.py", "import workflows.case"),
    # The API and the console translate; the services own every use case (issue 23).
    ("api/cases.py", "import sqlalchemy"),
    ("api/cases.py", "import db.models"),
    ("console/backend.py", "import db.console_queries"),
    ("console/backend.py", "import sqlalchemy.ext.asyncio"),
    ("console/backend.py", "import api.cases"),
    ("api/cases.py", "import console.backend"),
    ("edge/errors.py", "import sqlalchemy.exc"),
)
# (file, import): each must fail scripts/sandbox_imports.py, which allows only what it names.
SANDBOX_PROBES = (
    ("workflows/case.py", "import jinja2"),
    ("contracts/case.py", "import jinja2"),
    ("domain/machine.py", "import socket"),
    ("domain/calendar.py", "import os"),
    ("domain/policy/parsing.py", "from pathlib import Path"),
    ("workflows/housekeeping.py", "import threading"),
    ("contracts/view.py", "import core.settings"),
)
SANDBOX_CHECK = ROOT / "scripts" / "sandbox_imports.py"


def _copy(into: Path) -> None:
    for package in PACKAGES:
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "migrations")
        shutil.copytree(ROOT / package, into / package, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", into / "pyproject.toml")


def _lint(where: Path) -> subprocess.CompletedProcess[str]:
    lint = Path(sys.executable).with_name("lint-imports")
    env = {**os.environ, "PYTHONPATH": str(where)}
    return subprocess.run(
        [str(lint), "--no-cache"], cwd=where, env=env, capture_output=True, text=True
    )


def _sandbox(where: Path) -> subprocess.CompletedProcess[str]:
    """The allow-list check run as a file, so it imports the copy's packages, not ours."""
    env = {**os.environ, "PYTHONPATH": str(where)}
    return subprocess.run(
        [sys.executable, str(SANDBOX_CHECK)], cwd=where, env=env, capture_output=True, text=True
    )


Check = Callable[[Path], "subprocess.CompletedProcess[str]"]


def _probe(copy: Path, probes: tuple[tuple[str, str], ...], check: Check) -> list[str]:
    """Every probe the check accepts (each one should be refused)."""
    accepted: list[str] = []
    clean = check(copy)
    if clean.returncode != 0:
        raise SystemExit(f"the unprobed copy fails the check:\n{clean.stdout}{clean.stderr}")
    for path, probe in probes:
        target = copy / path
        original = target.read_text()
        target.write_text(f"{original}\n{probe}  # probe\n")
        result = check(copy)
        target.write_text(original)
        verdict = "refused" if result.returncode != 0 else "ACCEPTED"
        print(f"probe {probe!r} in {path}: {verdict}")
        if result.returncode == 0:
            accepted.append(f"{probe} in {path}")
    return accepted


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp)
        _copy(copy)
        failures = _probe(copy, PROBES, _lint) + _probe(copy, SANDBOX_PROBES, _sandbox)
    if failures:
        raise SystemExit(f"import contracts do not guard: {', '.join(failures)}")


if __name__ == "__main__":
    main()
