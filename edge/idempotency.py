"""Idempotency-Key on the API, after the IETF draft "The Idempotency-Key HTTP Header Field".

- A key belongs to its caller: a member of staff (landlord and user id) or the public channel
  and the client's address. The same key from another caller is another key.
- The first request's fingerprint is kept with the key: the key again with another request is
  a 422 naming the header, and changes nothing.
- While the first request runs, the key again is a 409 (retry later).
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

from fastapi import Header, HTTPException, status
from sqlalchemy.exc import SQLAlchemyError

from contracts.view import CaseView
from edge.auth import Principal
from edge.deps import Services
from services import idempotency

KEY_HEADER = "Idempotency-Key"
KeyHeader = Header(
    None,
    alias=KEY_HEADER,
    min_length=1,
    max_length=200,
    description="Makes a retried request safe: the same key and request act once and get the "
    "first answer again; the same key with another request is refused (422).",
)


def staff_scope(principal: Principal) -> str:
    return f"staff\n{principal.landlord}\n{principal.user_id}"


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
    status_code: int = status.HTTP_200_OK,
) -> CaseView:
    """Run ``operation`` at most once per caller and key (without a key: just run it)."""
    if key is None:
        return await operation(Attempt(reference, True, None))
    hashed = idempotency.key_hash(scope, key)
    now = datetime.now(UTC)
    try:
        claim = await idempotency.claim(
            svc.sessions, hashed, request_fingerprint, reference, now, 2 * svc.wait
        )
    except idempotency.KeyReused:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            [{"loc": ["header", KEY_HEADER], "type": "value_error",
              "msg": "this Idempotency-Key was used before with a different request; "
              "use a new key for a new request"}],
        ) from None  # fmt: skip
    except idempotency.KeyInFlight:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            {"reason": "A request with this Idempotency-Key is still being processed; "
             "retry it shortly."},
            headers={"Retry-After": "1"},
        ) from None  # fmt: skip
    if claim.outcome == "replay":
        return CaseView.model_validate(claim.response)
    attempt = Attempt(claim.reference or reference, claim.outcome == "new", hashed)
    try:
        view = await operation(attempt)
    except BaseException:
        with contextlib.suppress(SQLAlchemyError, OSError):  # else its lease runs out by itself
            await idempotency.abandon(svc.sessions, hashed, datetime.now(UTC))
        raise
    await idempotency.complete(svc.sessions, hashed, status_code, view.model_dump(mode="json"))
    return view
