"""R29: we tried to reach the complainant and could not."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from activities.letters.dates import long_datetime
from activities.letters.errors import MissingLetterFieldError
from activities.letters.models import LetterContext
from activities.letters.spec import TO_COMPLAINANT, Facts, LetterSpec
from domain.commands import LetterKind

MIN_FAILED_ATTEMPTS = 2  # R29

# How a recorded contact channel reads in "We tried: by telephone on ..." (R29).
CHANNEL_WORDS = {
    "phone": "telephone",
    "telephone": "telephone",
    "text": "text message",
    "sms": "text message",
    "visit": "a visit to your home",
    "home_visit": "a visit to your home",
    "in_person": "calling in person",
}


def facts(f: Facts) -> dict[str, Any]:
    attempts = []
    for entry in f.texts("attempts"):  # R29: as recorded, "channel|ISO time"
        channel, _, at = entry.partition("|")
        words = CHANNEL_WORDS.get(channel.lower(), channel.replace("_", " "))
        attempts.append(f"By {words} on {long_datetime(datetime.fromisoformat(at))}")
    return {"contact_attempts": f.need(attempts, "the failed contact attempts (R29)")}


def check(context: LetterContext) -> None:
    if len(context.contact_attempts or []) < MIN_FAILED_ATTEMPTS:
        raise MissingLetterFieldError("a failed_contact letter follows two failed attempts (R29)")


SPEC = LetterSpec(
    LetterKind.FAILED_CONTACT,
    recipients=TO_COMPLAINANT,
    required=("contact_attempts",),
    facts=facts,
    check=check,
)
