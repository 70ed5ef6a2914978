"""Facts about a case that several action declarations check (guards) or use (handlers).

Each returns ``None`` or one plain-English sentence naming the stage, the policy or the rule
(docs/rules.md) that stands in the way.
"""

from __future__ import annotations

from domain.case import CaseState, Stage
from domain.policy import ConsultBeforeClose
from domain.vocabulary import ConsultationOutcome

__all__ = [
    "MIN_FAILED_ATTEMPTS",
    "Reason",
    "acknowledged",
    "approval_needed",
    "consultation_needed",
    "first",
    "floor_tier",
    "no_closure_pending",
    "perpetrator_known",
    "plan_agreed",
    "tier_refusal",
    "unreachable_reason",
]

Reason = str | None
MIN_FAILED_ATTEMPTS = 2  # R29/R46: attempts before a complainant counts as unreachable


def first(*reasons: Reason) -> Reason:
    return next((r for r in reasons if r), None)


def acknowledged(s: CaseState) -> Reason:
    if s.stage is Stage.RECEIVED:
        return "The case is still at the received stage: acknowledge it first (R6, R13)."
    return None


def plan_agreed(s: CaseState) -> Reason:
    if s.action_plan_version == 0:
        return (
            f"No action plan has been agreed (stage {s.stage.value}): agree the action plan "
            "with the complainant first (R36)."
        )
    return None


def no_closure_pending(s: CaseState) -> Reason:
    if s.closure is not None:
        return (
            f"A closure request ({s.closure.reason.value}) is pending: withdraw it before "
            "taking further enforcement steps (R46)."
        )
    return None


def perpetrator_known(s: CaseState) -> Reason:
    if s.perpetrator is None:
        return "No alleged perpetrator is identified on this case (R32): identify them first."
    return None


def floor_tier(s: CaseState) -> str | None:
    """R24/R25: the lowest tier a hate or domestic-abuse case may have.

    The policy's hate / DA tier where it sets one; otherwise the highest tier (engine default:
    R25 "always high risk", R24 "a 1-WD contact timer still applies").
    """
    triage = s.policy.triage
    floors: list[str] = []
    if s.hate:
        floors.append(triage.hate_tier or s.policy.highest.code)
    if s.domestic_abuse:
        floors.append(triage.domestic_abuse_tier or s.policy.highest.code)
    return s.policy.highest_tier(floors) if floors else None


def tier_refusal(s: CaseState, tier: str) -> Reason:
    if tier not in s.policy.tier_codes:
        tiers = ", ".join(s.policy.tier_codes)
        return f"Tier {tier!r} is not a tier of policy {s.landlord}: {tiers} (R15)."
    floor = floor_tier(s)
    if floor is not None and s.policy.tier_rank(tier) > s.policy.tier_rank(floor):
        flag = "hate" if s.hate else "domestic abuse"
        return f"A {flag} case may not go below tier {floor!r} (R24, R25)."
    return None


def consultation_needed(s: CaseState) -> bool:
    """R46: consult the complainant before closing (C, Y, P; B aims for consent). R8: not if
    anonymous."""
    return not s.anonymous and (
        s.policy.closure.consult_before_close is not ConsultBeforeClose.NOT_REQUIRED
    )


def approval_needed(s: CaseState) -> bool:
    """R46 (B): closing against the complainant's objection needs a supervisor, where the
    policy allows it at all (C, Y, P do not: the request stays blocked until withdrawn)."""
    override = ConsultBeforeClose.AIM_FOR_CONSENT_MANAGER_MAY_OVERRIDE
    return (
        s.closure is not None
        and s.closure.consultation is ConsultationOutcome.OBJECTS
        and s.policy.closure.consult_before_close is override
    )


def unreachable_reason(s: CaseState) -> Reason:
    """R29, R47 (B): the complainant counts as unreachable only after enough tries."""
    needed = s.policy.contact.failed_attempts_before_letter or MIN_FAILED_ATTEMPTS
    c = s.contact
    if c.failed_attempts < needed:
        return (
            f"Only {c.failed_attempts} failed contact attempt(s) since the last contact; "
            f"{needed} are needed before the complainant counts as unreachable (R29, R46)."
        )
    if s.policy.closure.varied_contact_attempts_before_close and len(c.failed_channels) < 2:
        return (
            f"Policy {s.landlord} requires contact attempts by a variety of methods before "
            "closing (R47); every failed attempt so far used one channel."
        )
    return None
