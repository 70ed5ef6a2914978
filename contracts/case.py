"""The case workflow's contract: its type, id, update, query and activity names, and payloads."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from pydantic import BaseModel, Field

from contracts.view import WireCommand
from domain.case import CaseSetup, CaseState, OpenCase

__all__ = [
    "CARRY_OUT",
    "CASE_WORKFLOW",
    "OPEN_UPDATE",
    "PREPARE_CASE",
    "VIEW_QUERY",
    "CaseStart",
    "CommandBatch",
    "PrepareCase",
    "new_case",
    "workflow_id",
]

CASE_WORKFLOW: Final = "CaseWorkflow"
OPEN_UPDATE: Final = "open"  # update-with-start: returns once the case is open
VIEW_QUERY: Final = "view"  # the supervisor's view (CaseView)
CARRY_OUT: Final = "carry_out"  # the activity that carries out one decision's commands
# The activity that computed a case's policy and holidays inside older histories; new cases
# carry their setup in CaseStart (services.cases.open_case), so it runs only on replay.
PREPARE_CASE: Final = "prepare_case"
# Officer actions are updates named after the action type (domain.actions.ACTION_TYPES).


def workflow_id(reference: str) -> str:
    """One workflow id per case, across continue-as-new."""
    return f"case-{reference}"


class CaseStart(BaseModel):
    """Input of a case workflow run: a new case, or the state carried over by continue-as-new."""

    opened: OpenCase | None = None
    # Policy and holidays for a new case; when absent the workflow asks an activity for them.
    setup: CaseSetup | None = None
    state: CaseState | None = None
    # Update ids already applied: the server deduplicates only within one run (docs/design.md).
    processed_update_ids: list[str] = Field(default_factory=list)
    # Runs started by this code upsert only the search attributes that changed. Older runs,
    # whose input lacks the flag, decide by a workflow.patched marker, which costs every new
    # case a marker and a visibility write of its own (TemporalChangeVersion).
    upserts_changes_only: bool = False
    # Runs started by this code carry out a deadline's escalation as a local activity: in the
    # worker, inside the workflow task the timer woke, without a round trip through the
    # server's activity queue (a storm of deadlines, issue 15). Older runs keep the activity
    # their histories recorded.
    local_escalations: bool = False


def new_case(opened: OpenCase, setup: CaseSetup) -> CaseStart:
    """The input of a new case's workflow, as this version of the code runs it: with its setup
    (``CaseStart.setup`` stays optional only so that older histories decode)."""
    return CaseStart(opened=opened, setup=setup, upserts_changes_only=True, local_escalations=True)


class PrepareCase(BaseModel):
    landlord: str
    received_at: datetime


class CommandBatch(BaseModel):
    """The side effects of one decision, carried out by one activity (each keyed, idempotent)."""

    reference: str
    commands: list[WireCommand]
