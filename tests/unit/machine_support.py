"""Shared builders for the stage-machine tests (tests/unit/test_machine_*.py).

Holidays are a literal list (England and Wales, 2026-2027, as core.bank_holidays gives them) so
the tests stay fast and never import the ``holidays`` package.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from pydantic import TypeAdapter

from core.policies import load_policy
from domain.actions import (
    Acknowledge,
    Action,
    Actor,
    AgreeActionPlan,
    RecordContact,
    RecordRiskAssessment,
    rules_for,
)
from domain.case import RULES_REVISION, CaseSetup, CaseState, OpenCase, PartyRef
from domain.commands import Command, SendLetter
from domain.machine import ActionRefused, check, decide, next_due, open_case, tick
from domain.policy import PolicyProfile
from domain.triage import VulnerabilityAnswers

LANDLORDS = ("C", "Y", "X", "B", "P")

HOLIDAYS = [
    date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 4), date(2026, 5, 25),
    date(2026, 8, 31), date(2026, 12, 25), date(2026, 12, 28), date(2027, 1, 1),
    date(2027, 3, 26), date(2027, 3, 29), date(2027, 5, 3), date(2027, 5, 31),
    date(2027, 8, 30), date(2027, 12, 27), date(2027, 12, 28),
]  # fmt: skip

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # Monday, office hours, GMT
OFFICER = Actor(user_id="officer-1", role="officer")
OFFICER_2 = Actor(user_id="officer-2", role="officer")
SUPERVISOR = Actor(user_id="super-1", role="supervisor")

COMPLAINANT = PartyRef(id="party-c", role="complainant", preferred_channel="email")
PERPETRATOR = PartyRef(id="party-p", role="alleged_perpetrator")

COMMANDS = TypeAdapter(list[Command])


def at(days: float = 0, hours: float = 0) -> datetime:
    return T0 + timedelta(days=days, hours=hours)


def setup(code: str, policy: PolicyProfile | None = None) -> CaseSetup:
    return CaseSetup(
        policy=policy or load_policy(code),
        holidays=HOLIDAYS,
        holidays_from=date(2026, 1, 1),
        holidays_to=date(2027, 12, 31),
        rules_revision=RULES_REVISION,
    )


def opened(code: str, categories: Iterable[str] = ("noise",), **changes: Any) -> OpenCase:
    fields: dict[str, Any] = {
        "reference": f"ASB-{code}-000001",
        "landlord": code,
        "categories": list(categories),
        "channel": "phone",
        "received_at": T0,
        "parties": [COMPLAINANT, PERPETRATOR],
        "vulnerability": VulnerabilityAnswers(),
    }
    fields.update(changes)
    return OpenCase(**fields)


def start(
    code: str,
    categories: Iterable[str] = ("noise",),
    policy: PolicyProfile | None = None,
    **changes: Any,
) -> tuple[CaseState, list[Command]]:
    return open_case(setup(code, policy), opened(code, categories, **changes), T0)


def apply(
    state: CaseState, steps: Iterable[tuple[float, Action]]
) -> tuple[CaseState, list[Command]]:
    """Apply (day offset, action) steps in order, running due timers before each one."""
    commands: list[Command] = []
    for day, action in steps:
        state, ticked = tick_until(state, at(day))
        state, produced = decide(state, action, at(day))
        assert_letters_declared(action, produced)
        commands.extend([*ticked, *produced])
    return state, commands


def assert_letters_declared(action: Action, produced: Iterable[Command]) -> None:
    """Every letter an action sends, and each fact in it, is in the action's declaration."""
    declared = {f.kind: set(f.facts) for f in rules_for(action.type).letters}
    for letter in letters(produced):
        assert letter.kind in declared, f"{action.type} sent an undeclared {letter.kind} letter"
        extra = set(letter.data) - declared[letter.kind]
        assert not extra, f"{action.type}: {letter.kind} carries undeclared facts {extra}"


def refuse(state: CaseState, action: Action, now: datetime) -> str:
    """Assert the action is refused, by check and by decide, and leaves the state unchanged."""
    before = state.model_dump(mode="json")
    with pytest.raises(ActionRefused) as by_check:
        check(state, action, now)
    with pytest.raises(ActionRefused) as by_decide:
        decide(state, action, now)
    assert state.model_dump(mode="json") == before
    assert by_check.value.reason == by_decide.value.reason
    assert by_check.value.reason.endswith(".")
    return by_check.value.reason


def through_plan(state: CaseState, day: float = 0.1) -> CaseState:
    """Acknowledge, first contact, risk assessment in the current tier, action plan."""
    state, _ = apply(
        state,
        [
            (day, Acknowledge(actor=OFFICER)),
            (day, RecordContact(actor=OFFICER, outcome="made", channel="phone")),
            (day, RecordRiskAssessment(actor=OFFICER, tier=state.tier)),
            (day, AgreeActionPlan(actor=OFFICER, agreed_contact_interval_days=7, summary_ref="p1")),
        ],
    )
    return state


def tick_until(state: CaseState, until: datetime) -> tuple[CaseState, list[Command]]:
    """Run the deadline loop the way the workflow does, up to ``until``."""
    commands: list[Command] = []
    while (due := next_due(state)) is not None and due <= until:
        state, produced = tick(state, due)
        commands.extend(produced)
    return state, commands


def letters(commands: Iterable[Command]) -> list[SendLetter]:
    return [c for c in commands if isinstance(c, SendLetter)]


def letter_kinds(commands: Iterable[Command]) -> list[str]:
    return [c.kind.value for c in letters(commands)]


def of_type(commands: Iterable[Command], type_: str) -> list[Any]:
    return [c for c in commands if c.type == type_]
