"""Every action, composed from the concept modules: the union the workflow and the API accept,
and the dispatch from an action to its declaration.

Each concept module (``intake``, ``investigation``, ...) owns its actions' union, its list of
declarations (``SPECS``) and its own exhaustive ``bind``; this module has one entry per concept,
never one per action. Adding an action to a concept touches only that module (and its tests).
Dispatch stays exhaustive: a concept missing here leaves its models unmatched, and a model
that subclasses no concept's base reaches ``assert_never``; mypy fails on either.
"""

from __future__ import annotations

from typing import Annotated, assert_never

from pydantic import Field

from domain.actions import closure, intake, investigation, legal, remedies, supervision
from domain.actions.spec import ActionRules, Bound
from domain.errors import UnknownValueError

__all__ = ["ACTIONS", "ACTION_TYPES", "Action", "bind", "rules_for"]

Action = Annotated[
    intake.IntakeAction
    | investigation.InvestigationAction
    | remedies.RemedyAction
    | legal.LegalAction
    | closure.ClosureAction
    | supervision.SupervisionAction,
    Field(discriminator="type"),
]

# Concept by concept, in the order officers meet them (the order of CaseView.allowed_actions).
ACTIONS: tuple[ActionRules, ...] = (
    *intake.SPECS,
    *investigation.SPECS,
    *remedies.SPECS,
    *legal.SPECS,
    *closure.SPECS,
    *supervision.SPECS,
)
ACTION_TYPES: tuple[str, ...] = tuple(rules.name for rules in ACTIONS)
_BY_TYPE: dict[str, ActionRules] = {rules.name: rules for rules in ACTIONS}


def rules_for(action_type: str) -> ActionRules:
    """The declaration of an action type; an unknown type names the allowed ones."""
    try:
        return _BY_TYPE[action_type]
    except KeyError:
        raise UnknownValueError("action", action_type, ACTION_TYPES) from None


def bind(action: Action) -> Bound:
    """An action with its own declaration (typed: each handler gets its own input model)."""
    match action:
        case intake.IntakeStep():
            return intake.bind(action)
        case investigation.InvestigationStep():
            return investigation.bind(action)
        case remedies.RemedyStep():
            return remedies.bind(action)
        case legal.LegalStep():
            return legal.bind(action)
        case closure.ClosureStep():
            return closure.bind(action)
        case supervision.SupervisionStep():
            return supervision.bind(action)
        case _:
            assert_never(action)
