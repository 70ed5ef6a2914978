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


def top_level_packages() -> set[str]:
    """The repository's own packages: folders at the top with an __init__.py (not the tests or
    the scripts, which the image does not hold)."""
    return {
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in ("tests", "scripts")
    }


def test_every_package_of_the_repository_is_in_the_wheel_the_image_installs() -> None:
    # The image installs a wheel of the project (Dockerfile), which holds what packages.find
    # includes: a package missing here is missing in production ("No module named ...").
    find = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    included = {pattern.removesuffix("*") for pattern in find["find"]["include"]}
    assert {"domain", "services", "contracts", "api"} <= top_level_packages()
    assert top_level_packages() - included == set()


def test_the_build_context_holds_the_product_and_leaves_out_the_tests_and_tools() -> None:
    from tests.deploy.dockerfile_layout import context_files

    files = {path.relative_to(ROOT).as_posix() for path in context_files(ROOT, ".")}
    assert {f"{package}/__init__.py" for package in top_level_packages()} <= files
    needed = {"pyproject.toml", "README.md", "requirements.runtime.lock", "package-lock.json"}
    assert needed <= files
    assert "db/migrations/env.py" in files and "console/templates/base.html" in files
    kept_out = ("tests/", "scripts/", "docs/", ".git/", ".venv/", "node_modules/", "deploy/")
    assert [f for f in files if f.startswith(kept_out) or "__pycache__" in f] == []
