"""Every committed case history must replay against the current CaseWorkflow.

Open cases live for months: a code change that would make their histories replay differently
(a new activity, a timer moved, a step reordered) breaks them in production. The corpus in
``histories/`` is written by ``scripts/record_histories.py``, one case per main path; guard a
deliberate change with ``workflow.patched`` rather than re-recording to make this pass.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from temporalio import workflow
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer
from temporalio.workflow import NondeterminismError

# This module defines a workflow (_CarryOutRenamed), so the sandbox re-imports it: pass the
# worker (database, SMTP) through rather than re-import it there.
with workflow.unsafe.imports_passed_through():
    from contracts.case import PREPARE_CASE, CaseStart
    from workers.build import RUNNER
    from workflows.case import CaseWorkflow

# A fixed build id: without one the SDK hashes every loaded module's source (seconds, when no
# bytecode is cached). Replay does not depend on it.
BUILD_ID = "asb-replay-tests"
HISTORY_DIR = Path(__file__).parent / "histories"
HISTORIES = sorted(HISTORY_DIR.rglob("*.json"))  # later recordings go in subfolders
MAIN_PATHS = {
    "happy_path",
    "legal_action",
    "stalled",
    "anonymous",
    "domestic_abuse",
    "counter_allegation",
    "counter_allegation_linked",
    "hold_resume",
}


def _history(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(f"case-replay-{path.stem}", path.read_text())


# The first corpus recorded from the production path (services.cases.open_case), with a case
# that continued as new on a dev server.
PRODUCTION_PATH = HISTORY_DIR / "2026-12-services"


def test_the_corpus_holds_a_case_for_every_main_path() -> None:
    assert {path.stem for path in HISTORY_DIR.glob("*.json")} >= MAIN_PATHS
    assert {path.stem for path in PRODUCTION_PATH.glob("*.json")} >= MAIN_PATHS


def test_the_production_path_corpus_opens_cases_as_the_api_does() -> None:
    """No prepare_case local activity: the setup travels in the workflow's input."""
    for path in PRODUCTION_PATH.glob("*.json"):
        assert PREPARE_CASE not in path.read_text(), path.name


def test_the_corpus_holds_a_run_that_continued_as_new() -> None:
    events = _history(PRODUCTION_PATH / "continue_as_new.json").events
    assert events[-1].event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW
    continued = _history(PRODUCTION_PATH / "continued_run.json").events[0]
    started = continued.workflow_execution_started_event_attributes
    assert started.continued_execution_run_id  # the second run of the same case


@pytest.mark.parametrize(
    "path", HISTORIES, ids=lambda path: str(path.relative_to(HISTORY_DIR).with_suffix(""))
)
async def test_recorded_case_replays_against_the_current_workflow(path: Path) -> None:
    replayer = Replayer(
        workflows=[CaseWorkflow],
        data_converter=pydantic_data_converter,
        workflow_runner=RUNNER,  # the production worker's sandbox settings
        build_id=BUILD_ID,
    )
    result = await replayer.replay_workflow(_history(path))
    assert result.replay_failure is None


@workflow.defn(name="CaseWorkflow")
class _CarryOutRenamed(CaseWorkflow):
    """A non-deterministic change: the side effects now run as a differently named activity."""

    @workflow.run
    async def run(self, start: CaseStart) -> None:
        await super().run(start)

    carry_out_activity = "carry_out_v2"


async def test_replay_fails_when_the_workflow_changes_non_deterministically() -> None:
    """The replay test is not vacuous: the same corpus refuses a changed workflow."""
    replayer: Any = Replayer(
        workflows=[_CarryOutRenamed],
        data_converter=pydantic_data_converter,
        workflow_runner=RUNNER,
        build_id=BUILD_ID,
    )
    with pytest.raises(NondeterminismError, match="carry_out"):
        await replayer.replay_workflow(_history(HISTORY_DIR / "happy_path.json"))
