"""R50: the case is closed, with the reason and what was done (R46, R49)."""

from __future__ import annotations

from typing import Any

from activities.letters.spec import TO_COMPLAINANT, Facts, LetterSpec
from domain.commands import LetterKind
from domain.policy import ClosureReason

# R48, R49: each closure ground as the complainant reads it.
CLOSURE_WORDS: dict[ClosureReason, str] = {
    ClosureReason.ASB_STOPPED: "the anti-social behaviour has stopped",
    ClosureReason.COMPLAINANT_REPORTS_CEASED: "you have told us the problem has stopped",
    ClosureReason.NO_FURTHER_CONTACT: "we have not been able to make contact with you",
    ClosureReason.SUCCESSFUL_INTERVENTION: "the action we took has resolved the problem",
    ClosureReason.ALL_REASONABLE_STEPS_TAKEN: "we have taken all the steps we reasonably can",
    ClosureReason.NOT_ASB: "what was reported is not anti-social behaviour",
    ClosureReason.INSUFFICIENT_EVIDENCE: "there is not enough evidence for us to take further "
    "action",
    ClosureReason.REPORTER_NOT_ENGAGING: "we have not been able to work with you to gather "
    "evidence",
    ClosureReason.REPORTER_WONT_ENGAGE_WITH_POLICE: "the matter needs the police, and you "
    "preferred not to involve them",
}


def facts(f: Facts) -> dict[str, Any]:
    reason = f.known(ClosureReason, "reason")
    return {  # R46, R49, R50
        "closure_reason": f.need(reason and CLOSURE_WORDS[reason], "the reason for closing (R49)"),
        "actions_taken": f.need(f.texts("actions_taken"), "the actions taken (R46, R50)"),
        "consulted_on": f.day("consulted_on"),
    }


SPEC = LetterSpec(
    LetterKind.CLOSURE_NOTICE,
    recipients=TO_COMPLAINANT,
    required=("closure_reason", "actions_taken"),
    facts=facts,
)
