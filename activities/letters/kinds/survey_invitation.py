"""R51: a satisfaction survey once the case closes; R55: the alleged perpetrator may get one."""

from __future__ import annotations

from typing import Any

from activities.letters.spec import TO_COMPLAINANT, TO_PERPETRATOR, Facts, LetterSpec
from domain.commands import LetterKind


def facts(f: Facts) -> dict[str, Any]:
    return {  # R51
        "survey_link": f"{f.src.survey_url}?case={f.src.case.reference}",
        "survey_closes_on": f.day("closes_on"),
    }


SPEC = LetterSpec(
    LetterKind.SURVEY_INVITATION,
    recipients=TO_COMPLAINANT | TO_PERPETRATOR,  # R55
    required=("survey_link",),
    facts=facts,
)
