"""R40: a written warning to the alleged perpetrator, as the officer decided it."""

from __future__ import annotations

from datetime import date
from typing import Any

from activities.letters.spec import TO_PERPETRATOR, Facts, LetterSpec
from domain.commands import LetterKind


def facts(f: Facts) -> dict[str, Any]:
    days = [date.fromisoformat(d) for d in f.texts("incident_dates")]
    return {  # R40: as the officer decided it
        "behaviour": f.need(f.data("behaviour"), "the behaviour the warning is about (R40)"),
        "effect": f.data("effect"),
        "incident_dates": f.need(days, "the dates of the incidents (R40)"),
        "tenancy_clauses": f.need(f.texts("tenancy_clauses"), "the tenancy clauses breached"),
    }


SPEC = LetterSpec(
    LetterKind.WARNING,
    recipients=TO_PERPETRATOR,
    required=("behaviour", "incident_dates", "tenancy_clauses"),
    facts=facts,
)
