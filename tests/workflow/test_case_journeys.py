"""Whole cases for each seed landlord, through months of simulated time on the time-skipping
server, with a real worker writing the record to SQLite and PostgreSQL.

Rule numbers refer to docs/rules.md.
"""

from __future__ import annotations

import pytest
from temporalio.api.enums.v1 import EventType

from domain.actions import (
    Acknowledge,
    AddEvidence,
    ApprovePeia,
    CompletePeia,
    DeclinePeia,
    EvidenceKind,
    Hold,
    InviteToInterview,
    LegalActionKind,
    LegalOutcome,
    LogIncident,
    RecordConsultation,
    RecordContact,
    RecordInterview,
    RecordLegalOutcome,
    RecordSurveyResponse,
    RequestClosure,
    Resume,
    StartLegalAction,
)
from domain.case import Stage
from tests.workflow.support import (
    ACTIONS_TAKEN,
    CLOSE_REASON,
    CLOSURE_LETTER,
    CONSULT_BEFORE_CLOSE,
    LANDLORDS,
    OFFICER,
    SUPERVISOR,
    SURVEY,
    CaseDriver,
    OpenedCase,
    deadline,
    through_action_plan,
    weekly_contact,
    written_warning,
)


async def _investigate(cases: CaseDriver, case: OpenedCase) -> None:
    """R26, R30, R33, R34, R40: interview, incident, evidence, a written warning."""
    await cases.skip(days=2)
    await cases.act(case, InviteToInterview(actor=OFFICER, party="alleged_perpetrator"))
    await cases.skip(days=5)
    await cases.act(case, RecordInterview(actor=OFFICER, party="alleged_perpetrator"))
    await cases.act(case, RecordContact(actor=OFFICER, outcome="made", channel="email"))
    await cases.act(case, LogIncident(actor=OFFICER, occurred_at=await cases.now()))
    await cases.act(case, AddEvidence(actor=OFFICER, kind=EvidenceKind.DIARY_SHEET, consent=True))
    await cases.act(case, written_warning(case))


async def _close(cases: CaseDriver, case: OpenedCase) -> None:
    """R46-R48: closure requested for the policy's reason, the complainant agrees where asked."""
    await cases.act(
        case,
        RequestClosure(
            actor=OFFICER, reason=CLOSE_REASON[case.landlord], actions_taken=ACTIONS_TAKEN
        ),
    )
    if CONSULT_BEFORE_CLOSE[case.landlord]:
        await cases.act(case, RecordConsultation(actor=OFFICER, outcome="agrees"))


@pytest.mark.parametrize("landlord", LANDLORDS)
async def test_happy_path_runs_to_closure_and_survey_r13_r14_r36_r37_r46_r50_r51(
    cases: CaseDriver, landlord: str
) -> None:
    """Two months of a case met on time: no escalation, the letters each policy promises,
    closure, the survey (R51) where the policy sends one, then the workflow completes."""
    case = await cases.open(landlord)
    assert case.view.stage is Stage.RECEIVED
    view = await through_action_plan(cases, case)
    assert view.stage is Stage.INVESTIGATION
    await _investigate(cases, case)
    view = await weekly_contact(cases, case, weeks=6)
    assert view.stage is Stage.NON_LEGAL_REMEDIES
    assert view.escalations == [] and view.overdue_clocks == []
    await _close(cases, case)

    view = await cases.view(case)
    assert view.closure_reason is CLOSE_REASON[landlord]
    closure_letter = CLOSURE_LETTER[landlord]
    expected = ["acknowledgement", "action_plan", "interview_invitation", "warning"]
    expected += [closure_letter] if closure_letter else []
    if SURVEY[landlord]:  # C, B, P ask at closure; Y a week after (R51)
        assert view.stage in (Stage.CLOSED, Stage.SURVEY) and not view.finished
        await cases.skip_past(deadline(view, "survey").due_at)
        view = await cases.view(case)
        assert view.stage is Stage.SURVEY
        expected.append("survey_invitation")
        view = await cases.act(case, RecordSurveyResponse(actor=OFFICER, score=4))
    assert await cases.letter_kinds(case.reference) == expected
    assert view.stage is Stage.FINISHED and view.finished
    await case.handle.result()  # the workflow completes: nothing left to wait for
    assert await cases.escalations(case.reference) == []
    row = await cases.read_model(case.reference)
    assert row is not None and row.stage == "finished" and row.closed_at is not None
    # Letters to the complainant went by email, the perpetrator's by post (R14 Y, R37 X).
    letters = await cases.letters(case.reference)
    emailed = {letter.key for letter in letters if letter.status == "sent"}
    assert emailed == {x.key for x in letters if x.party_id == case.complainant_id}
    assert len(cases.mails(case.reference)) == len(emailed)


async def test_a_retried_report_opens_one_case_r6(cases: CaseDriver) -> None:
    """The API retries update-with-start (same reference) after a lost response: the same
    case answers, no second run starts and nothing is recorded twice."""
    case = await cases.open("X")
    await cases.skip(hours=1)
    await cases.act(case, Acknowledge(actor=OFFICER))
    again = await cases.submit(case.reference, case.report)
    assert again.reference == case.reference and again.stage is Stage.RISK_ASSESSMENT
    types = await cases.event_types(case.handle)
    assert types.count(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED) == 1
    events = [e.action for e in await cases.events(case.reference)]
    assert events.count("open_case") == 1


# ---- legal action (R42-R44) ------------------------------------------------------------------

NON_LEGAL_FIRST = {"C": True, "Y": False, "X": True, "B": True, "P": False}  # R42
PEIA_REQUIRED = {"C": False, "Y": False, "X": True, "B": False, "P": True}  # R43


@pytest.mark.parametrize("landlord", LANDLORDS)
async def test_legal_action_waits_for_remedies_and_the_peia_the_policy_requires_r42_r43_r44(
    cases: CaseDriver, landlord: str
) -> None:
    case = await cases.open(landlord)
    await through_action_plan(cases, case)
    await cases.skip(days=3)
    start = StartLegalAction(actor=OFFICER, kind=LegalActionKind.INJUNCTION)
    if NON_LEGAL_FIRST[landlord]:
        refused = await cases.refuse(case, start)
        assert refused.reason == (
            f"Policy {landlord} requires non-legal remedies first (R42) and none has been "
            "applied; apply one, or claim an exception the policy allows."
        )
        await cases.act(case, written_warning(case))
        await cases.skip(days=7)
    if PEIA_REQUIRED[landlord]:
        refused = await cases.refuse(case, start)
        assert refused.reason == (
            f"Legal action needs a completed PEIA under policy {landlord} (R43); "
            "this case has none."
        )
        view = await cases.act(case, CompletePeia(actor=OFFICER, document_ref="peia-1"))
        assert view.stage is Stage.PEIA
        # R43: a supervisor declines it; legal action stays refused until a new PEIA.
        await cases.act(case, DeclinePeia(actor=SUPERVISOR, reason="No equality consideration"))
        refused = await cases.refuse(case, start)
        assert "declined by a supervisor (R43)" in refused.reason
        await cases.act(case, CompletePeia(actor=OFFICER, document_ref="peia-2"))
        refused = await cases.refuse(case, ApprovePeia(actor=OFFICER))
        assert refused.reason == "Only a supervisor may approve peia; you are officer."
        await cases.act(case, ApprovePeia(actor=SUPERVISOR))

    view = await cases.act(case, start)
    assert view.stage is Stage.LEGAL_ACTION
    refused = await cases.refuse(
        case,
        RecordLegalOutcome(actor=OFFICER, legal_action_no=2, outcome=LegalOutcome.GRANTED),
    )
    assert refused.reason == "There is no legal action number 2 on this case (R44)."
    await cases.skip(days=5)
    outcome = RecordLegalOutcome(actor=OFFICER, legal_action_no=1, outcome=LegalOutcome.GRANTED)
    view = await cases.act(case, outcome)
    assert view.stage is Stage.LEGAL_ACTION and not view.finished
    row = await cases.read_model(case.reference)
    assert row is not None and row.stage == "legal_action"


# ---- missed deadlines (R13, R14, R37, design: stall) ----------------------------------------


@pytest.mark.parametrize("landlord", LANDLORDS)
async def test_stalled_case_escalates_each_missed_deadline_again_while_unmet_r13_r14(
    cases: CaseDriver, landlord: str
) -> None:
    """Nobody acts: the first clock to fall due escalates to the supervisor, again every two
    working days while unmet, then the stall clock too; once the officer acts, it stops."""
    case = await cases.open(landlord)
    first = min(case.view.deadlines, key=lambda d: d.due_at)
    assert first.clock in ("acknowledgement", "first_contact")
    await cases.skip_past(first.due_at)
    view = await cases.view(case)
    assert first.clock in view.overdue_clocks
    assert [(e.clock, e.level) for e in view.escalations] == [(first.clock, 1)]
    (row,) = await cases.escalations(case.reference)
    assert (row.reason, row.clock, row.level, row.due_at, row.landlord) == (
        "deadline_missed",
        first.clock.value,
        1,
        first.due_at,
        landlord,  # the escalation report counts by it
    )

    await cases.skip(days=15)  # still nobody acts
    view = await cases.view(case)
    rows = await cases.escalations(case.reference)
    assert [(r.clock, r.level) for r in rows] == [
        (e.clock.value, e.level) for e in view.escalations
    ]
    levels = [r.level for r in rows if r.clock == first.clock.value]
    assert levels == list(range(1, len(levels) + 1)) and len(levels) >= 3  # again while unmet
    assert any(r.clock == "stall" for r in rows)  # 14 days without anything happening
    assert all(r.reason == "deadline_missed" for r in rows)
    # Each escalation is emailed to the supervisors once.
    assert len(cases.mails(case.reference)) == len(rows)

    await cases.act(case, Acknowledge(actor=OFFICER))
    await cases.act(case, RecordContact(actor=OFFICER, outcome="made", channel="phone"))
    await cases.skip(days=10)
    after = await cases.escalations(case.reference)
    assert [r.id for r in after] == [r.id for r in rows]  # met: no more escalations
    assert (await cases.view(case)).overdue_clocks == []


@pytest.mark.parametrize("landlord", ["X", "B"])
async def test_inactivity_opens_a_closure_review_never_a_closure_r47(
    cases: CaseDriver, landlord: str
) -> None:
    """X (4 weeks) and B (28 days): no contact, incident or report opens a closure review; the
    case stays open until an officer decides."""
    case = await cases.open(landlord)
    await through_action_plan(cases, case, interval_days=60)
    view = await cases.view(case)
    review = deadline(view, "closure_review")
    await cases.skip_past(review.due_at)
    view = await cases.view(case)
    assert view.stage is Stage.CLOSURE_REVIEW and view.closure_review_open
    assert view.closed_at is None and not view.finished
    rows = await cases.escalations(case.reference)
    assert "closure_review_due" in [r.reason for r in rows]
    # New contact ends the review: the case goes back to work (R47).
    view = await cases.act(case, RecordContact(actor=OFFICER, outcome="made", channel="phone"))
    assert view.stage is Stage.INVESTIGATION and not view.closure_review_open


# ---- hold (R17) ------------------------------------------------------------------------------


@pytest.mark.parametrize("landlord", ["C", "Y"])
async def test_hold_pauses_every_clock_and_resume_moves_them_on_r17(
    cases: CaseDriver, landlord: str
) -> None:
    case = await cases.open(landlord)
    await cases.skip(hours=1)
    view = await cases.act(case, Hold(actor=OFFICER, reason="complainant in hospital"))
    assert view.on_hold and view.next_due_at is None
    held = {d.clock: d.due_at for d in view.deadlines if not d.stopped and d.met_at is None}
    assert held and all(d.paused for d in view.deadlines if d.clock in held)
    refused = await cases.refuse(case, Acknowledge(actor=OFFICER))
    assert refused.reason.startswith("The case is on hold since ")
    assert refused.reason.endswith("(complainant in hospital): resume it before acknowledge (R17).")

    await cases.skip(days=30)  # every deadline would have passed
    assert (await cases.view(case)).escalations == []
    assert await cases.escalations(case.reference) == []

    view = await cases.act(case, Resume(actor=OFFICER, reason="complainant home again"))
    assert not view.on_hold and view.paused_seconds >= 30 * 24 * 3600
    for clock, due in held.items():
        moved = deadline(view, clock).due_at - due
        assert moved.total_seconds() == pytest.approx(view.paused_seconds, abs=3600)
    await cases.act(case, Acknowledge(actor=OFFICER))


async def test_timers_and_activities_carry_summaries_naming_the_clock_and_the_letter(
    cases: CaseDriver,
) -> None:
    """Issue 11: the Temporal UI and CLI show which clock a timer waits for and which letters an
    activity sends (user metadata, encrypted by the codec like every payload)."""
    case = await cases.open("C")
    await cases.act(case, Acknowledge(actor=OFFICER))
    history = await case.handle.fetch_history()
    converter = cases.env.client.data_converter
    summaries: dict[str, list[str]] = {"timer": [], "activity": []}
    for event in history.events:
        if not event.user_metadata.HasField("summary"):
            continue
        assert event.user_metadata.summary.metadata["encoding"] == b"binary/encrypted"
        [text] = await converter.decode([event.user_metadata.summary])
        kind = "timer" if event.HasField("timer_started_event_attributes") else "activity"
        summaries[kind].append(text)
    assert "Due: acknowledgement deadline" in summaries["timer"]
    assert any("letter acknowledgement" in s for s in summaries["activity"])
