"""The words actions, state and commands share: who acts, the parties, and the kinds of evidence,
remedy and legal step. A module of its own so that the action declarations
(:mod:`domain.actions`), the case state and the commands can all use them without a cycle.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ENFORCEMENT_REMEDIES",
    "STAFF_ID_PATTERN",
    "SUPPORT_REMEDIES",
    "SYSTEM",
    "Actor",
    "ActorRole",
    "ConsultationOutcome",
    "EvidenceKind",
    "InterviewParty",
    "LegalActionKind",
    "LegalOutcome",
    "PartyRole",
    "Ref",
    "RemedyKind",
    "SharingBasis",
    "StaffId",
    "Text",
    "Wording",
    "WordingList",
    "is_staff_id",
]

PartyRole = Literal["complainant", "alleged_perpetrator", "witness", "reporter"]
InterviewParty = Literal["complainant", "alleged_perpetrator"]
SharingBasis = Literal["consent", "safeguarding", "s115", "legal_obligation"]  # R38
ConsultationOutcome = Literal["agrees", "objects", "unreachable"]  # R46
ActorRole = Literal["officer", "supervisor", "admin", "system"]
Text = Annotated[str, Field(max_length=500)]  # free text that must hold no personal data
Ref = Annotated[str, Field(min_length=1, max_length=200)]  # id of a document in the record
# What an officer decided, in words a letter can quote: never a name or an address.
Wording = Annotated[str, Field(min_length=1, max_length=500, pattern=r"\S")]
WordingList = Annotated[list[Wording], Field(max_length=20)]
# The one staff-id vocabulary: the identity provider's ``sub``, the directory's key, a case's
# officer and the CaseOfficer search attribute. Letters, digits, '.', '-' and '_' only: never an
# email address, a space or markup, so no personal data reaches Temporal (docs/design.md, Search
# attributes) and an id is safe in a URL path.
STAFF_ID_PATTERN = r"^[A-Za-z0-9._-]{1,100}$"
StaffId = Annotated[str, Field(pattern=STAFF_ID_PATTERN)]


def is_staff_id(value: str) -> bool:
    return re.fullmatch(STAFF_ID_PATTERN, value) is not None


class Actor(BaseModel):
    """Who takes an action. ``system`` is the engine itself (timers)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    user_id: str = Field(min_length=1, max_length=100)
    role: ActorRole


SYSTEM = Actor(user_id="system", role="system")


class EvidenceKind(StrEnum):
    """R34: evidence methods across the five landlords."""

    DIARY_SHEET = "diary_sheet"
    NOISE_APP = "noise_app"
    NOISE_MONITORING = "noise_monitoring"
    CCTV = "cctv"
    DOORBELL = "doorbell"
    PROFESSIONAL_WITNESS = "professional_witness"
    PHOTO = "photo"
    STATEMENT = "statement"
    OTHER = "other"


class RemedyKind(StrEnum):
    """R40: non-legal remedies. Support kinds form the support track (R22, R23)."""

    VERBAL_WARNING = "verbal_warning"
    WRITTEN_WARNING = "written_warning"
    ACCEPTABLE_BEHAVIOUR_CONTRACT = "acceptable_behaviour_contract"
    MEDIATION = "mediation"
    GOOD_NEIGHBOUR_AGREEMENT = "good_neighbour_agreement"
    PARENTING_AGREEMENT = "parenting_agreement"
    RESTORATIVE = "restorative"
    SUPPORT_REFERRAL = "support_referral"
    TARGET_HARDENING = "target_hardening"
    OTHER = "other"


SUPPORT_REMEDIES: frozenset[RemedyKind] = frozenset(
    {RemedyKind.SUPPORT_REFERRAL, RemedyKind.TARGET_HARDENING}
)
ENFORCEMENT_REMEDIES: frozenset[RemedyKind] = frozenset(RemedyKind) - SUPPORT_REMEDIES


class LegalActionKind(StrEnum):
    """R44, section 3.6: the legal-action catalogue (Respect Orders are coming)."""

    NOTICE_SEEKING_POSSESSION = "notice_seeking_possession"
    S21_NOTICE = "s21_notice"
    INJUNCTION = "injunction"
    DEMOTION = "demotion"
    POSSESSION = "possession"
    UNDERTAKING = "undertaking"
    CLOSURE_ORDER = "closure_order"
    RESPECT_ORDER = "respect_order"
    OTHER = "other"


class LegalOutcome(StrEnum):
    """R44: what happened at a hearing or to a notice."""

    HEARING_LISTED = "hearing_listed"
    ADJOURNED = "adjourned"
    GRANTED = "granted"
    SUSPENDED_ORDER = "suspended_order"
    REFUSED = "refused"
    UNDERTAKING_ACCEPTED = "undertaking_accepted"
    WITHDRAWN = "withdrawn"
    BREACH_REPORTED = "breach_reported"
