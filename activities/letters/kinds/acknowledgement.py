"""R13, R14: the report is logged and the officer dealing with it is named."""

from __future__ import annotations

from typing import Any

from activities.letters.spec import TO_COMPLAINANT, Facts, LetterSpec
from domain.commands import LetterKind


def facts(f: Facts) -> dict[str, Any]:
    # R13, R14: the first-contact deadline the case runs on; none once contact is made.
    return {
        "report_date": f.local(f.src.case.received_at),
        "next_contact_date": f.day("contact_by"),
    }


SPEC = LetterSpec(LetterKind.ACKNOWLEDGEMENT, recipients=TO_COMPLAINANT, facts=facts)
