"""R28: the actions agreed, confirmed in writing; R30: the alleged perpetrator's own plan."""

from __future__ import annotations

from typing import Any

from activities.letters.models import RecipientRole
from activities.letters.spec import Facts, LetterSpec
from domain.commands import LetterKind


def facts(f: Facts) -> dict[str, Any]:
    interval = f.data("interval_days")
    return {
        "actions": f.need(f.texts("actions"), "the actions agreed in the action plan (R28)"),
        "next_contact_date": f.day("next_contact_by"),  # R37: the cadence clock
        "contact_frequency": f"at least every {interval} days" if interval else None,
    }


SPEC = LetterSpec(
    LetterKind.ACTION_PLAN,
    recipients=frozenset({RecipientRole.COMPLAINANT, RecipientRole.ALLEGED_PERPETRATOR}),  # R30
    required=("actions",),
    facts=facts,
)
