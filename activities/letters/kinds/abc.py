"""R40: an acceptable behaviour contract, as agreed with the alleged perpetrator."""

from __future__ import annotations

from typing import Any

from activities.letters.spec import TO_PERPETRATOR, Facts, LetterSpec
from domain.commands import LetterKind


def facts(f: Facts) -> dict[str, Any]:
    return {  # R40: as agreed; the end date from domain.deadlines.contract_end
        "behaviour": f.need(f.data("behaviour"), "why the contract is asked for (R40)"),
        "abc_terms": f.need(f.texts("abc_terms"), "the terms of the contract (R40)"),
        "tenancy_clauses": f.texts("tenancy_clauses") or None,
        "contract_start_date": f.need(f.day("contract_start"), "the contract's start date"),
        "contract_end_date": f.need(f.day("contract_end"), "the contract's length (R40)"),
        "review_date": f.need(f.day("review_on"), "the contract's review date (R40)"),
    }


SPEC = LetterSpec(
    LetterKind.ABC,
    recipients=TO_PERPETRATOR,
    required=("behaviour", "abc_terms", "contract_end_date"),
    facts=facts,
)
