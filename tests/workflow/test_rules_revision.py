"""Rules revision 1 through the real workflow: an anonymous report still escalates (R8, R13)."""

from __future__ import annotations

import pytest

from domain.actions import Acknowledge
from domain.case import Clock
from tests.workflow.support import LANDLORDS, OFFICER, CaseDriver


@pytest.mark.parametrize("landlord", LANDLORDS)
async def test_an_unassessed_anonymous_report_escalates_to_the_supervisor_r8_r13(
    cases: CaseDriver, landlord: str
) -> None:
    """Nothing goes to an anonymous reporter (R8), but nobody assessing the report by the
    landlord's own deadline is escalated like any other missed deadline."""
    case = await cases.open(landlord, anonymous=True)
    [due] = [d.due_at for d in case.view.deadlines if d.clock is Clock.ACKNOWLEDGEMENT]
    await cases.skip_past(due)
    view = await cases.act(case, Acknowledge(actor=OFFICER))
    assert [(e.clock, e.level) for e in view.escalations] == [(Clock.ACKNOWLEDGEMENT, 1)]
    [row] = await cases.escalations(case.reference)
    assert (row.reason, row.clock) == ("deadline_missed", "acknowledgement")
    assert await cases.letters(case.reference) == []  # R8: still nothing to the reporter
