"""One copy of each policy and holiday list for all the cases in a worker's memory.

Every case carries its policy snapshot and bank holidays (so they are fixed in its history);
decoded from history, each case would hold its own copy, and the SDK keeps a run's input alive
for as long as the run. Both are immutable, and equal values are interchangeable, so
``CaseSetup`` and ``CaseState`` swap in one shared instance of each as they are validated. This
changes no behaviour: each function returns an object equal to the one it is given.
"""

from __future__ import annotations

from datetime import date

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
