"""One normalised key per named party, for NM01's "the same party" (R25): case and spacing ignored.

The key is computed in the database so reports can group by it. PostgreSQL keeps it in a stored
generated column, ``parties.party_key``, computed when a party is written or changed (migration
0010) by a regular expression over exactly the characters Python treats as whitespace: computed
at read time, that expression cost NM01 most of its time at a million cases. SQLite calls
``party_key`` itself (registered on every connection by db/engine.py).
"""

from __future__ import annotations

import sys
from typing import Any

from sqlalchemy import ColumnElement, String, column, func, table

SQLITE_FUNCTION = "asb_party_key"
# Python's whitespace is never part of a normalised key, so it can separate name from address.
SEPARATOR = "\x1f"
_WHITESPACE = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())


def normalise(text: str | None) -> str:
    return " ".join((text or "").lower().split())


def party_key(name: str | None, address: str | None) -> str:
    return f"{normalise(name)}{SEPARATOR}{normalise(address)}"


# PostgreSQL only: the ORM's Party has no such column, as SQLite's table has none.
STORED_KEY = table("parties", column("party_key", String))


def key_expression(dialect: str, name: Any, address: Any) -> ColumnElement[str]:
    """The key of the ``parties`` row whose columns ``name`` and ``address`` are given."""
    if dialect == "sqlite":
        return getattr(func, SQLITE_FUNCTION)(name, address)
    return STORED_KEY.c.party_key


def generated_key_sql(name: str = "name", address: str = "address") -> str:
    """The stored column's definition: only immutable functions (``||``, not ``concat``), and
    every character as a Unicode escape, so the DDL is plain ASCII."""
    whitespace = _unicode_literal(f"[{_WHITESPACE}]+")

    def normalised(col: str) -> str:
        spaced = f"regexp_replace(coalesce({col}, ''), {whitespace}, ' ', 'g')"
        return f"lower(btrim({spaced}, ' '))"

    return f"{normalised(name)} || {_unicode_literal(SEPARATOR)} || {normalised(address)}"


def _unicode_literal(text: str) -> str:
    escaped = "".join(f"\\+{ord(c):06X}" if ord(c) > 0xFFFF else f"\\{ord(c):04X}" for c in text)
    return f"U&'{escaped}'"
