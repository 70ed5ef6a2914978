"""Idempotency-Key, after the IETF draft "The Idempotency-Key HTTP Header Field" (issue 13).

- A key belongs to its caller: a member of staff (landlord and user id) or the public channel
  and the client's address. The same key from another caller is another key.
- The first request's fingerprint is kept with the key: the key again with another request is
  refused (:class:`~services.errors.KeyReused`) and changes nothing.
- While the first request runs, the key again is :class:`~services.errors.KeyInFlight`.
- Once it has succeeded, the key again gets the first response back and acts on nothing: a
  case opened with a key is never opened, restarted or overwritten by it again.
- Keys are hashed with their scope before they are stored or become Temporal update ids.

The store itself is ``db/idempotency.py``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from contracts.view import CaseView
from db import idempotency as store
from services.access import Reader
from services.context import Services
from services.errors import KeyInFlight, KeyReused

__all__ = ["Attempt", "fingerprint", "once", "public_scope", "set_reference", "staff_scope"]


def staff_scope(reader: Reader) -> str:
    return f"staff\n{reader.landlord}\n{reader.user_id}"


def public_scope(client: str) -> str:
    return f"public\n{client}"


def fingerprint(operation: str, body: Any) -> str:
    canonical = json.dumps([operation, body], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class Attempt:
    """What the operation needs to know: the case, whether it is new, the hashed key."""

    reference: str
    fresh: bool
    key_hash: str | None


Operation = Callable[[Attempt], Awaitable[CaseView]]


async def once(
    svc: Services,
    scope: str,
    key: str | None,
    request_fingerprint: str,
    reference: str,
    operation: Operation,
    status_code: int = 200,
) -> CaseView:
    """Run ``operation`` at most once per caller and key (without a key: just run it)."""
    if key is None:
        return await operation(Attempt(reference, True, None))
    hashed = store.key_hash(scope, key)
    now = datetime.now(UTC)
    try:
        claim = await store.claim(
            svc.sessions, hashed, request_fingerprint, reference, now, 2 * svc.wait
        )
    except store.KeyReused:
        raise KeyReused from None
    except store.KeyInFlight:
        raise KeyInFlight from None
    if claim.outcome == "replay":
        return CaseView.model_validate(claim.response)
    attempt = Attempt(claim.reference or reference, claim.outcome == "new", hashed)
    try:
        view = await operation(attempt)
    except BaseException:
        with contextlib.suppress(SQLAlchemyError, OSError):  # else its lease runs out by itself
            await store.abandon(svc.sessions, hashed, datetime.now(UTC))
        raise
    await store.complete(svc.sessions, hashed, status_code, view.model_dump(mode="json"))
    return view


async def set_reference(svc: Services, hashed: str, reference: str) -> None:
    await store.set_reference(svc.sessions, hashed, reference)
