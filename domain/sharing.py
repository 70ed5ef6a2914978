"""One copy of each policy and holiday list for all the cases in a worker's memory.

Every case carries its policy snapshot and bank holidays (so they are fixed in its history);
decoded from history, each case would hold its own copy. Both are immutable, and equal values
are interchangeable, so a worker keeps one shared instance of each. This changes no behaviour:
it returns an object equal to the one it is given.
"""

from __future__ import annotations

from datetime import date

from domain.case import CaseState
from domain.policy import PolicyProfile

_policies: dict[str, PolicyProfile] = {}
_holidays: dict[tuple[date, ...], tuple[date, ...]] = {}


def shared_policy(policy: PolicyProfile) -> PolicyProfile:
    known = _policies.get(policy.policy_version)
    if known is not None and known == policy:
        return known
    _policies.setdefault(policy.policy_version, policy)
    return policy


def shared_holidays(holidays: tuple[date, ...]) -> tuple[date, ...]:
    return _holidays.setdefault(holidays, holidays)


def shared_state(state: CaseState) -> CaseState:
    return state.model_copy(
        update={
            "policy": shared_policy(state.policy),
            "holidays": shared_holidays(tuple(state.holidays)),
        }
    )
