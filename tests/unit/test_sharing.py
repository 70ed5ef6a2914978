"""Equal policies and holiday lists are shared between cases in a worker's memory, never altered.

The sharing happens in the payload converter the worker decodes histories with (core/sharing.py),
so the domain keeps no worker-wide state."""

from __future__ import annotations

from typing import Any

from contracts.case import CaseStart
from core.policies import load_policy
from core.settings import Settings
from core.sharing import shared_policy
from core.temporal import data_converter
from domain.case import CaseSetup, CaseState
from tests.unit.machine_support import setup, start


def _round_trip(value: Any, as_type: type) -> Any:
    """Encode and decode ``value`` as the worker's payload converter does for history."""
    converter = data_converter(Settings()).payload_converter
    return converter.from_payloads(converter.to_payloads([value]), [as_type])[0]


def test_states_decoded_from_history_share_one_policy_and_holiday_list() -> None:
    """Each case's history holds its own copy; a worker keeps one (about 40 KB a case)."""
    first, _ = start("X")
    a = _round_trip(first, CaseState)
    b = _round_trip(first, CaseState)
    assert a.policy is b.policy and a.holidays is b.holidays
    assert a == b == first  # same values: no behaviour changes


def test_a_new_cases_setup_shares_them_too() -> None:
    made = setup("X")
    a = _round_trip(made, CaseSetup)
    b = _round_trip(made, CaseSetup)
    assert a.policy is b.policy and a.holidays is b.holidays
    assert a == b == made


def test_a_state_carried_across_continue_as_new_shares_them() -> None:
    state, _ = start("X")
    carried = CaseStart(state=state, processed_update_ids=["u-1"])
    a = _round_trip(carried, CaseStart)
    b = _round_trip(carried, CaseStart)
    assert a.state.policy is b.state.policy and a.state.holidays is b.state.holidays
    assert a == b == carried


def test_a_different_policy_is_never_swapped_in() -> None:
    policy = load_policy("X")
    edited = policy.model_copy(update={"name": "Edited in place"})
    assert shared_policy(policy) is policy or shared_policy(policy) == policy
    assert shared_policy(edited) == edited
