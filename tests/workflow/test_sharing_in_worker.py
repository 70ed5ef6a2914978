"""The worker shares one policy and holiday list between its cases (core/sharing.py): the cases'
inputs, decoded for the sandboxed workflow, pass through the worker's own payload converter, so
the shared copies live in the worker's process and not in the domain."""

from __future__ import annotations

from core import sharing
from core.policies import load_policy
from tests.workflow.support import CaseDriver


async def test_cases_run_by_the_worker_share_the_policy_they_opened_under(
    cases: CaseDriver,
) -> None:
    sharing._policies.clear()
    sharing._holidays.clear()
    first = await cases.open("X")
    second = await cases.open("X")
    assert first.view.reference != second.view.reference
    version = load_policy("X").policy_version
    # Filled only by decoding a case's input with the worker's converter (the sandbox's own
    # re-imported modules could not reach these dictionaries).
    assert list(sharing._policies) == [version]
    assert len(sharing._holidays) == 1
    assert sharing._policies[version] == load_policy("X")
