"""R19: the named contact changed: the acknowledgement again, naming the new officer."""

from __future__ import annotations

from activities.letters.kinds import acknowledgement
from activities.letters.spec import TO_COMPLAINANT, LetterSpec
from domain.commands import LetterKind

SPEC = LetterSpec(
    LetterKind.OFFICER_CHANGED, recipients=TO_COMPLAINANT, facts=acknowledgement.facts
)
