"""R56: the complainant's right to an ASB Case Review, with the local authority's contact."""

from __future__ import annotations

from typing import Any

from activities.letters.spec import TO_COMPLAINANT, Facts, LetterSpec
from domain.commands import LetterKind
from domain.policy import PolicyProfile


def facts(f: Facts) -> dict[str, Any]:
    """R56: the local authority's ASB Case Review contact and its threshold."""
    profile = f.src.profile
    contact = profile.case_review_for(f.src.local_authority)
    if contact is None:
        which = f.src.local_authority or "not recorded"
        f.missing.append(
            f"the case's local authority ({which}; {f.src.policy.name} works with "
            f"{', '.join(profile.local_authorities)}) (R56)"
        )
    return {
        "local_authority": contact.local_authority if contact else "-",
        "case_review_threshold": thresholds(f.src.policy),
        "case_review_contact": contact.contact if contact else "-",
    }


def thresholds(policy: PolicyProfile) -> list[str]:
    review = policy.case_review
    months = round(review.window_days / 30.5)
    limbs = [f"{review.incidents} or more reports about the same problem in {months} months"]
    if review.hate_incidents:
        limbs.append(f"{review.hate_incidents} hate incident or crime in {months} months")
    if review.distinct_reporters:
        limbs.append(f"{review.distinct_reporters} or more people reporting the same problem")
    return limbs


SPEC = LetterSpec(
    LetterKind.CASE_REVIEW_RIGHTS,
    recipients=TO_COMPLAINANT,
    required=("local_authority", "case_review_threshold", "case_review_contact"),
    facts=facts,
)
