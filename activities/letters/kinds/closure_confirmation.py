"""R46 (Y): the actions are complete, confirmed in writing: the closure notice's letter."""

from __future__ import annotations

from activities.letters.kinds import closure_notice
from activities.letters.spec import LetterSpec
from domain.commands import LetterKind

SPEC = LetterSpec(
    LetterKind.CLOSURE_CONFIRMATION,
    recipients=closure_notice.SPEC.recipients,
    required=closure_notice.SPEC.required,
    facts=closure_notice.facts,
)
