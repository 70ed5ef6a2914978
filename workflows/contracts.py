"""Payloads that cross the Temporal boundary: ids, enums and dates only, never personal data."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class CaseOpenedRecord(BaseModel):
    reference: str
    landlord: str
    policy_version: str
    stage: str
    tier: str
    categories: list[str]
    channel: str
    officer_id: str | None
    received_at: datetime
    opened_at: datetime
    acknowledgement_due_at: datetime | None
