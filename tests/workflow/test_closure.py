"""Closing a case (R46-R50) on the real workflow: who must agree, who may override, and that
the engine never closes by itself. Rule numbers refer to docs/rules.md."""

from __future__ import annotations

import pytest
from temporalio.client import WorkflowExecutionStatus

from domain.actions import Acknowledge, ApproveClosure, RecordConsultation, RequestClosure
from domain.case import Stage
from domain.policy import ClosureReason
from tests.workflow.support import (
    ACTIONS_TAKEN,
    CLOSE_REASON,
    CLOSURE_LETTER,
    OFFICER,
    SUPERVISOR,
    CaseDriver,
    OpenedCase,
)


async def _acknowledged(cases: CaseDriver, landlord: str) -> OpenedCase:
    case = await cases.open(landlord)
    await cases.skip(hours=2)
    await cases.act(case, Acknowledge(actor=OFFICER))
    await cases.skip(days=5)
    return case


@pytest.mark.parametrize("landlord", ["C", "Y", "P"])
async def test_closure_is_refused_until_the_complainant_agrees_r46_r50_r51(
    cases: CaseDriver, landlord: str
) -> None:
    """C, Y and P close only after consulting the complainant, and never against them: not
    even a supervisor can close over an objection."""
    case = await _acknowledged(cases, landlord)
    view = await cases.act(
        case,
        RequestClosure(actor=OFFICER, reason=CLOSE_REASON[landlord], actions_taken=ACTIONS_TAKEN),
    )
    assert view.stage is Stage.CLOSURE_REVIEW and view.closed_at is None
    assert view.awaiting == ["closure_consultation"]
    refused = await cases.refuse(case, ApproveClosure(actor=SUPERVISOR))
    assert refused.reason == "No supervisor approval is awaited for this closure (R46)."

    view = await cases.act(case, RecordConsultation(actor=OFFICER, outcome="objects"))
    assert view.stage is Stage.CLOSURE_REVIEW and view.closed_at is None
    refused = await cases.refuse(case, ApproveClosure(actor=SUPERVISOR))
    assert refused.reason == "No supervisor approval is awaited for this closure (R46)."
    assert CLOSURE_LETTER[landlord] not in await cases.letter_kinds(case.reference)

    view = await cases.act(case, RecordConsultation(actor=OFFICER, outcome="agrees"))
    assert view.stage in (Stage.CLOSED, Stage.SURVEY) and view.closed_at is not None
    assert view.closure_reason is CLOSE_REASON[landlord]
    assert CLOSURE_LETTER[landlord] in await cases.letter_kinds(case.reference)  # R50

    await cases.skip(days=40)  # the survey goes out and nobody answers it (R51)
    await case.handle.result()  # the case finishes on its own once the survey closes
    view = await cases.view(case)
    assert view.finished and view.stage is Stage.FINISHED
    assert (await cases.letter_kinds(case.reference))[-1] == "survey_invitation"


async def test_x_closes_on_the_complainants_word_without_consultation_r46_r47_r48(
    cases: CaseDriver,
) -> None:
    """X needs no consultation: the complainant saying it has stopped is itself a ground."""
    case = await _acknowledged(cases, "X")
    refused = await cases.refuse(
        case, RequestClosure(actor=OFFICER, reason=ClosureReason.NO_FURTHER_CONTACT)
    )
    assert refused.reason.startswith(
        "Policy X allows closing for no contact only after 28 days without contact, "
        "incidents or reports (R47)"
    )
    refused = await cases.refuse(case, RequestClosure(actor=OFFICER, reason=ClosureReason.NOT_ASB))
    assert refused.reason.startswith("Policy X does not list not_asb as a closure reason (R48)")

    request = RequestClosure(actor=OFFICER, reason=ClosureReason.COMPLAINANT_REPORTS_CEASED)
    view = await cases.act(case, request)
    assert view.stage is Stage.FINISHED and view.closed_at is not None  # no survey at X (R51)
    assert view.awaiting == []
    await case.handle.result()
    assert await cases.status(case.handle.id) is WorkflowExecutionStatus.COMPLETED
    assert await cases.letter_kinds(case.reference) == ["acknowledgement"]  # X: no R50 letter


async def test_b_closes_against_the_complainants_wishes_only_with_a_supervisor_r46(
    cases: CaseDriver,
) -> None:
    """B aims for consent but a supervisor may close over an objection."""
    case = await _acknowledged(cases, "B")
    await cases.act(case, RequestClosure(actor=OFFICER, reason=ClosureReason.ASB_STOPPED))
    view = await cases.act(case, RecordConsultation(actor=OFFICER, outcome="objects"))
    assert view.awaiting == ["closure_approval"] and view.closed_at is None
    assert "approval_awaited" in [r.reason for r in await cases.escalations(case.reference)]
    refused = await cases.refuse(case, ApproveClosure(actor=OFFICER))
    assert refused.reason == "Only a supervisor may approve closure; you are officer."

    view = await cases.act(case, ApproveClosure(actor=SUPERVISOR))
    assert view.closed_at is not None and view.closure_reason is ClosureReason.ASB_STOPPED
