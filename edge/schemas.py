"""HTTP request and response bodies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    JsonValue,
    StringConstraints,
    field_validator,
)

from contracts.view import CaseView
from core.policies import known_landlords, load_policy
from domain.actions import ACTION_TYPES
from domain.case import Awaited, Clock, Stage
from domain.policy import ClosureReason
from domain.triage import VulnerabilityAnswers
from domain.vocabulary import PartyRole
from services.cases import NewParty, NewReport


def _category_codes() -> list[JsonValue]:
    codes = {code for landlord in known_landlords() for code in load_policy(landlord).categories}
    return list[JsonValue](sorted(codes))


# A report logged after the fact must still be recent enough for its deadlines to mean something.
MAX_LATE_LOGGING = timedelta(days=366)


class Channel(StrEnum):
    phone = "phone"
    email = "email"
    web = "web"
    in_person = "in_person"
    letter = "letter"
    text = "text"
    social_media = "social_media"
    portal = "portal"
    third_party = "third_party"


class ContactChannel(StrEnum):
    email = "email"
    post = "post"
    phone = "phone"


class PartyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: PartyRole
    name: str | None = Field(None, max_length=200)
    address: str | None = Field(None, max_length=1000)
    email: EmailStr | None = None
    phone: str | None = Field(None, max_length=40)
    preferred_channel: ContactChannel = ContactChannel.post
    confidential: bool = False
    anonymous: bool = False


class ReportIn(BaseModel):
    """What any report carries, from an officer or from a resident."""

    model_config = ConfigDict(extra="forbid")

    # The enums document the allowed values (so generated clients and the stateful fuzz run
    # send real ones); the policy checks them, naming the allowed values in its 422.
    landlord: str = Field(
        ...,
        max_length=8,
        examples=["X"],
        json_schema_extra={"enum": list[JsonValue](known_landlords())},
    )
    categories: list[str] = Field(
        ...,
        min_length=1,
        max_length=20,
        examples=[["noise"]],
        description="Category codes of the landlord's policy",
        json_schema_extra={"items": {"type": "string", "enum": _category_codes()}},
    )
    description: str = Field(..., min_length=1, max_length=20_000)
    vulnerability: VulnerabilityAnswers = Field(default_factory=VulnerabilityAnswers)
    parties: list[PartyIn] = Field(
        ...,
        min_length=1,
        max_length=50,
        description="Exactly one complainant (may be anonymous)",
        json_schema_extra={
            "contains": {"properties": {"role": {"const": "complainant"}}, "required": ["role"]},
            "minContains": 1,
            "maxContains": 1,
        },
    )
    local_authority: str | None = Field(
        None,
        max_length=200,
        description="The local authority area of the ASB (R56: whose ASB Case Review applies);"
        " one of the landlord's (GET /landlord); needed where it works with several",
    )

    @field_validator("parties")
    @classmethod
    def _one_complainant(cls, parties: list[PartyIn]) -> list[PartyIn]:
        complainants = sum(1 for party in parties if party.role is PartyRole.COMPLAINANT)
        if complainants != 1:
            raise ValueError(f"exactly one party must have role complainant, not {complainants}")
        return parties


class OpenCaseIn(ReportIn):
    """A report logged by staff: any channel, possibly after the fact."""

    channel: Channel
    received_at: datetime | None = Field(
        None, description="When the report arrived, for one logged after the fact; never future"
    )

    @field_validator("received_at")
    @classmethod
    def _not_in_future(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("received_at needs a timezone offset, e.g. 2026-11-20T18:30:00Z")
        now = datetime.now(UTC)
        if value > now:
            raise ValueError("received_at cannot be in the future")
        if value < now - MAX_LATE_LOGGING:
            raise ValueError("received_at is more than a year ago; record it as a past incident")
        return value


# ---- responses: the API's own contract, converted explicitly from the workflow's payload ------
# The case view (contracts/view.py) is a payload fixed by recorded histories; CaseOut is what
# clients are promised. ``case_out`` maps one to the other field by field, so a change to either
# is a decision made here, and the enums (stage, clocks, what a case awaits, closure reasons)
# are the domain's own, so the OpenAPI document names every value a client can receive.


def _tier_codes() -> list[JsonValue]:
    codes = {code for landlord in known_landlords() for code in load_policy(landlord).tier_codes}
    return list[JsonValue](sorted(codes))


def _one_of(values: list[JsonValue]) -> dict[str, JsonValue]:
    return {"enum": values}


class DeadlineOut(BaseModel):
    clock: Clock
    due_at: datetime
    met_at: datetime | None
    breached_at: datetime | None
    escalations: int
    paused: bool
    stopped: bool
    overdue: bool


class EscalationOut(BaseModel):
    clock: Clock
    due_at: datetime
    breached_by_seconds: int
    level: int
    at: datetime


class CaseOut(BaseModel):
    """A case as staff see it: stage, clocks, flags, approvals awaited, allowed next actions."""

    reference: str
    landlord: str = Field(json_schema_extra=_one_of(list[JsonValue](known_landlords())))
    policy_version: str
    stage: Stage
    tier: str = Field(
        description="The risk tier, one of the landlord's (GET /landlord)",
        json_schema_extra=_one_of(_tier_codes()),
    )
    categories: list[str] = Field(json_schema_extra={"items": _one_of(_category_codes())})
    channel: str | None = Field(description="How the report arrived")
    linked_reference: str | None
    officer_id: str | None
    hate: bool
    domestic_abuse: bool
    anonymous: bool
    confidential: bool
    on_hold: bool
    hold_reason: str | None
    paused_seconds: int
    deadlines: list[DeadlineOut]
    next_due_at: datetime | None
    overdue_clocks: list[Clock]
    awaiting: list[Awaited]
    escalations: list[EscalationOut]
    closure_review_open: bool
    closure_reason: ClosureReason | None
    case_review_threshold_met: bool
    incidents: int
    action_plan_version: int
    received_at: datetime
    closed_at: datetime | None
    finished: bool
    allowed_actions: list[str] = Field(
        description="Officer actions the case accepts now (POST /cases/{reference}/actions/...)",
        json_schema_extra={"items": _one_of(list[JsonValue](ACTION_TYPES))},
    )


def case_out(view: CaseView) -> CaseOut:
    """The workflow's view (a payload in its history) as the API's response."""
    return CaseOut(
        reference=view.reference,
        landlord=view.landlord,
        policy_version=view.policy_version,
        stage=view.stage,
        tier=view.tier,
        categories=list(view.categories),
        channel=view.channel,
        linked_reference=view.linked_reference,
        officer_id=view.officer_id,
        hate=view.hate,
        domestic_abuse=view.domestic_abuse,
        anonymous=view.anonymous,
        confidential=view.confidential,
        on_hold=view.on_hold,
        hold_reason=view.hold_reason,
        paused_seconds=view.paused_seconds,
        deadlines=[
            DeadlineOut(
                clock=d.clock,
                due_at=d.due_at,
                met_at=d.met_at,
                breached_at=d.breached_at,
                escalations=d.escalations,
                paused=d.paused,
                stopped=d.stopped,
                overdue=d.overdue,
            )
            for d in view.deadlines
        ],
        next_due_at=view.next_due_at,
        overdue_clocks=list(view.overdue_clocks),
        awaiting=list(view.awaiting),
        escalations=[
            EscalationOut(
                clock=e.clock,
                due_at=e.due_at,
                breached_by_seconds=e.breached_by_seconds,
                level=e.level,
                at=e.at,
            )
            for e in view.escalations
        ],
        closure_review_open=view.closure_review_open,
        closure_reason=view.closure_reason,
        case_review_threshold_met=view.case_review_threshold_met,
        incidents=view.incidents,
        action_plan_version=view.action_plan_version,
        received_at=view.received_at,
        closed_at=view.closed_at,
        finished=view.finished,
        allowed_actions=list(view.allowed_actions),
    )


def new_report(body: OpenCaseIn) -> NewReport:
    """The API's schema to the service's input, field by field (the console's forms too)."""
    return NewReport(
        landlord=body.landlord,
        categories=list(body.categories),
        description=body.description,
        channel=body.channel.value,
        parties=[_new_party(party) for party in body.parties],
        vulnerability=body.vulnerability,
        received_at=body.received_at,
        local_authority=body.local_authority,
    )


def _new_party(party: PartyIn) -> NewParty:
    return NewParty(
        role=party.role,
        name=party.name,
        address=party.address,
        email=str(party.email) if party.email is not None else None,
        phone=party.phone,
        preferred_channel=party.preferred_channel.value,
        confidential=party.confidential,
        anonymous=party.anonymous,
    )


Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class CloseTaskIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason = Field(description="What was done, e.g. 'posted by hand on 3 March'")
