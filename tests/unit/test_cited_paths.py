"""Every file a comment, a docstring or a document cites exists: a moved or deleted file leaves
no stale pointer behind (code, docs/, the README and the policy and profile files' comments)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOP = (
    "|".join(
        ("domain", "contracts", "services", "workflows", "activities", "workers", "api", "db"),
    )
    + "|core|console|scripts|tests|docs|deploy"
)
# A repository path (``domain/policy/profile.py``, ``docs/rules.md``, ``tests/replay/``) not part
# of a longer path, module name or URL (``asb@db/asb`` is a database URL, not a folder).
CITED = re.compile(rf"(?<![\w./@:-])((?:{TOP})/[\w./-]*\w/?)")
# A bare document name (``rules.md``) must be one of ours.
DOCUMENT = re.compile(r"(?<![\w./-])([\w-]+\.md)\b")
# Paths the text tells the reader to create, with why; nothing else is excused.
TO_BE_CREATED = {
    "domain/policies/Z.toml": "the new landlord's file docs/adding-a-landlord.md has you write",
    "tests/replay/histories/2027-01": "the folder a future recording of histories writes",
}
# Documents other branches are writing, already listed in docs/README.md (the lead merges them).
PENDING_DOCUMENTS: set[str] = set()
SKIP_DIRS = {".venv", "node_modules", ".git", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
SUFFIXES = {".py", ".md", ".toml"}


def _cited_files() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*")
        if path.suffix in SUFFIXES
        and path.is_file()
        and not SKIP_DIRS.intersection(path.relative_to(ROOT).parts)
        and path.relative_to(ROOT).parts[0] != "build"
        and path != Path(__file__).resolve()  # its own examples of stale citations
    )


def _documents() -> set[str]:
    return {p.name for p in _cited_files() if p.suffix == ".md"}


def stale_citations() -> list[str]:
    documents = _documents()
    stale: list[str] = []
    for path in _cited_files():
        where = path.relative_to(ROOT)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in CITED.finditer(line):
                cited = match.group(1).rstrip(".")
                if line[match.end() : match.end() + 1] in ("*", "<", "{"):
                    continue  # a pattern (tests/unit/test_machine_*.py), not one file
                if cited.rstrip("/") in TO_BE_CREATED or (ROOT / cited).exists():
                    continue
                if cited.removeprefix("docs/") in PENDING_DOCUMENTS:
                    continue
                stale.append(f"{where}:{number}: {cited}")
            for match in DOCUMENT.finditer(line):
                if match.group(1) not in documents | PENDING_DOCUMENTS:
                    stale.append(f"{where}:{number}: {match.group(1)}")
    return stale


def test_every_cited_path_exists() -> None:
    assert stale_citations() == []


def test_a_stale_citation_is_caught() -> None:
    """The check itself: a path that is gone and a document that is not ours are both named."""
    assert CITED.search("see domain/policy.py for the schema")
    assert not CITED.search("postgresql+asyncpg://asb@db/asb")
    assert DOCUMENT.search("(shared-notes.md)")
    assert "shared-notes.md" not in _documents()
    assert not (ROOT / "domain/policy.py").exists()
