"""The Idempotency-Key header as the API reads it; what a key means is services/idempotency.py."""

from __future__ import annotations

from fastapi import Header

KEY_HEADER = "Idempotency-Key"
KeyHeader = Header(
    None,
    alias=KEY_HEADER,
    min_length=1,
    max_length=200,
    description="Makes a retried request safe: the same key and request act once and get the "
    "first answer again; the same key with another request is refused (422).",
)
