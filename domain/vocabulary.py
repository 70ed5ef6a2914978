"""The words actions, state and commands share: who acts, the parties, and the kinds of evidence,
remedy and legal step. A module of its own so that the action declarations
(:mod:`domain.actions`), the case state and the commands can all use them without a cycle.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ENFORCEMENT_REMEDIES",
    "STAFF_ID_PATTERN",
    "SUPPORT_REMEDIES",
    "SYSTEM",
    "Actor",
    "ActorRole",
    "ConsultationOutcome",
    "ContactOutcome",
    "DigestStatus",
    "EvidenceKind",
    "InterviewParty",
    "LegalActionKind",
    "LegalOutcome",
    "PartyRole",
    "Ref",
    "ReferralStatus",
    "RemedyKind",
    "SharingBasis",
    "StaffId",
    "TaskKind",
    "Text",
    "Wording",
    "WordingList",
    "is_staff_id",
]


class PartyRole(StrEnum):
    """A party's part in a case; the API, the record and letters use these values."""

    COMPLAINANT = "complainant"
    ALLEGED_PERPETRATOR = "alleged_perpetrator"
    WITNESS = "witness"
    REPORTER = "reporter"  # a third party reporting for someone else (R4)


class InterviewParty(StrEnum):
    """Who an interview is with (R26 the complainant, R30 the alleged perpetrator)."""

    COMPLAINANT = PartyRole.COMPLAINANT.value
    ALLEGED_PERPETRATOR = PartyRole.ALLEGED_PERPETRATOR.value


class SharingBasis(StrEnum):
    """R38: the basis a referral shares personal information on."""

    CONSENT = "consent"
    SAFEGUARDING = "safeguarding"
    S115 = "s115"  # Crime and Disorder Act 1998, section 115
    LEGAL_OBLIGATION = "legal_obligation"


class ContactOutcome(StrEnum):
    """R14, R29: a contact with the complainant was made, or attempted and failed."""

    MADE = "made"
    FAILED_ATTEMPT = "failed_attempt"


class ConsultationOutcome(StrEnum):
    """R46: what the complainant said when consulted about closing the case."""

    AGREES = "agrees"
    OBJECTS = "objects"
    UNREACHABLE = "unreachable"


class ActorRole(StrEnum):
    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    SYSTEM = "system"  # the engine itself (timers)


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


SYSTEM = Actor(user_id="system", role=ActorRole.SYSTEM)


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


# The record's statuses: stored as their values, each with a CHECK constraint (db/columns.py).


class TaskKind(StrEnum):
    """What an officer task is about."""

    NOTIFICATION = "notification"  # a supervisor was emailed; done when made, kept for the record
    LETTER = "letter"  # a letter not produced or not sent: missing facts, refused, unconfirmed
    REFERRAL = "referral"  # a referral withheld, failed or unanswered (R38)


class ReferralStatus(StrEnum):
    """A referral to a partner agency (R38)."""

    PENDING = "pending"
    SENT = "sent"
    WITHHELD = "withheld"  # the officer decides (no address, no basis to share)
    FAILED = "failed"
    RESPONDED = "responded"


class DigestStatus(StrEnum):
    SENDING = "sending"  # claimed its escalations; the SMTP conversation may be under way
    SENT = "sent"
    UNCONFIRMED = "unconfirmed"  # the sender stopped mid-send: never sent again (logged)
    FAILED = "failed"  # the mail server refused it for good (logged)
