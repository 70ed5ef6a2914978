"""Equal policies and holiday lists are shared between cases in memory, never altered."""

from __future__ import annotations

from core.policies import load_policy
from domain.case import CaseSetup, CaseState
from domain.sharing import shared_policy
from tests.unit.machine_support import setup, start


def test_states_decoded_from_history_share_one_policy_and_holiday_list() -> None:
    """Each case's history holds its own copy; a worker keeps one (about 40 KB a case)."""
    first, _ = start("X")
    a = CaseState.model_validate_json(first.model_dump_json())
    b = CaseState.model_validate_json(first.model_dump_json())
    assert a.policy is b.policy and a.holidays is b.holidays
    assert a == b == first  # same values: no behaviour changes


def test_a_new_cases_setup_shares_them_too() -> None:
    made = setup("X")
    decoded = CaseSetup.model_validate_json(made.model_dump_json())
    assert decoded.policy is made.policy and decoded.holidays is made.holidays


def test_a_different_policy_is_never_swapped_in() -> None:
    policy = load_policy("X")
    edited = policy.model_copy(update={"name": "Edited in place"})
    assert shared_policy(policy) is policy or shared_policy(policy) == policy
    assert shared_policy(edited) == edited
