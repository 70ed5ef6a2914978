"""The API, the console, their shared edge and the app factory only translate (issue 23): no
database session is opened there. (Imports of db and sqlalchemy are refused by the import
contracts in pyproject.toml; a session reached through an attribute is not an import, so this
reads the source.)"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TRANSLATORS = ("api", "console", "edge", "web")
_OPENS = re.compile(r"\bsessions\s*\(|\.sessions\b")


def test_no_translator_touches_the_database_sessions() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for package in TRANSLATORS
        for path in sorted((ROOT / package).rglob("*.py"))
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if _OPENS.search(line.split("#", 1)[0])
    ]
    assert found == [], "open sessions in services/ instead:\n" + "\n".join(found)
