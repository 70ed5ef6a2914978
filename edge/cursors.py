"""Opaque list cursors: where the last page ended, validated on the way back in."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime

from fastapi import HTTPException, status

from services.oversight import Position

VERSION = 1
MAX_REFERENCE = 64


def encode(position: Position) -> str:
    deadline = position.deadline.isoformat() if position.deadline else None
    raw = json.dumps([VERSION, deadline, position.reference], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(cursor: str) -> Position:
    """The position a cursor stands for; a 422 naming ``cursor`` for anything not ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        version, deadline, reference = json.loads(raw)
        if version != VERSION or not isinstance(reference, str) or not reference.isprintable():
            raise ValueError("unknown cursor")
        if len(reference) > MAX_REFERENCE:
            raise ValueError("reference too long")
        at = None if deadline is None else datetime.fromisoformat(deadline)
        if at is not None and at.tzinfo is None:
            raise ValueError("naive deadline")
        # A forged year-9999 deadline west of UTC overflows when the database compares it.
        at = None if at is None else at.astimezone(UTC)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError, OverflowError):
        raise _bad_cursor() from None
    return Position(at, reference)


def _bad_cursor() -> HTTPException:
    message = "not a cursor this list gave out: pass next_cursor from the previous page, unchanged"
    return HTTPException(
        status.HTTP_422_UNPROCESSABLE_CONTENT,
        [{"loc": ["query", "cursor"], "msg": message, "type": "value_error"}],
    )


def encode_before(before: int) -> str:
    """A cursor for a newest-first list keyed on an id (the access records)."""
    raw = json.dumps([VERSION, "before", before], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_before(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        version, kind, before = json.loads(raw)
        if version != VERSION or kind != "before" or type(before) is not int or before < 1:
            raise ValueError("unknown cursor")
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise _bad_cursor() from None
    return before
