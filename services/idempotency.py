"""The Idempotency-Key store as the API uses it (issue 13): the statements are the repository
:mod:`db.idempotency`; the API reaches them through this module, so that only services and
activities touch the database."""

from __future__ import annotations

from db.idempotency import (
    Claim,
    KeyInFlight,
    KeyReused,
    abandon,
    claim,
    complete,
    key_hash,
    set_reference,
)

__all__ = [
    "Claim",
    "KeyInFlight",
    "KeyReused",
    "abandon",
    "claim",
    "complete",
    "key_hash",
    "set_reference",
]
