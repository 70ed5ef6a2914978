"""Cases whose flags change what the engine does, for each seed landlord: anonymous (R8),
domestic abuse (R24), hate incidents (R25) and counter-allegations (R31).

Rule numbers refer to docs/rules.md.
"""

from __future__ import annotations

import pytest
from temporalio.client import WorkflowExecutionStatus

from contracts.case import OPEN_UPDATE
from contracts.view import CaseView
from core.policies import load_policy
from domain.actions import (
    Acknowledge,
    LogIncident,
    RaiseCounterAllegation,
    Recategorise,
    RecordContact,
    RequestClosure,
)
from domain.case import Stage
from tests.workflow.support import (
    ACTIONS_TAKEN,
    CLOSE_REASON,
    LANDLORDS,
    OFFICER,
    CaseDriver,
    through_action_plan,
    written_warning,
)


def _highest(landlord: str) -> str:
    return load_policy(landlord).highest.code


def _lowest(landlord: str) -> str:
    return load_policy(landlord).lowest.code


@pytest.mark.parametrize("landlord", LANDLORDS)
async def test_anonymous_complainant_gets_no_letter_and_no_feedback_clock_r8(
    cases: CaseDriver, landlord: str
) -> None:
    """Logged and investigated, but nothing is sent to an anonymous complainant, no
    acknowledgement or first-contact clock runs, and closure needs no consultation or survey."""
    case = await cases.open(landlord, anonymous=True)
    assert case.view.anonymous and case.view.confidential
    clocks = {d.clock.value for d in case.view.deadlines}
    # R8: nobody to contact; R13: the landlord's own deadline for assessing it still runs.
    assert "first_contact" not in clocks and "acknowledgement" in clocks
    refused = await cases.refuse(
        case, RecordContact(actor=OFFICER, outcome="failed_attempt", channel="phone")
    )
    assert refused.reason == (
        "The complainant is anonymous (R8): there is no one to attempt to contact."
    )

    await through_action_plan(cases, case)
    await cases.skip(days=7)
    await cases.act(case, written_warning(case))
    await cases.skip(days=7)
    view = await cases.act(
        case,
        RequestClosure(actor=OFFICER, reason=CLOSE_REASON[landlord], actions_taken=ACTIONS_TAKEN),
    )
    assert view.stage is Stage.FINISHED and view.awaiting == []  # no consultation, no survey
    await case.handle.result()

    letters = await cases.letters(case.reference)
    assert [(letter.kind, letter.party_id) for letter in letters] == [
        ("warning", case.perpetrator_id)  # the perpetrator is still told (R40)
    ]
    assert letters[0].status == "queued_for_post", letters[0].error
    assert cases.mails(case.reference) == []


@pytest.mark.parametrize("landlord", LANDLORDS)
async def test_domestic_abuse_is_referred_for_safeguarding_at_once_r21_r24(
    cases: CaseDriver, landlord: str
) -> None:
    """DA reported: highest tier, a safeguarding referral and a supervisor alert on opening."""
    case = await cases.open(landlord, ("domestic_abuse",))
    assert case.view.domestic_abuse and case.view.tier == _highest(landlord)
    referrals = await cases.referrals(case.reference)
    assert [(r.agency, r.sharing_basis, r.party_id) for r in referrals] == [
        ("safeguarding", "safeguarding", case.complainant_id)
    ]
    alerts = await cases.escalations(case.reference)
    assert [a.reason for a in alerts] == ["safeguarding"]
    assert (cases.mail_dir / f"{case.reference}.notify.1.eml").exists()  # supervisors emailed
    if len(load_policy(landlord).tiers) > 1:
        lower = Recategorise(actor=OFFICER, tier=_lowest(landlord), reason="seems minor")
        refused = await cases.refuse(case, lower)
        assert refused.reason == (
            f"A domestic abuse case may not go below tier {_highest(landlord)!r} (R24, R25)."
        )


@pytest.mark.parametrize("landlord", LANDLORDS)
async def test_hate_incident_is_always_the_highest_tier_r15_r25_r56(
    cases: CaseDriver, landlord: str
) -> None:
    """A hate incident opens in the highest tier and cannot be downgraded; one logged later on
    another case lifts that case too. B's case review threshold is a single hate incident."""
    case = await cases.open(landlord, ("hate_incident",))
    assert case.view.hate and case.view.tier == _highest(landlord)
    if len(load_policy(landlord).tiers) > 1:
        lower = Recategorise(actor=OFFICER, tier=_lowest(landlord), reason="seems minor")
        refused = await cases.refuse(case, lower)
        assert refused.reason == (
            f"A hate case may not go below tier {_highest(landlord)!r} (R24, R25)."
        )
    assert case.view.case_review_threshold_met is (landlord == "B")
    review_letters = ["case_review_rights"] if landlord == "B" else []
    assert await cases.letter_kinds(case.reference) == review_letters

    noise = await cases.open(landlord, ("noise",))
    await cases.skip(days=1)
    view = await cases.act(
        noise, LogIncident(actor=OFFICER, occurred_at=await cases.now(), hate=True)
    )
    assert view.hate and view.tier == _highest(landlord)


@pytest.mark.parametrize("landlord", LANDLORDS)
async def test_counter_allegation_opens_a_linked_case_of_its_own_r31(
    cases: CaseDriver, landlord: str
) -> None:
    """X (and C, Y, B, which say nothing) open a new linked case; P routes it to GNM (R10)."""
    case = await cases.open(landlord)
    await cases.skip(hours=2)
    await cases.act(case, Acknowledge(actor=OFFICER))
    counter = RaiseCounterAllegation(actor=OFFICER, categories=["verbal_abuse"], channel="phone")
    if landlord == "P":
        refused = await cases.refuse(case, counter)
        assert refused.reason == (
            "Policy P routes counter-allegations in neighbour disputes to Good Neighbourhood "
            "Management, not a new ASB case (R10, R31)."
        )
        assert await cases.status(case.counter_allegation_id) is None
        return

    view = await cases.act(case, counter)
    assert view.stage is Stage.RISK_ASSESSMENT  # the original case carries on
    assert await cases.status(case.counter_allegation_id) is WorkflowExecutionStatus.RUNNING
    linked = cases.client.get_workflow_handle(case.counter_allegation_id)
    # The linked case opens on its own; its "open" update answers once it has (as for the API).
    linked_view: CaseView = await linked.execute_update(OPEN_UPDATE, result_type=CaseView)
    assert linked_view.linked_reference == case.reference
    assert linked_view.stage is Stage.RECEIVED and linked_view.categories == ["verbal_abuse"]
    assert linked_view.landlord == landlord and not linked_view.finished
    row = await cases.read_model(linked_view.reference)
    assert row is not None and row.linked_reference == case.reference
