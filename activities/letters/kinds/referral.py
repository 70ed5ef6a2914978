"""R22, R38: an email referring a party to a partner agency, with the basis for sharing.
Composed by the referral activity (activities/referrals.py), not from a case's letter."""

from __future__ import annotations

from activities.letters.spec import TO_AGENCY, LetterSpec
from domain.commands import LetterKind

SPEC = LetterSpec(
    LetterKind.REFERRAL,
    recipients=TO_AGENCY,
    required=(
        "agency_name",
        "referral_reason",
        "referral_subject",
        "referral_subject_role",
        "sharing_basis",
    ),
)
