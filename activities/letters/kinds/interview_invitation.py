"""R26: an interview with the complainant; R30: with the alleged perpetrator, who is told what
was reported."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from activities.letters.models import Appointment, RecipientRole
from activities.letters.spec import TO_PERPETRATOR, Facts, LetterSpec
from domain.commands import LetterKind
from domain.vocabulary import PartyRole


def behaviour_reported(f: Facts) -> str:
    """The categories the report was logged under, as the stamped policy names them."""
    policy = f.src.policy
    labels = [policy.categories[c].label for c in f.src.case.categories if c in policy.categories]
    return f.need(" and ".join(labels), "the categories of the report") or "-"


def facts(f: Facts) -> dict[str, Any]:
    at = f.data("at")
    appointment = None
    if isinstance(at, str):
        place = f.data("place")
        appointment = Appointment(
            starts_at=datetime.fromisoformat(at),
            place=place if isinstance(place, str) else None,
            by_phone=bool(f.data("by_phone")),
        )
    fields: dict[str, Any] = {
        "appointment": f.need(appointment, "the interview's date, time and place (R26, R30)")
    }
    if f.command.to_role is not PartyRole.COMPLAINANT:
        fields["behaviour"] = behaviour_reported(f)
    return fields


SPEC = LetterSpec(
    LetterKind.INTERVIEW_INVITATION,
    recipients=frozenset({RecipientRole.COMPLAINANT}) | TO_PERPETRATOR,
    required=("appointment",),
    required_to_perpetrator=("behaviour",),  # R30: says what was reported
    facts=facts,
)
