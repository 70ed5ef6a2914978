"""The case workflow's contract: its type, id, update, query and activity names, and payloads."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Final

from pydantic import BaseModel, Field

from contracts.view import WireCommand
from domain.case import CaseSetup, CaseState, OpenCase
from domain.commands import MakeReferral, NotifySupervisor, SendLetter

__all__ = [
    "CARRY_OUT",
    "CASE_WORKFLOW",
    "DELIVER",
    "OPEN_UPDATE",
    "PREPARE_CASE",
    "REPORT_UNSENT",
    "SENDING_QUERY",
    "VIEW_QUERY",
    "CaseStart",
    "CommandBatch",
    "Deliverable",
    "Delivery",
    "PrepareCase",
    "new_case",
    "workflow_id",
]

CASE_WORKFLOW: Final = "CaseWorkflow"
OPEN_UPDATE: Final = "open"  # update-with-start: returns once the case is open
VIEW_QUERY: Final = "view"  # the supervisor's view (CaseView)
# How many letters, referrals and supervisors' emails the case is still sending (int).
SENDING_QUERY: Final = "sending"
CARRY_OUT: Final = "carry_out"  # the activity that carries out one decision's commands
# Sending one letter, referral or supervisor's email recorded by carry_out, in the background
# of the case (an officer's action never waits for the mail server), and telling the officer
# when one has waited longer than the policy allows (PolicyProfile.unsent_letter_task_hours).
DELIVER: Final = "deliver"
REPORT_UNSENT: Final = "report_unsent"
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
    # Runs started by this code answer an officer once the decision is recorded and send its
    # letters and referrals in the background (DELIVER, issue 22). Older runs decide by the
    # workflow's "deliver-letters-in-background" marker, as upserts_changes_only does.
    delivers_in_background: bool = False


def new_case(opened: OpenCase, setup: CaseSetup) -> CaseStart:
    """The input of a new case's workflow, as this version of the code runs it: with its setup
    (``CaseStart.setup`` stays optional only so that older histories decode)."""
    return CaseStart(
        opened=opened,
        setup=setup,
        upserts_changes_only=True,
        local_escalations=True,
        delivers_in_background=True,
    )


class PrepareCase(BaseModel):
    landlord: str
    received_at: datetime


class CommandBatch(BaseModel):
    """The side effects of one decision, carried out by one activity (each keyed, idempotent)."""

    reference: str
    commands: list[WireCommand]
    # Set by runs past the workflow's "deliver-in-background" marker: carry_out only records
    # (letters and referrals as pending rows) and returns the keys the workflow then delivers
    # with DELIVER. Unset (older histories, an activity retried from before the change): it
    # also sends, as it always did.
    deliver_later: bool = False


# What DELIVER sends: the command recorded by carry_out, whose row's status is the guard.
Deliverable = SendLetter | MakeReferral | NotifySupervisor


class Delivery(BaseModel):
    """One recorded letter, referral or supervisor's email to send (exactly once, by its key)."""

    reference: str
    command: Annotated[Deliverable, Field(discriminator="type")]
    waited_hours: int = 0  # REPORT_UNSENT: how long it has waited, for the officer's task
