"""Equal policies and holiday lists are shared between cases in memory, never altered."""

from __future__ import annotations

from domain.policy import load_policy
from domain.sharing import shared_policy, shared_state
from tests.unit.machine_support import start


def test_equal_states_share_one_policy_and_holiday_list() -> None:
    first, _ = start("X")
    second, _ = start("X")
    a, b = shared_state(first.model_copy(deep=True)), shared_state(second.model_copy(deep=True))
    assert a.policy is b.policy and a.holidays is b.holidays
    assert a == first and b == second  # same values: no behaviour changes


def test_a_different_policy_is_never_swapped_in() -> None:
    policy = load_policy("X")
    edited = policy.model_copy(update={"name": "Edited in place"})
    assert shared_policy(policy) is policy or shared_policy(policy) == policy
    assert shared_policy(edited) == edited
