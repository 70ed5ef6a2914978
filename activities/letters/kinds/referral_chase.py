"""R38: the agency has not answered a referral. Composed by activities/referrals.py."""

from __future__ import annotations

from activities.letters.spec import TO_AGENCY, LetterSpec
from domain.commands import LetterKind

SPEC = LetterSpec(
    LetterKind.REFERRAL_CHASE, recipients=TO_AGENCY, required=("agency_name", "referral_made_on")
)
