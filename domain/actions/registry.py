"""Every action, collected from the concept modules' declarations: the union the workflow and the
API accept, and the dispatch from an action to its declaration.

An action is its declaration (an :class:`ActionSpec` at module level in the module named for its
concept) plus its tests: nothing here or in the concept module lists it again. The union, the
list and the dispatch are all built from the same declarations, so none of them can miss one:
there is no hand-written ``match`` to fall out of date, and two declarations of one action type
or one input model fail at import.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias, Union

from pydantic import Field

from domain.actions import closure, intake, investigation, legal, remedies, supervision
from domain.actions.spec import ActionBase, ActionRules, ActionSpec, Bound
from domain.errors import DomainError, UnknownValueError

__all__ = ["ACTIONS", "ACTION_TYPES", "Action", "bind", "declared_in", "rules_for"]

# Concept by concept, in the order officers meet them (the order of CaseView.allowed_actions).
CONCEPTS: tuple[ModuleType, ...] = (intake, investigation, remedies, legal, closure, supervision)


def declared_in(module: ModuleType) -> tuple[ActionSpec[Any], ...]:
    """A concept module's declarations, in the order the module declares them."""
    return tuple(value for value in vars(module).values() if isinstance(value, ActionSpec))


_SPECS: tuple[ActionSpec[Any], ...] = tuple(s for m in CONCEPTS for s in declared_in(m))
ACTIONS: tuple[ActionRules, ...] = _SPECS
ACTION_TYPES: tuple[str, ...] = tuple(rules.name for rules in ACTIONS)
_BY_TYPE: dict[str, ActionRules] = {rules.name: rules for rules in ACTIONS}
_BY_MODEL: dict[type[ActionBase], ActionSpec[Any]] = {spec.model: spec for spec in _SPECS}
if len(_BY_TYPE) != len(ACTIONS) or len(_BY_MODEL) != len(ACTIONS):
    raise DomainError("an action type or input model is declared twice in domain/actions")

if TYPE_CHECKING:
    # What mypy sees: every action is an ActionBase, and bind() hands each handler its own
    # model (ActionSpec[A].bind is typed per declaration).
    Action: TypeAlias = ActionBase
else:
    # What pydantic validates: exactly the declared models, told apart by their ``type``.
    Action = Annotated[Union[tuple(s.model for s in _SPECS)], Field(discriminator="type")]  # noqa: UP007


def rules_for(action_type: str) -> ActionRules:
    """The declaration of an action type; an unknown type names the allowed ones."""
    try:
        return _BY_TYPE[action_type]
    except KeyError:
        raise UnknownValueError("action", action_type, ACTION_TYPES) from None


def bind(action: Action) -> Bound:
    """An action with its own declaration (each handler gets its own input model)."""
    try:
        spec = _BY_MODEL[type(action)]
    except KeyError:
        raise UnknownValueError("action", type(action).__name__, ACTION_TYPES) from None
    return spec.bind(action)
