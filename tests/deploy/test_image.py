"""The image installs the runtime lock: the versions the tests run, without the dev tools."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def pins(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text()
    return {m[1].lower(): m[2] for m in re.finditer(r"^([A-Za-z0-9_.-]+)==(\S+)", text, re.M)}


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=~! ;]", requirement, maxsplit=1)[0].lower()


def test_the_runtime_lock_pins_what_the_tests_run_and_no_dev_tool() -> None:
    runtime, full = pins("requirements.runtime.lock"), pins("requirements.lock")
    assert {name: version for name, version in runtime.items() if full.get(name) != version} == {}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert {_name(r) for r in project["dependencies"]} <= set(runtime)
    dev_tools = {_name(r) for r in project["optional-dependencies"]["dev"]}
    assert dev_tools & set(runtime) == set()
    assert "requirements.runtime.lock" in (ROOT / "Dockerfile").read_text()
