"""One copy of each policy and holiday list for all the cases in a worker's memory.

Every case carries its policy snapshot and bank holidays (so they are fixed in its history);
decoded from history, each case would hold its own copy (about 40 KB), and the SDK keeps a run's
input alive for as long as the run. Both are immutable, and equal values are interchangeable, so
the payload converter swaps in one shared instance of each as it decodes a ``CaseSetup`` or a
``CaseState`` (the state a long case carries across continue-as-new, inside ``CaseStart``). This
changes no behaviour: every value decoded is equal to the one it would otherwise be.

The caches live here, in the worker's process, not in the domain: the sandbox re-imports a
workflow's modules for each run, but the payload converter is the worker's own object (the
SDK passes its factory into the sandbox), so its module state is shared by every case without
the domain keeping any.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from pydantic import BaseModel
from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import PydanticPayloadConverter

from domain.case import CaseSetup, CaseState
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


def share(value: Any) -> Any:
    """``value`` with the shared copies swapped into every CaseSetup and CaseState it holds
    (directly, or as a field of a decoded model such as ``CaseStart.state``)."""
    if isinstance(value, CaseSetup | CaseState):
        value.policy = shared_policy(value.policy)
        value.holidays = shared_holidays(value.holidays)
    elif isinstance(value, BaseModel):
        for field in type(value).model_fields:
            inner = getattr(value, field)
            if isinstance(inner, BaseModel) and not isinstance(inner, PolicyProfile):
                share(inner)
    return value


class SharingPayloadConverter(PydanticPayloadConverter):
    """Pydantic payloads (temporalio.contrib.pydantic), sharing policies and holiday lists."""

    def from_payloads(
        self, payloads: Sequence[Payload], type_hints: list[type] | None = None
    ) -> list[Any]:
        return [share(value) for value in super().from_payloads(payloads, type_hints)]
