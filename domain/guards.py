"""Guards: may this action be taken on this case now? (docs/design.md, update validators)

:func:`refusal` returns ``None`` or one plain-English sentence that names the stage, the policy
or the rule (docs/rules.md) that stands in the way. Every check comes from the action's
declaration (:mod:`domain.actions`), in layers:

1. lifecycle: a closed case takes only a survey response; hold (R17) allows only the actions
   declared ``on_hold``;
2. stage: the action's stage guard (also used for ``allowed_actions``);
3. role: the roles the action declares;
4. content: the action's own fields against the policy and the case.
"""

from __future__ import annotations

from datetime import datetime

from domain.actions import Action, ActionRules, bind, rules_for
from domain.calendar import require_aware
from domain.case import CaseState, Stage
from domain.errors import DomainError
from domain.predicates import Reason, approval_needed, consultation_needed, floor_tier
from domain.vocabulary import ActorRole

__all__ = [
    "ActionRefused",
    "approval_needed",
    "consultation_needed",
    "floor_tier",
    "refusal",
    "stage_refusal",
]


class ActionRefused(DomainError):
    """An action is not allowed on this case now. ``reason`` is shown to the officer as is."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def _closed_refusal(s: CaseState, action_type: str) -> Reason:
    if action_type != "record_survey_response":
        return f"The case is {s.stage.value}: only a survey response can be recorded now."
    if s.finished or s.stage is Stage.FINISHED:
        return "The case is finished: the survey has closed (R51)."
    if s.anonymous or not s.policy.survey.offered:
        anon = "the complainant is anonymous (R8)"
        why = anon if s.anonymous else f"policy {s.landlord} has none"
        return f"No survey is sent on this case: {why} (R51)."
    return None


def _rules_refusal(s: CaseState, rules: ActionRules) -> Reason:
    if not s.is_open:
        return _closed_refusal(s, rules.name)
    if s.hold is not None and not rules.on_hold:
        return (
            f"The case is on hold since {s.hold.since:%Y-%m-%d} ({s.hold.reason}): "
            f"resume it before {rules.name.replace('_', ' ')} (R17)."
        )
    return rules.stage(s)


def stage_refusal(s: CaseState, action_type: str) -> Reason:
    """Layers 1-2: whether an action of this type fits the case's lifecycle and stage."""
    return _rules_refusal(s, rules_for(action_type))


def refusal(s: CaseState, action: Action, now: datetime) -> Reason:
    """The first reason the action is refused, or None when it may go ahead."""
    require_aware(now, "now")
    bound = bind(action)
    return (
        _rules_refusal(s, bound.rules)
        or _role_refusal(bound.rules, bound.actor.role)
        or bound.content_refusal(s, now)
    )


def _role_refusal(rules: ActionRules, role: ActorRole) -> Reason:
    if not rules.permits(role):
        return f"Only a supervisor may {rules.name.replace('_', ' ')}; you are {role}."
    return None
