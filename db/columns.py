"""Column types of the record: aware UTC datetimes, and the enums it stores as their values
with a CHECK constraint (migrations 0009, 0011, 0015). The tables are in db/models.py; the
enums are declared in domain/ (LetterStatus stays here while the sending path is reworked)."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import DateTime, Dialect, Enum, TypeDecorator

# The record's statuses are the domain's words (one vocabulary per concept); they are imported
# here so the tables and their CHECK constraints keep naming them where they always have.
from domain.vocabulary import DigestStatus, ReferralStatus, TaskKind

__all__ = [
    "DigestStatus",
    "LetterStatus",
    "ReferralStatus",
    "TaskKind",
    "UtcDateTime",
    "stored_enum",
]


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite keeps no offset of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are refused: give a timezone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=UTC)


class LetterStatus(StrEnum):
    """Where a letter is on its way to its recipient (activities/dispatch.py)."""

    PENDING = "pending"  # recorded by the decision, not produced yet
    SENDING = "sending"  # an attempt is under way (a crash here leaves it unconfirmed)
    SENT = "sent"
    RENDERED = "rendered"  # produced; waiting to send: the mail server has not taken it yet
    QUEUED_FOR_POST = "queued_for_post"
    POSTED = "posted"  # marked posted from the day's print batch
    MISSING_FACTS = "missing_facts"  # the record lacks a fact the letter needs: an officer task
    SUPPRESSED = "suppressed"  # R8: an anonymous complainant receives nothing
    UNCONFIRMED = "unconfirmed"  # an attempt was interrupted: the officer checks
    FAILED = "failed"


def stored_enum(enum: type[StrEnum], name: str, length: int = 20) -> Enum:
    """Stored as its value, with a CHECK constraint listing the allowed ones."""
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=length,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )
