"""What the case view reports that takes a rule to decide: the approvals awaited and the actions
allowed now. The view itself is a workflow payload (contracts/view.py)."""

from __future__ import annotations

from domain.actions import ACTION_TYPES
from domain.case import Awaited, CaseState
from domain.guards import approval_needed, consultation_needed, stage_refusal

__all__ = ["allowed_actions", "awaiting"]


def awaiting(s: CaseState) -> list[Awaited]:
    """R43, R46: the approvals and consultations the case waits for."""
    found: list[Awaited] = []
    if (
        s.policy.legal_gate.peia_supervisor_approval
        and s.peia.completed_at
        and not (s.peia.approved_at)
        and not s.peia.declined_at  # R43: declined, a new PEIA is awaited instead
    ):
        found.append(Awaited.PEIA_APPROVAL)
    if s.closure is not None and s.is_open:
        if consultation_needed(s) and s.closure.consultation is None:
            found.append(Awaited.CLOSURE_CONSULTATION)
        if approval_needed(s) and s.closure.approved_by is None:
            found.append(Awaited.CLOSURE_APPROVAL)
    return found


def allowed_actions(s: CaseState) -> list[str]:
    """The actions the case's stage allows now, in the order officers meet them."""
    return [t for t in ACTION_TYPES if stage_refusal(s, t) is None]
