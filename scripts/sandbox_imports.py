"""The workflow sandbox as an allow-list: what ``workflows/``, ``contracts/`` and ``domain/`` may
import, checked on the import graph (grimp, as import-linter builds it). ``make lint`` runs it.

    .venv/bin/python -m scripts.sandbox_imports

These packages run inside Temporal's workflow sandbox (workers/build.py passes ``domain`` and
``contracts`` through it): a workflow must replay the same way from its history, so none of them
may reach a socket, a file, the clock, a thread or a subprocess, directly or through a library.
A deny-list only names what someone thought of; here anything not named below fails, including
an import made inside a function or under ``TYPE_CHECKING``. Our own packages count as allowed
only when they are themselves checked here, so an import of ``core`` or ``db`` fails too.

Exit status 1, naming each importing module, when anything else is imported.
"""

from __future__ import annotations

import sys

import grimp

# Pure standard library: computation on values in memory. Deliberately absent (so they fail):
# os, io, pathlib, shutil, tempfile, socket, ssl, select, subprocess, threading, multiprocessing,
# concurrent, urllib, http, email, smtplib, logging, time, random, secrets, uuid, importlib,
# sys, pickle, shelve, sqlite3, ctypes, signal.
PURE_STDLIB = frozenset(
    {
        "__future__", "abc", "bisect", "calendar", "collections", "contextlib", "copy",
        "dataclasses", "datetime", "decimal", "enum", "fractions", "functools", "heapq",
        "itertools", "math", "numbers", "operator", "re", "statistics", "string", "textwrap",
        "tomllib", "types", "typing", "unicodedata",
        # Time-zone rules, read once per zone from the packaged tz database and cached; the
        # sandbox proxies it unless the domain is passed through (domain/calendar.py).
        "zoneinfo",
    }
)  # fmt: skip
# Pydantic and what it needs to validate models.
PYDANTIC = frozenset({"pydantic", "pydantic_core", "annotated_types", "typing_extensions"})
# Package -> what it may import besides its own modules and the packages checked before it.
ALLOWED: dict[str, frozenset[str]] = {
    "domain": PURE_STDLIB | PYDANTIC,
    # Search-attribute keys and the workflow contract's names are temporalio types.
    "contracts": PURE_STDLIB | PYDANTIC | {"temporalio"},
    # asyncio for the workflow's own event loop, which the SDK makes deterministic.
    "workflows": PURE_STDLIB | PYDANTIC | {"temporalio", "asyncio"},
}
# Our packages each checked package may use (the layers: workflows -> contracts -> domain).
OWN: dict[str, frozenset[str]] = {
    "domain": frozenset({"domain"}),
    "contracts": frozenset({"contracts", "domain"}),
    "workflows": frozenset({"workflows", "contracts", "domain"}),
}


def violations() -> list[str]:
    """``importer imports imported`` for every import outside the allow-list, sorted."""
    graph = grimp.build_graph(*ALLOWED, include_external_packages=True, cache_dir=None)
    found: list[str] = []
    for module in sorted(graph.modules):
        package = module.split(".")[0]
        if package not in ALLOWED:
            continue
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            top = imported.split(".")[0]
            if top not in ALLOWED[package] | OWN[package]:
                found.append(f"{module} imports {imported}")
    return found


def main() -> None:
    found = violations()
    for line in found:
        print(line)
    if found:
        sys.exit(
            f"{len(found)} import(s) outside the workflow sandbox's allow-list "
            "(scripts/sandbox_imports.py, ALLOWED)"
        )
    print(f"sandbox imports: {', '.join(ALLOWED)} import only what the allow-list names")


if __name__ == "__main__":
    main()
