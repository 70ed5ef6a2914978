"""The workflow sandbox is an allow-list (scripts/sandbox_imports.py): workflows/, contracts/ and
domain/ import the pure standard library, pydantic and temporalio only, and anything else fails."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.sandbox_imports import violations

ROOT = Path(__file__).resolve().parents[2]
CHECK = ROOT / "scripts" / "sandbox_imports.py"


def test_the_sandboxed_packages_import_only_what_the_allow_list_names() -> None:
    assert violations() == []


@pytest.mark.parametrize(
    ("path", "probe", "named"),
    [
        ("workflows/case.py", "import jinja2", "workflows.case imports jinja2"),
        ("contracts/case.py", "import jinja2", "contracts.case imports jinja2"),
        ("domain/machine.py", "import socket", "domain.machine imports socket"),
        # Inside a function, where a deny-list reading only module headers would miss it.
        ("domain/triage.py", "def _f() -> None:\n    import urllib.request", "urllib"),
        ("domain/case.py", "import core.policies", "domain.case imports core"),
    ],
)
def test_an_import_outside_it_fails_naming_the_module(
    tmp_path: Path, path: str, probe: str, named: str
) -> None:
    for package in ("domain", "contracts", "workflows"):
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    target = tmp_path / path
    target.write_text(f"{target.read_text()}\n{probe}\n")
    result = subprocess.run(
        [sys.executable, str(CHECK)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert named in result.stdout
