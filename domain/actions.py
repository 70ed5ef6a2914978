"""Officer and supervisor actions on a case, one pydantic model per action.

Every action carries a ``type`` discriminator and the ``actor`` who takes it. The workflow
receives an :data:`Action` in an update, validates it with :func:`domain.machine.check` and
applies it with :func:`domain.machine.decide`. Fields hold ids, enums and dates only: notes and
documents are referenced by id (``*_ref``), never copied in (design.md, Where state lives).

Shape checks (types, ranges) live here and fail as pydantic validation errors at the API; rules
that depend on the case (stage, policy, flags) live in :mod:`domain.guards` and fail as
``ActionRefused`` with a sentence an officer can read.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal, Self, get_args

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from domain.policy import ClosureReason, LegalGateException
from domain.triage import VulnerabilityAnswers

__all__ = [
    "ACTION_TYPES",
    "ENFORCEMENT_REMEDIES",
    "SUPPORT_REMEDIES",
    "SYSTEM",
    "AbcTerms",
    "Acknowledge",
    "Action",
    "Actor",
    "AddEvidence",
    "AgreeActionPlan",
    "ApplyRemedy",
    "ApproveClosure",
    "ApprovePeia",
    "CompletePeia",
    "ConsultationOutcome",
    "EvidenceKind",
    "Hold",
    "InviteToInterview",
    "LegalActionKind",
    "LegalOutcome",
    "LogIncident",
    "MakeReferralAction",
    "PartyRole",
    "RaiseCounterAllegation",
    "Reassign",
    "Recategorise",
    "RecordConsultation",
    "RecordContact",
    "RecordInterview",
    "RecordLegalOutcome",
    "RecordRiskAssessment",
    "RecordSurveyResponse",
    "RemedyKind",
    "RequestClosure",
    "Resume",
    "ReviseActionPlan",
    "SharingBasis",
    "StartLegalAction",
    "WarningTerms",
    "WithdrawClosure",
]

PartyRole = Literal["complainant", "alleged_perpetrator", "witness", "reporter"]
InterviewParty = Literal["complainant", "alleged_perpetrator"]
SharingBasis = Literal["consent", "safeguarding", "s115", "legal_obligation"]  # R38
ConsultationOutcome = Literal["agrees", "objects", "unreachable"]  # R46
Text = Annotated[str, Field(max_length=500)]  # free text that must hold no personal data
Ref = Annotated[str, Field(min_length=1, max_length=200)]  # id of a document in the record
# What an officer decided, in words a letter can quote: never a name or an address.
Wording = Annotated[str, Field(min_length=1, max_length=500, pattern=r"\S")]
WordingList = Annotated[list[Wording], Field(max_length=20)]


class Actor(BaseModel):
    """Who takes an action. ``system`` is the engine itself (timers)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    user_id: str = Field(min_length=1, max_length=100)
    role: Literal["officer", "supervisor", "admin", "system"]


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


class _Action(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: Actor


class Acknowledge(_Action):
    """R6, R13: log and acknowledge the case; names the officer (the actor if none yet)."""

    type: Literal["acknowledge"] = "acknowledge"


class RecordContact(_Action):
    """R14, R29, R37: a contact with the complainant, made or attempted."""

    type: Literal["record_contact"] = "record_contact"
    outcome: Literal["made", "failed_attempt"]
    channel: str = Field(min_length=1, max_length=40)


class RecordRiskAssessment(_Action):
    """R18, R20: risk assessment of the complainant; may set the tier and a review date."""

    type: Literal["record_risk_assessment"] = "record_risk_assessment"
    tier: str = Field(min_length=1)
    vulnerabilities: list[Annotated[str, Field(max_length=60)]] = Field(default_factory=list)
    support_needs: list[Annotated[str, Field(max_length=60)]] = Field(default_factory=list)
    review_in_days: int | None = Field(None, ge=1, le=365, description="working days")


class AgreeActionPlan(_Action):
    """R36, R28, R37: the action plan agreed with the complainant, with a contact interval."""

    type: Literal["agree_action_plan"] = "agree_action_plan"
    agreed_contact_interval_days: int = Field(ge=1, le=365)
    summary_ref: Ref
    # R28: the actions agreed, as the letter lists them; none given, the letter waits for them.
    actions: WordingList = Field(default_factory=list)


class ReviseActionPlan(_Action):
    """R36 (P: updated on new information), R28: a new version, confirmed in writing."""

    type: Literal["revise_action_plan"] = "revise_action_plan"
    agreed_contact_interval_days: int | None = Field(None, ge=1, le=365)
    summary_ref: Ref
    actions: WordingList = Field(default_factory=list)  # R28


class InviteToInterview(_Action):
    """R26, R30: invite a party to an interview in writing."""

    type: Literal["invite_to_interview"] = "invite_to_interview"
    party: InterviewParty
    # The appointment the letter offers (R26: location agreed together). Without one, no
    # letter can be produced and the officer is given the task of arranging it instead.
    at: AwareDatetime | None = None
    place: Text | None = None  # e.g. "our Church Street office": never a resident's address
    by_phone: bool = False


class RecordInterview(_Action):
    """R26, R30: an interview held."""

    type: Literal["record_interview"] = "record_interview"
    party: InterviewParty
    notes_ref: Ref | None = None


class LogIncident(_Action):
    """A further incident reported on this case (R18 re-assessment, R25 hate, R56 counts)."""

    type: Literal["log_incident"] = "log_incident"
    occurred_at: AwareDatetime
    hate: bool = False


class AddEvidence(_Action):
    """R33, R34: an item of evidence; providers give informed consent."""

    type: Literal["add_evidence"] = "add_evidence"
    kind: EvidenceKind
    consent: bool
    evidence_ref: Ref | None = None


class WarningTerms(BaseModel):
    """R40: what a written warning says, as the officer decided it (it may support a claim)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    behaviour: Wording  # e.g. "loud music played late at night"
    effect: Wording | None = None  # the effect on others, where the officer states one
    incident_dates: list[date] = Field(min_length=1, max_length=50)  # logged incidents
    tenancy_clauses: list[Wording] = Field(min_length=1, max_length=20)  # the clauses breached


class AbcTerms(BaseModel):
    """R40: an acceptable behaviour contract as agreed: its terms, length and review date."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    behaviour: Wording  # why the contract is asked for
    terms: list[Wording] = Field(min_length=1, max_length=20)
    length_months: int = Field(ge=1, le=24)
    review_on: date
    tenancy_clauses: WordingList = Field(default_factory=list)


class ApplyRemedy(_Action):
    """R40, R41, R23: a non-legal remedy (enforcement or support track)."""

    type: Literal["apply_remedy"] = "apply_remedy"
    kind: RemedyKind
    # R41 (mediation / restorative only): offered only if both agree, no serious criminality
    # and no power imbalance.
    both_parties_agree: bool | None = None
    serious_criminality: bool | None = None
    power_imbalance: bool | None = None
    # R40: the content of the letter a written warning or an ABC sends. Without it the letter
    # is not sent: the officer is given a task naming what is missing.
    warning: WarningTerms | None = None
    abc: AbcTerms | None = None

    @model_validator(mode="after")
    def _terms_match_kind(self) -> Self:
        if self.warning is not None and self.kind is not RemedyKind.WRITTEN_WARNING:
            raise ValueError("warning terms go only with kind written_warning")
        if self.abc is not None and self.kind is not RemedyKind.ACCEPTABLE_BEHAVIOUR_CONTRACT:
            raise ValueError("abc terms go only with kind acceptable_behaviour_contract")
        return self


class MakeReferralAction(_Action):
    """R20-R24, R38: a referral to a partner agency, with the basis for sharing."""

    type: Literal["make_referral"] = "make_referral"
    agency: str = Field(min_length=1, max_length=100)
    party: PartyRole = "complainant"
    consent: bool
    sharing_basis: SharingBasis


class CompletePeia(_Action):
    """R43: proportionality and equality impact assessment completed."""

    type: Literal["complete_peia"] = "complete_peia"
    document_ref: Ref


class ApprovePeia(_Action):
    """R43: supervisor approval of the PEIA (supervisor only, not its author)."""

    type: Literal["approve_peia"] = "approve_peia"


class StartLegalAction(_Action):
    """R42-R44: start formal legal action, optionally on an exception to the legal gate."""

    type: Literal["start_legal_action"] = "start_legal_action"
    kind: LegalActionKind
    exception: LegalGateException | None = None


class RecordLegalOutcome(_Action):
    """R44: a hearing or an outcome of one legal action (numbered from 1 in the case)."""

    type: Literal["record_legal_outcome"] = "record_legal_outcome"
    legal_action_no: int = Field(ge=1)
    outcome: LegalOutcome
    hearing_at: AwareDatetime | None = None


class RequestClosure(_Action):
    """R46-R49: ask to close the case for a reason the policy recognises."""

    type: Literal["request_closure"] = "request_closure"
    reason: ClosureReason
    # R46, R50: what was done, as the closure letter confirms it to the complainant.
    actions_taken: WordingList = Field(default_factory=list)


class RecordConsultation(_Action):
    """R46: the complainant consulted about closure."""

    type: Literal["record_consultation"] = "record_consultation"
    outcome: ConsultationOutcome


class ApproveClosure(_Action):
    """R46 (B): supervisor approval to close (e.g. against the complainant's wishes)."""

    type: Literal["approve_closure"] = "approve_closure"


class WithdrawClosure(_Action):
    """Withdraw a pending closure request; the case returns to its previous stage."""

    type: Literal["withdraw_closure"] = "withdraw_closure"
    reason: Text


class Reassign(_Action):
    """R19: give the case to another named officer (supervisor only)."""

    type: Literal["reassign"] = "reassign"
    officer_id: str = Field(min_length=1, max_length=100)


class Recategorise(_Action):
    """R16: change the risk tier, with a reason."""

    type: Literal["recategorise"] = "recategorise"
    tier: str = Field(min_length=1)
    reason: Text


class Hold(_Action):
    """R17: pause every SLA clock, with a reason (e.g. reporter unavailable)."""

    type: Literal["hold"] = "hold"
    reason: Text


class Resume(_Action):
    """R17: restart the clocks; deadlines move on by the time spent on hold."""

    type: Literal["resume"] = "resume"
    reason: Text


class RaiseCounterAllegation(_Action):
    """R31: the alleged perpetrator complains about the complainant: a new, linked case."""

    type: Literal["raise_counter_allegation"] = "raise_counter_allegation"
    categories: list[str] = Field(min_length=1)
    vulnerability: VulnerabilityAnswers = Field(default_factory=VulnerabilityAnswers)
    channel: str = Field(min_length=1, max_length=40)


class RecordSurveyResponse(_Action):
    """R51: the complainant's satisfaction score (a local measure, not TSM TP12)."""

    type: Literal["record_survey_response"] = "record_survey_response"
    score: int = Field(ge=1, le=5)


Action = Annotated[
    Acknowledge
    | RecordContact
    | RecordRiskAssessment
    | AgreeActionPlan
    | ReviseActionPlan
    | InviteToInterview
    | RecordInterview
    | LogIncident
    | AddEvidence
    | ApplyRemedy
    | MakeReferralAction
    | CompletePeia
    | ApprovePeia
    | StartLegalAction
    | RecordLegalOutcome
    | RequestClosure
    | RecordConsultation
    | ApproveClosure
    | WithdrawClosure
    | Reassign
    | Recategorise
    | Hold
    | Resume
    | RaiseCounterAllegation
    | RecordSurveyResponse,
    Field(discriminator="type"),
]

ACTION_TYPES: tuple[str, ...] = tuple(
    get_args(model.model_fields["type"].annotation)[0] for model in get_args(get_args(Action)[0])
)
