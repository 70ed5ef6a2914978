"""Builders for the what-if tests: recorded cases made by hand, replayed under two policies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.policies import load_policy
from domain.actions import Action
from domain.policy import PolicyProfile
from domain.simulation import Comparison, RecordedAction, RecordedCase, compare, replay, summarise
from tests.unit.machine_support import T0, opened, setup


def changed(code: str, version: str, **changes: Any) -> PolicyProfile:
    """The landlord's policy with some fields changed (``tiers`` by a function of each tier)."""
    data = load_policy(code).model_dump()
    data["policy_version"] = version
    tier_change = changes.pop("tier", None)
    if tier_change is not None:
        data["tiers"] = [tier_change(dict(t)) for t in data["tiers"]]
    for key, value in changes.items():
        section, _, name = key.partition("__")
        if name:
            data[section] = {**data[section], name: value}
        else:
            data[section] = value
    return PolicyProfile.model_validate(data)


def case(code: str, reference: str, *steps: tuple[datetime, Action]) -> RecordedCase:
    actions = tuple(RecordedAction(at, action) for at, action in steps)
    return RecordedCase(reference, setup(code), opened(code, reference=reference), T0, actions)


def run(cases: list[RecordedCase], proposed: PolicyProfile, until: datetime) -> Comparison:
    pairs = []
    for c in cases:
        now, _ = replay(c, until)
        trial = c.setup.model_copy(update={"policy": proposed})
        then, _ = replay(RecordedCase(c.reference, trial, c.opened, c.opened_at, c.actions), until)
        pairs.append((now, then))
    current = summarise("current", [a for a, _ in pairs], until)
    return compare(current, summarise("proposed", [b for _, b in pairs], until), pairs, until)
