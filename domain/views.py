"""The supervisor's view of a case (a query result and the read-model row)."""

from __future__ import annotations

from datetime import datetime

from domain.actions import ACTION_TYPES
from domain.case import Awaited, CaseState, CaseView, Clock, DeadlineView, Stage
from domain.clocks import due_instants
from domain.guards import approval_needed, consultation_needed, stage_refusal

__all__ = ["build_view"]


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


def _awaiting(s: CaseState) -> list[Awaited]:
    found: list[Awaited] = []
    if (
        s.policy.legal_gate.peia_supervisor_approval
        and s.peia.completed_at
        and not (s.peia.approved_at)
        and not s.peia.declined_at  # R43: declined, a new PEIA is awaited instead
    ):
        found.append("peia_approval")
    if s.closure is not None and s.is_open:
        if consultation_needed(s) and s.closure.consultation is None:
            found.append("closure_consultation")
        if approval_needed(s) and s.closure.approved_by is None:
            found.append("closure_approval")
    return found


def build_view(s: CaseState, now: datetime) -> CaseView:
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
        awaiting=_awaiting(s),
        escalations=s.escalations,
        closure_review_open=s.stage is Stage.CLOSURE_REVIEW,
        closure_reason=s.closed_reason,
        case_review_threshold_met=s.case_review.threshold_met_at is not None,
        incidents=len(s.incidents),
        action_plan_version=s.action_plan_version,
        received_at=s.received_at,
        closed_at=s.closed_at,
        finished=s.finished,
        allowed_actions=[t for t in ACTION_TYPES if stage_refusal(s, t) is None],
    )
