"""Commands: the side effects the case workflow must carry out, as plain data.

The stage machine (:mod:`domain.machine`) never performs I/O. It returns these commands and the
workflow runs each one as an activity. Every command has a deterministic business ``key``
(``f"{reference}:{kind}:{n}"``, ``n`` taken from counters in the case state, never random) so
that the activity can be made idempotent with a unique constraint (docs/design.md, Activities).

Payloads carry ids, enums and dates; never names, addresses or narratives (docs/design.md, Where
state lives). The one exception is a letter's ``data``: the wording an officer decided for it
(a warning's behaviour and clauses, an ABC's terms, the actions taken), which the action carried
in and which holds no names or addresses; like every payload it is encrypted (core/codec.py).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, model_validator

from domain.case import Clock, OpenCase
from domain.vocabulary import Actor, PartyRole, SharingBasis

__all__ = [
    "Command",
    "LetterKind",
    "MakeReferral",
    "NotifyReason",
    "NotifySupervisor",
    "OpenLinkedCase",
    "RecordAction",
    "RecordEvent",
    "RecordIntake",
    "SendLetter",
]

Scalar = str | int | float | bool | None
# A letter's facts decided by the case: dates, counts, and lists of what the officer decided.
LetterValue = Scalar | list[str]


class NotifyReason(StrEnum):
    """Why a supervisor is told about a case (stored with each escalation, as its value)."""

    DEADLINE_MISSED = "deadline_missed"  # R13-R52: a clock breached
    CLOSURE_REVIEW_DUE = "closure_review_due"  # R46
    APPROVAL_AWAITED = "approval_awaited"
    SAFEGUARDING = "safeguarding"  # R10, R11


class LetterKind(StrEnum):
    """Every letter or email the engine produces, declared once: the case decides the first
    twelve (``SendLetter.kind``, kept in histories), the referral activities the last two. The
    letter layer (activities/letters) renders each kind; the values are stored as they are."""

    ACKNOWLEDGEMENT = "acknowledgement"  # R13: names the officer dealing with the case
    OFFICER_CHANGED = "officer_changed"  # R19: the named contact changed
    ACTION_PLAN = "action_plan"  # R28: agreed actions confirmed in writing
    FAILED_CONTACT = "failed_contact"  # R29: after N failed attempts
    INTERVIEW_INVITATION = "interview_invitation"  # R26 complainant, R30 alleged perpetrator
    NOISE_MONITORING_NOTICE = "noise_monitoring_notice"  # R34: perpetrator told in writing
    WARNING = "warning"  # R40: written warning to the perpetrator
    ABC = "abc"  # R40: acceptable behaviour contract
    CASE_REVIEW_RIGHTS = "case_review_rights"  # R56: right to an ASB Case Review
    CLOSURE_NOTICE = "closure_notice"  # R50: the case is closed, with the reason
    CLOSURE_CONFIRMATION = "closure_confirmation"  # R46 (Y): actions completed, in writing
    SURVEY_INVITATION = "survey_invitation"  # R51
    REFERRAL = "referral"  # R22, R38: email to a partner agency
    REFERRAL_CHASE = "referral_chase"  # R38: the agency has not answered


class _Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(min_length=1, description="Deterministic business key for idempotency")
    reference: str


class RecordEvent(_Command):
    """Append one entry to the case's audit trail (``case_events``)."""

    type: Literal["record_event"] = "record_event"
    action: str  # the action type or the timer that caused it (e.g. "tick:first_contact")
    summary: str  # plain English, no personal data
    actor: Actor
    at: datetime
    data: dict[str, Scalar] = Field(default_factory=dict)


class RecordIntake(_Command):
    """Keep what a case opened with, so it can be replayed under another policy (what-if)."""

    type: Literal["record_intake"] = "record_intake"
    at: datetime
    opened: OpenCase
    policy_version: str
    rules_revision: int
    holidays_from: date | None = None
    holidays_to: date | None = None


class RecordAction(_Command):
    """Keep an applied action's whole input with its instant, so it can be replayed (what-if).

    ``action`` is the action model as JSON (``Action`` cannot be named here: the actions import
    this module)."""

    type: Literal["record_action"] = "record_action"
    at: datetime
    action: dict[str, JsonValue]


class SendLetter(_Command):
    """Produce and send one letter. The letter layer resolves ids to names and addresses."""

    type: Literal["send_letter"] = "send_letter"
    kind: LetterKind
    to_role: PartyRole
    party_id: str
    officer_id: str | None = None
    # R9: the complainant asked for confidentiality (or is anonymous, R8). A letter to anyone
    # other than the complainant must not include anything that identifies them.
    confidential_complainant: bool = False
    channel: str | None = None  # the recipient's preferred channel, where known
    data: dict[str, LetterValue] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _drop_template(cls, data: object) -> object:
        """Letters recorded before 2026-12 carry a ``template`` nobody read; a retried activity
        may still bring one."""
        if isinstance(data, dict) and "template" in data:
            data = {k: v for k, v in data.items() if k != "template"}
        return data


class MakeReferral(_Command):
    """Refer a party to an agency (R20-R24, R38): the sharing basis is recorded with it."""

    type: Literal["make_referral"] = "make_referral"
    agency: str
    party_id: str | None
    consent: bool
    sharing_basis: SharingBasis
    reason: str


class NotifySupervisor(_Command):
    """Tell the supervisor about a missed deadline, a review or an approval awaited."""

    type: Literal["notify_supervisor"] = "notify_supervisor"
    reason: NotifyReason
    officer_id: str | None
    clock: Clock | None = None
    due_at: datetime | None = None
    breached_by_seconds: int | None = None
    level: int | None = None
    summary: str


class OpenLinkedCase(_Command):
    """Open a new case linked to this one (R31: counter-allegation)."""

    type: Literal["open_linked_case"] = "open_linked_case"
    case: OpenCase


Command = Annotated[
    RecordEvent
    | SendLetter
    | MakeReferral
    | NotifySupervisor
    | OpenLinkedCase
    | RecordIntake
    | RecordAction,
    Field(discriminator="type"),
]
