"""The repository stands alone: every rule number code, tests, policies and templates cite is
described in docs/rules.md, and citations point at the project's own docs."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("domain", "contracts", "services", "workflows", "activities", "api", "db", "core")
SOURCES += ("workers", "tests", "scripts", "edge", "web")
SUFFIXES = {".py", ".toml", ".j2", ".md"}
CITATION = re.compile(r"\bR([1-9][0-9]?)\b")


def _files() -> list[Path]:
    found = [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]
    for package in SOURCES:
        found += [p for p in (ROOT / package).rglob("*") if p.suffix in SUFFIXES]
    return found


def test_every_cited_rule_is_described_in_docs_rules() -> None:
    described = set(re.findall(r"^### R(\d+)\. ", (ROOT / "docs/rules.md").read_text(), re.M))
    cited = {n for path in _files() for n in CITATION.findall(path.read_text(errors="ignore"))}
    assert cited, "no rule citations found: the scan is broken"
    assert cited - described == set()


def test_citations_point_at_the_repositorys_own_docs() -> None:
    outside = [
        str(path.relative_to(ROOT))
        for path in _files()
        if (path != Path(__file__) and "asb-rules" in path.read_text(errors="ignore"))
        or (
            path != Path(__file__)
            and path.parent != ROOT / "docs"  # a document's link to its neighbour design.md
            and re.search(r"(?<![/\w])design\.md", path.read_text(errors="ignore"))
        )
    ]
    assert outside == []
