"""One normalised key per named party, for NM01's "the same party" (R25): case and spacing ignored.

The key is computed in the database so reports can group by it. PostgreSQL builds it with a
regular expression over exactly the characters Python treats as whitespace; SQLite calls
``party_key`` itself (registered on every connection by db/engine.py).
"""

from __future__ import annotations

import sys
from typing import Any

from sqlalchemy import ColumnElement, func, literal

SQLITE_FUNCTION = "asb_party_key"
# Python's whitespace is never part of a normalised key, so it can separate name from address.
SEPARATOR = "\x1f"
_WHITESPACE = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())


def normalise(text: str | None) -> str:
    return " ".join((text or "").lower().split())


def party_key(name: str | None, address: str | None) -> str:
    return f"{normalise(name)}{SEPARATOR}{normalise(address)}"


def key_expression(dialect: str, name: Any, address: Any) -> ColumnElement[str]:
    if dialect == "sqlite":
        return getattr(func, SQLITE_FUNCTION)(name, address)
    return func.concat(_pg_normalise(name), literal(SEPARATOR), _pg_normalise(address))


def _pg_normalise(column: Any) -> ColumnElement[str]:
    spaced = func.regexp_replace(func.coalesce(column, ""), f"[{_WHITESPACE}]+", " ", "g")
    return func.lower(func.btrim(spaced, " "))
