"""Case state and the models that go in and out of the stage machine.

Everything here is plain, JSON-serialisable data held in Temporal history, so it stays small and
holds no personal data: parties are ids with a role and two flags, documents are ids, and the
record proper (names, narratives, letters) lives in the database (docs/design.md, Where state
lives).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from domain.policy import ClosureReason, LegalGateException, PolicyProfile
from domain.triage import VulnerabilityAnswers
from domain.vocabulary import (
    ConsultationOutcome,
    EvidenceKind,
    LegalActionKind,
    LegalOutcome,
    PartyRole,
    RemedyKind,
    SharingBasis,
)

__all__ = [
    "Awaited",
    "CaseReview",
    "CaseSetup",
    "CaseState",
    "Clock",
    "ClosureRequest",
    "ContactState",
    "Deadline",
    "Escalation",
    "HoldState",
    "Incident",
    "LegalActionRecord",
    "OpenCase",
    "PartyRef",
    "PeiaState",
    "Referral",
    "RemedyRecord",
    "RiskAssessmentRecord",
    "Stage",
    "SurveyState",
]


class Stage(StrEnum):
    """Where a case is. Being on hold is a flag (``CaseState.hold``), not a stage."""

    RECEIVED = "received"
    RISK_ASSESSMENT = "risk_assessment"
    ACTION_PLAN = "action_plan"
    INVESTIGATION = "investigation"
    NON_LEGAL_REMEDIES = "non_legal_remedies"
    PEIA = "peia"
    LEGAL_ACTION = "legal_action"
    CLOSURE_REVIEW = "closure_review"
    CLOSED = "closed"
    SURVEY = "survey"
    FINISHED = "finished"


# Stages in which officers still work the case (the moves between stages: domain/stages.py).
OPEN_STAGES: frozenset[Stage] = frozenset(Stage) - {Stage.CLOSED, Stage.SURVEY, Stage.FINISHED}


class Clock(StrEnum):
    """Case clocks (docs/design.md, Timers): one enum for the deadline rules
    (:mod:`domain.deadlines`), the case state, the commands and the read model."""

    ACKNOWLEDGEMENT = "acknowledgement"  # R13
    FIRST_CONTACT = "first_contact"  # R14
    NEXT_CONTACT = "next_contact"  # R37
    RISK_REVIEW = "risk_review"  # R16, R18
    CLOSURE_REVIEW = "closure_review"  # R47: opens a review, never closes
    RESOLUTION_TARGET = "resolution_target"  # R52
    SURVEY = "survey"  # R51
    STALL = "stall"  # no meaningful event for STALL_DAYS


# Approvals and consultations a case can be waiting for (R43, R46).
Awaited = Literal["peia_approval", "closure_consultation", "closure_approval"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Record(BaseModel):
    """An immutable record: never changed once made, so copies of the state share it."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Deadline(_Model):
    """One running clock. Met, stopped (no longer applies) or still open."""

    clock: Clock
    due_at: AwareDatetime
    set_at: AwareDatetime
    met_at: AwareDatetime | None = None
    breached_at: AwareDatetime | None = None  # when the engine first saw it missed
    escalations: int = 0
    next_escalation_at: AwareDatetime | None = None
    stopped_at: AwareDatetime | None = None
    paused: bool = False  # mirrors CaseState.hold (R17)

    @property
    def open(self) -> bool:
        return self.met_at is None and self.stopped_at is None


class PartyRef(_Record):
    """A party by id. Names and addresses live in the record, never here."""

    id: str = Field(min_length=1, max_length=100)
    role: PartyRole
    anonymous: bool = False  # R8
    confidential: bool = False  # R9
    preferred_channel: str = "letter"


class OpenCase(_Model):
    """What the intake knows when a case opens (R5, R6)."""

    reference: str = Field(min_length=1, max_length=60)
    landlord: str = Field(min_length=1, max_length=8)
    categories: list[str] = Field(min_length=1)
    vulnerability: VulnerabilityAnswers = Field(default_factory=VulnerabilityAnswers)
    channel: str = Field(min_length=1, max_length=40)
    received_at: AwareDatetime
    parties: list[PartyRef] = Field(min_length=1)
    officer_id: str | None = None
    linked_reference: str | None = None  # R31: the case this counter-allegation came from
    # R56: from the record, the complainant's incidents in their other cases in the last six
    # months, hate incidents among them, and distinct people reporting the same problem.
    prior_incidents_6m: int = Field(0, ge=0)
    prior_hate_incidents_6m: int = Field(0, ge=0)
    distinct_reporters_6m: int = Field(0, ge=0)


# Revision 1 of the rules (CaseSetup.rules_revision): an anonymous case keeps the deadline for an
# officer to assess it (R8, R13), a report logged late starts its inactivity clock when it is
# logged (R47), and a hold needs a reason where the policy asks for one (R17).
RULES_REVISION = 1


class CaseSetup(_Model):
    """Computed by an activity outside the sandbox, so the values are fixed in history."""

    policy: PolicyProfile
    holidays: tuple[date, ...]
    # The period the holiday list covers (None: unchecked); see WorkingCalendar.covers_*.
    holidays_from: date | None = None
    holidays_to: date | None = None
    # Which revision of the engine's rules the case opens under. A history recorded before a
    # revision lacks the field and replays with 0, as it ran (docs/design.md, Determinism).
    rules_revision: int = 0


class ContactState(_Model):
    last_contact_at: AwareDatetime | None = None
    failed_attempts: int = 0  # since the last contact made (R29)
    failed_channels: list[str] = Field(default_factory=list)  # B: variety of methods (R47)
    # R29: each failed attempt since the last contact, "channel|ISO time", as the letter lists it.
    failed_log: list[str] = Field(default_factory=list)
    failed_letter_sent: bool = False  # R29: once per run of failures
    agreed_interval_days: int | None = None  # R37


class RiskAssessmentRecord(_Record):
    at: AwareDatetime
    by: str
    tier: str
    vulnerabilities: list[str]
    support_needs: list[str]


class Incident(_Record):
    occurred_at: AwareDatetime
    logged_at: AwareDatetime
    hate: bool = False


class RemedyRecord(_Record):
    kind: RemedyKind
    at: AwareDatetime
    by: str


class Referral(_Record):
    agency: str
    party_id: str | None
    sharing_basis: SharingBasis
    consent: bool
    at: AwareDatetime


class PeiaState(_Model):
    completed_at: AwareDatetime | None = None
    completed_by: str | None = None
    document_ref: str | None = None
    approved_at: AwareDatetime | None = None
    approved_by: str | None = None
    # R43: a supervisor declined this PEIA; legal action stays refused until a new one is
    # completed (which replaces this record) and approved.
    declined_at: AwareDatetime | None = None
    declined_by: str | None = None


class LegalActionRecord(_Model):
    no: int
    kind: LegalActionKind
    exception: LegalGateException | None
    started_at: AwareDatetime
    by: str
    outcome: LegalOutcome | None = None
    hearing_at: AwareDatetime | None = None


class ClosureRequest(_Model):
    reason: ClosureReason
    requested_at: AwareDatetime
    requested_by: str
    actions_taken: list[str] = Field(default_factory=list)  # R46, R50: for the closure letter
    consultation: ConsultationOutcome | None = None
    consulted_at: AwareDatetime | None = None
    approved_by: str | None = None
    approved_at: AwareDatetime | None = None


class HoldState(_Record):
    since: AwareDatetime
    reason: str
    by: str


class Escalation(_Record):
    clock: Clock
    due_at: AwareDatetime
    breached_by_seconds: int
    level: int
    at: AwareDatetime


class CaseReview(_Model):
    """R56: ASB Case Review (Community Trigger) threshold."""

    threshold_met_at: AwareDatetime | None = None
    limb: Literal["incidents", "hate_incidents", "distinct_reporters"] | None = None
    notified: bool = False


class SurveyState(_Model):
    invited_at: AwareDatetime | None = None
    closes_at: AwareDatetime | None = None  # end of the response window
    score: int | None = None


class CaseState(_Model):
    """Everything the process of one case needs (not the record: see the database)."""

    reference: str
    landlord: str
    policy: PolicyProfile
    holidays: tuple[date, ...]  # tuples: immutable, so copies of the state share them
    holidays_from: date | None = None
    holidays_to: date | None = None
    rules_revision: int = 0  # from CaseSetup: the revision of the rules the case opened under
    received_at: AwareDatetime
    opened_at: AwareDatetime
    categories: tuple[str, ...]
    channel: str
    linked_reference: str | None = None

    stage: Stage = Stage.RECEIVED
    stage_before_review: Stage | None = None
    tier: str
    hate: bool = False
    domestic_abuse: bool = False
    anonymous: bool = False
    parties: tuple[PartyRef, ...]
    officer_id: str | None = None
    acknowledged_at: AwareDatetime | None = None

    deadlines: dict[Clock, Deadline] = Field(default_factory=dict)
    contact: ContactState = Field(default_factory=ContactState)
    risk_assessments: list[RiskAssessmentRecord] = Field(default_factory=list)
    action_plan_version: int = 0
    interviews_invited: list[str] = Field(default_factory=list)
    interviews_done: list[str] = Field(default_factory=list)
    incidents: list[Incident] = Field(default_factory=list)
    evidence: dict[EvidenceKind, int] = Field(default_factory=dict)
    noise_notices_sent: int = 0
    remedies: list[RemedyRecord] = Field(default_factory=list)
    referrals: list[Referral] = Field(default_factory=list)
    peia: PeiaState = Field(default_factory=PeiaState)
    legal_actions: list[LegalActionRecord] = Field(default_factory=list)
    closure: ClosureRequest | None = None
    closure_review_opened_at: AwareDatetime | None = None
    closed_at: AwareDatetime | None = None
    closed_reason: ClosureReason | None = None
    hold: HoldState | None = None
    paused_seconds: int = 0
    escalations: list[Escalation] = Field(default_factory=list)
    case_review: CaseReview = Field(default_factory=CaseReview)
    prior_incidents_6m: int = 0
    prior_hate_incidents_6m: int = 0
    distinct_reporters_6m: int = 0
    survey: SurveyState = Field(default_factory=SurveyState)
    counters: dict[str, int] = Field(default_factory=dict)  # business-key sequences
    last_meaningful_event_at: AwareDatetime
    last_report_at: AwareDatetime  # R47: last contact, incident or evidence from the complainant
    finished: bool = False

    # ---- small look-ups ---------------------------------------------------------------------

    def party(self, role: PartyRole) -> PartyRef | None:
        return next((p for p in self.parties if p.role == role), None)

    @property
    def complainant(self) -> PartyRef | None:
        return self.party("complainant")

    @property
    def perpetrator(self) -> PartyRef | None:
        return self.party("alleged_perpetrator")

    @property
    def confidential(self) -> bool:
        """R8/R9: letters to anyone else must not identify the complainant."""
        return self.anonymous or any(
            p.confidential for p in self.parties if p.role == "complainant"
        )

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES
