"""SQL lives only in the repositories under db/ (issue: one action, one place): outside db/,
code may hold a session but never builds a statement."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = (
    "api",
    "console",
    "edge",
    "web",
    "services",
    "activities",
    "workflows",
    "contracts",
    "domain",
    "core",
    "workers",
)
# Session and engine types, and the errors an outage raises (a 503, issue 13) only: no
# select/update/delete/text and no Core expressions.
ALLOWED = {"sqlalchemy.ext.asyncio", "sqlalchemy.exc"}


def _sqlalchemy_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        module = node.module or "" if isinstance(node, ast.ImportFrom) else ""
        if module.startswith("sqlalchemy") and module not in ALLOWED:
            found.append(f"{path.relative_to(ROOT)}: from {node.module} import ...")
        if isinstance(node, ast.Import):
            found += [
                f"{path.relative_to(ROOT)}: import {alias.name}"
                for alias in node.names
                if alias.name.startswith("sqlalchemy") and alias.name not in ALLOWED
            ]
    return found


def test_no_sql_outside_the_repositories() -> None:
    offenders = [
        line
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        for line in _sqlalchemy_imports(path)
    ]
    assert offenders == []
