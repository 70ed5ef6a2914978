"""The case view: the case workflow's payload for its query and update results, stored in
histories (update outcomes) and carried to the read model by ``UpdateReadModel``.

One of three model families that are never merged (docs/design.md): the API's schemas
(``edge/schemas.py``, converted by ``case_out``), these workflow payloads, and the read-model
rows (``db/models.py``, converted by ``activities/effects.py``). The wire shape of every class
here is fixed: histories recorded by earlier code hold it, and replay must decode it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.case import Awaited, CaseState, Clock, Escalation, Stage
from domain.clocks import due_instants
from domain.commands import (
    Command,
    MakeReferral,
    NotifySupervisor,
    OpenLinkedCase,
    RecordAction,
    RecordEvent,
    RecordIntake,
    SendLetter,
)
from domain.policy import ClosureReason
from domain.views import allowed_actions, awaiting

__all__ = [
    "CaseView",
    "DeadlineView",
    "UpdateReadModel",
    "WireCommand",
    "build_view",
    "with_read_model",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DeadlineView(_Model):
    clock: Clock
    due_at: datetime
    met_at: datetime | None
    breached_at: datetime | None
    escalations: int
    paused: bool
    stopped: bool
    overdue: bool


class CaseView(_Model):
    """What a supervisor query returns, and the read model row."""

    reference: str
    landlord: str
    policy_version: str
    stage: Stage
    tier: str
    categories: list[str] = Field(default_factory=list)
    channel: str | None = None
    linked_reference: str | None = None
    officer_id: str | None
    hate: bool
    domestic_abuse: bool
    anonymous: bool
    confidential: bool
    on_hold: bool
    hold_reason: str | None
    paused_seconds: int
    deadlines: list[DeadlineView]
    next_due_at: datetime | None
    overdue_clocks: list[Clock]
    awaiting: list[Awaited]
    escalations: list[Escalation]
    closure_review_open: bool
    closure_reason: ClosureReason | None
    case_review_threshold_met: bool
    incidents: int
    action_plan_version: int
    received_at: datetime
    closed_at: datetime | None
    finished: bool
    allowed_actions: list[str]


def _deadline_views(s: CaseState, now: datetime) -> list[DeadlineView]:
    return [
        DeadlineView(
            clock=d.clock,
            due_at=d.due_at,
            met_at=d.met_at,
            breached_at=d.breached_at,
            escalations=d.escalations,
            paused=d.paused,
            stopped=d.stopped_at is not None,
            overdue=d.open and not d.paused and d.due_at <= now,
        )
        for d in sorted(s.deadlines.values(), key=lambda d: list(Clock).index(d.clock))
    ]


def build_view(s: CaseState, now: datetime) -> CaseView:
    """The case state as the workflow answers it: converted field by field."""
    deadlines = _deadline_views(s, now)
    instants = due_instants(s)
    return CaseView(
        reference=s.reference,
        landlord=s.landlord,
        categories=list(s.categories),
        channel=s.channel,
        linked_reference=s.linked_reference,
        policy_version=s.policy.policy_version,
        stage=s.stage,
        tier=s.tier,
        officer_id=s.officer_id,
        hate=s.hate,
        domestic_abuse=s.domestic_abuse,
        anonymous=s.anonymous,
        confidential=s.confidential,
        on_hold=s.hold is not None,
        hold_reason=s.hold.reason if s.hold else None,
        paused_seconds=s.paused_seconds,
        deadlines=deadlines,
        next_due_at=min(instants) if instants and not s.finished else None,
        overdue_clocks=[d.clock for d in deadlines if d.overdue],
        awaiting=awaiting(s),
        escalations=s.escalations,
        closure_review_open=s.stage is Stage.CLOSURE_REVIEW,
        closure_reason=s.closed_reason,
        case_review_threshold_met=s.case_review.threshold_met_at is not None,
        incidents=len(s.incidents),
        action_plan_version=s.action_plan_version,
        received_at=s.received_at,
        closed_at=s.closed_at,
        finished=s.finished,
        allowed_actions=allowed_actions(s),
    )


class UpdateReadModel(_Model):
    """Upsert the database read model (lists and reports) from the case view."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(min_length=1, description="Deterministic business key for idempotency")
    reference: str
    type: Literal["update_read_model"] = "update_read_model"
    view: CaseView


# What the carry_out activity receives: the domain's commands and the read-model update.
WireCommand = Annotated[
    RecordEvent
    | SendLetter
    | MakeReferral
    | NotifySupervisor
    | OpenLinkedCase
    | RecordIntake
    | RecordAction
    | UpdateReadModel,
    Field(discriminator="type"),
]


def with_read_model(
    state: CaseState, commands: Sequence[Command], now: datetime
) -> list[WireCommand]:
    """A decision's commands and, last, the read-model row of the state they leave. Its key
    counts in the state like every command's (``f"{reference}:read:{n}"``), so the same
    history always yields the same keys."""
    n = state.counters.get("read", 0) + 1
    state.counters["read"] = n
    key = f"{state.reference}:read:{n}"
    view = build_view(state, now)
    return [*commands, UpdateReadModel(key=key, reference=state.reference, view=view)]
