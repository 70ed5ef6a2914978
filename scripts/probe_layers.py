"""Prove the import contracts bite: each probe adds one forbidden import to a copy of the code
and ``lint-imports`` must then fail (``make lint`` runs this after ``lint-imports`` itself).

    .venv/bin/python -m scripts.probe_layers

A probe that passes the linter means a contract no longer guards what it claims to.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
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


def main() -> None:
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp)
        _copy(copy)
        clean = _lint(copy)
        if clean.returncode != 0:
            raise SystemExit(f"the unprobed copy fails lint-imports:\n{clean.stdout}")
        for path, probe in PROBES:
            target = copy / path
            original = target.read_text()
            target.write_text(f"{original}\n{probe}  # probe\n")
            result = _lint(copy)
            target.write_text(original)
            verdict = "refused" if result.returncode != 0 else "ACCEPTED"
            print(f"probe {probe!r} in {path}: {verdict}")
            if result.returncode == 0:
                failures.append(f"{probe} in {path}")
    if failures:
        raise SystemExit(f"import contracts do not guard: {', '.join(failures)}")


if __name__ == "__main__":
    main()
