"""The shape of an action declaration: everything the engine knows about one officer action.

Each action is declared once, as an :class:`ActionSpec` next to its input model, in the module
of :mod:`domain.actions` named for its concept. The guards (:mod:`domain.guards`), the stage
machine, the supervisor view and the API's endpoints and roles all read these declarations;
nothing else lists actions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

from domain.case import CaseState
from domain.commands import LetterKind
from domain.effects import Effects
from domain.vocabulary import Actor, ActorRole

__all__ = [
    "OFFICERS",
    "SUPERVISORS",
    "ActionBase",
    "ActionRules",
    "ActionSpec",
    "Bound",
    "LetterFacts",
    "Reason",
    "StaffRole",
    "any_stage",
]

Reason = str | None
StaffRole = Literal["officer", "supervisor"]
OFFICERS: frozenset[StaffRole] = frozenset({"officer", "supervisor"})
SUPERVISORS: frozenset[StaffRole] = frozenset({"supervisor"})  # R19, R43, R46


class ActionBase(BaseModel):
    """Every action's input: who takes it (from the bearer token) and its own fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: Actor
    if TYPE_CHECKING:
        # Each model declares its own ``type: Literal[...]`` (the union's discriminator); this
        # tells mypy that every action has one, with no field added at run time.
        type: str


A = TypeVar("A", bound=ActionBase)
StageGuard = Callable[[CaseState], Reason]


def any_stage(s: CaseState) -> Reason:
    """The action fits every open stage."""
    return None


@dataclass(frozen=True)
class LetterFacts:
    """A letter the action may send and the facts (``SendLetter.data`` keys) it provides."""

    kind: LetterKind
    facts: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ActionRules:
    """What is known of an action without its input: enough to list, route and authorise it."""

    name: str
    summary: str
    roles: frozenset[StaffRole] = OFFICERS
    stage: StageGuard = any_stage  # may it be taken at the case's stage? (allowed_actions)
    progress: bool = True  # does it move the case on (the stall clock restarts)?
    on_hold: bool = False  # R17: allowed while the case is on hold?
    letters: tuple[LetterFacts, ...] = ()

    @property
    def input_model(self) -> type[ActionBase]:
        raise NotImplementedError  # every declaration is an ActionSpec

    @property
    def supervisor_only(self) -> bool:
        return "officer" not in self.roles

    def permits(self, role: ActorRole) -> bool:
        """Whether an actor of this role may take the action (the engine and admins act as
        staff, never as a supervisor)."""
        if role in ("admin", "system"):
            return not self.supervisor_only
        return role in self.roles


@dataclass(frozen=True, kw_only=True)
class ActionSpec(ActionRules, Generic[A]):
    """One action's declaration: its input model, rules, content checks and handler."""

    model: type[A]
    handler: Callable[[CaseState, A, datetime, Effects], None]
    content: Callable[[CaseState, A, datetime], Reason] | None = None
    name: str = field(default="", init=False)
    summary: str = field(default="", init=False)

    def __post_init__(self) -> None:
        type_field = self.model.model_fields["type"]
        object.__setattr__(self, "name", type_field.default)
        object.__setattr__(self, "summary", (self.model.__doc__ or "").strip())

    @property
    def input_model(self) -> type[ActionBase]:
        return self.model

    def bind(self, action: A) -> Bound:
        """The declaration applied to one action, its input type checked here."""

        def refusal(s: CaseState, now: datetime) -> Reason:
            return self.content(s, action, now) if self.content else None

        def apply(s: CaseState, now: datetime, fx: Effects) -> None:
            self.handler(s, action, now, fx)

        return Bound(rules=self, actor=action.actor, content_refusal=refusal, apply=apply)


@dataclass(frozen=True)
class Bound:
    """An action with its declaration, ready for the guards and the stage machine."""

    rules: ActionRules
    actor: Actor
    content_refusal: Callable[[CaseState, datetime], Reason]
    apply: Callable[[CaseState, datetime, Effects], None]
