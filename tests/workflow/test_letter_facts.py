"""Every letter kind, from a real case: the PDF says what the record holds, and nothing else.

Each test drives a case through the real workflow, worker and database, reads the stored PDF
back as text and checks each fact against its source: the case's deadlines (the domain's own
rules), the policy version stamped on the case, the landlord profile, the staff directory and
what the officer decided in the action (issue 12).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from activities.letters.render import long_date, long_datetime
from contracts.view import CaseView
from core.policies import load_policy, load_profile
from db.models import Letter, LetterDocument, OfficerTask
from domain.actions import (
    AbcTerms,
    Acknowledge,
    AddEvidence,
    AgreeActionPlan,
    ApplyRemedy,
    EvidenceKind,
    InviteToInterview,
    LogIncident,
    Reassign,
    RecordConsultation,
    RecordContact,
    RecordRiskAssessment,
    RecordSurveyResponse,
    RemedyKind,
    RequestClosure,
)
from domain.case import Clock
from domain.deadlines import contract_end
from domain.policy import ClosureReason
from tests.pdf_support import pdf_text
from tests.workflow.support import (
    ACTIONS_TAKEN,
    OFFICER,
    PLAN_ACTIONS,
    SUPERVISOR,
    CaseDriver,
    report_day,
    written_warning,
)

LONDON = ZoneInfo("Europe/London")
COMPLAINANT = ("Siobhan O'Brien", "Flat 2, 14 Acacia Avenue, Leeds LS6 2AB")  # support.py
PERPETRATOR = ("Dale Hughes", "16 Acacia Avenue, Leeds LS6 2AB")
SAM_JONES = ("Sam Jones", "Neighbourhood ASB Officer", "01632 960 911 or sam.jones@asb.example")
# Stand-ins the engine printed before issue 12; none may appear in any letter.
STAND_INS = (
    "officer.",
    "supervisor.",
    "None",
    "your local council",
    "It is causing distress",
    "the nuisance and anti-social behaviour clause of your tenancy agreement",
    "Not to cause nuisance or annoyance to neighbours",
    "The resident",
    "{{",
)


async def letter_texts(cases: CaseDriver, reference: str) -> dict[str, list[str]]:
    """kind -> the text of each of that kind's PDFs, in order."""
    async with cases.sessions() as session:
        rows = await session.execute(
            select(Letter.kind, Letter.status, Letter.error, LetterDocument.pdf)
            .outerjoin(LetterDocument, LetterDocument.letter_key == Letter.key)
            .where(Letter.reference == reference)
            .order_by(Letter.id)
        )
    texts: dict[str, list[str]] = {}
    for kind, status, error, pdf in rows.all():
        assert status in ("sent", "queued_for_post"), (kind, status, error)
        text = pdf_text(pdf)
        for stand_in in STAND_INS:
            assert stand_in not in text, (kind, stand_in)
        texts.setdefault(kind, []).append(text)
    return texts


def due_day(view: CaseView, clock: Clock) -> str:
    """The deadline a letter must promise, spelled as letters spell dates."""
    [deadline] = [d for d in view.deadlines if d.clock is clock and d.met_at is None]
    return long_date(deadline.due_at.astimezone(LONDON).date())


def local_day(instant: datetime) -> date:
    return instant.astimezone(LONDON).date()


def assert_signed_by_sam_jones(text: str) -> None:
    for fact in SAM_JONES:
        assert fact in text


def assert_letterhead(text: str, landlord: str) -> None:
    profile = load_profile(landlord)
    assert text.startswith(load_policy(landlord).name)
    assert f"Telephone {profile.phone} | {profile.email}" in text
    assert profile.office_hours in text


async def test_acknowledgement_and_action_plan_promise_the_case_deadlines_r13_r28_r37(
    cases: CaseDriver,
) -> None:
    """Connect: the acknowledgement names the officer from the directory and promises the
    first-contact deadline; the action plan lists the agreed actions and the next contact the
    agreed interval set (R13, R14, R28, R37)."""
    case = await cases.open("C")
    await cases.skip(hours=1)
    acknowledged = await cases.act(case, Acknowledge(actor=OFFICER))
    first_contact = due_day(acknowledged, Clock.FIRST_CONTACT)
    await cases.act(case, RecordContact(actor=OFFICER, outcome="made", channel="phone"))
    await cases.act(case, RecordRiskAssessment(actor=OFFICER, tier=case.view.tier))
    plan = AgreeActionPlan(actor=OFFICER, agreed_contact_interval_days=7, summary_ref="plan-1",
                           actions=PLAN_ACTIONS)  # fmt: skip
    planned = await cases.act(case, plan)
    texts = await letter_texts(cases, case.reference)

    [ack] = texts["acknowledgement"]
    assert_letterhead(ack, "C")
    assert f"{COMPLAINANT[0]} Flat 2 14 Acacia Avenue Leeds LS6 2AB" in ack
    assert f"Our reference: {case.reference}" in ack
    assert f"Thank you for contacting us on {long_date(local_day(case.view.received_at))}" in ack
    assert "Sam Jones, Neighbourhood ASB Officer, is dealing with your case" in ack
    assert f"We will contact you by {first_contact}" in ack  # the first-contact deadline (R14)
    assert_signed_by_sam_jones(ack)

    [action_plan] = texts["action_plan"]
    for action in PLAN_ACTIONS:
        assert action in action_plan
    assert "We agreed to keep in touch at least every 7 days." in action_plan
    assert f"We will next contact you by {due_day(planned, Clock.NEXT_CONTACT)}." in action_plan


async def test_a_new_officer_is_named_after_reassignment_r19(cases: CaseDriver) -> None:
    case = await cases.open("Y")
    await cases.skip(hours=1)
    await cases.act(case, Acknowledge(actor=OFFICER))
    await cases.act(case, Reassign(actor=SUPERVISOR, officer_id="officer.patel"))
    texts = await letter_texts(cases, case.reference)
    [first], [second] = texts["acknowledgement"], texts["officer_changed"]
    assert "Sam Jones" in first
    assert "Priya Patel, Senior ASB Officer, is dealing with your case" in second
    assert "01632 960 912 or priya.patel@asb.example" in second
    assert "Sam Jones" not in second


async def test_failed_contact_lists_the_attempts_as_recorded_r29(cases: CaseDriver) -> None:
    """Connexus writes after two failed attempts (R29): the channels and times recorded."""
    case = await cases.open("X")
    await cases.skip(hours=1)
    await cases.act(case, Acknowledge(actor=OFFICER))
    first_at = await cases.now()
    await cases.act(case, RecordContact(actor=OFFICER, outcome="failed_attempt", channel="phone"))
    await cases.skip(hours=26)
    second_at = await cases.now()
    await cases.act(case, RecordContact(actor=OFFICER, outcome="failed_attempt", channel="email"))
    [letter] = (await letter_texts(cases, case.reference))["failed_contact"]
    assert f"By telephone on {long_datetime(first_at)}" in letter
    assert f"By email on {long_datetime(second_at)}" in letter
    assert "By telephone at a different time of day" not in letter


async def test_interview_invitations_offer_the_appointment_given_r26_r30(
    cases: CaseDriver,
) -> None:
    case = await cases.open("C")
    await cases.skip(hours=1)
    await cases.act(case, Acknowledge(actor=OFFICER))
    at = (await cases.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    await cases.act(case, InviteToInterview(actor=OFFICER, party="alleged_perpetrator", at=at,
                                            place="our Church Street office"))  # fmt: skip
    await cases.act(case, InviteToInterview(actor=OFFICER, party="complainant", at=at,
                                            by_phone=True))  # fmt: skip
    texts = await letter_texts(cases, case.reference)
    perpetrator, complainant = texts["interview_invitation"]
    assert long_datetime(at) in perpetrator and "our Church Street office" in perpetrator
    assert "Noise" in perpetrator  # the category logged, as the stamped policy names it
    assert PERPETRATOR[0] in perpetrator and COMPLAINANT[0] not in perpetrator  # R9
    assert long_datetime(at) in complainant and COMPLAINANT[0] in complainant


async def test_noise_notice_warning_and_abc_state_what_the_officer_decided_r34_r40(
    cases: CaseDriver,
) -> None:
    case = await cases.open("C")
    await cases.skip(hours=1)
    await cases.act(case, Acknowledge(actor=OFFICER))
    await cases.act(case, RecordContact(actor=OFFICER, outcome="made", channel="phone"))
    await cases.act(case, RecordRiskAssessment(actor=OFFICER, tier=case.view.tier))
    await cases.act(case, AgreeActionPlan(actor=OFFICER, agreed_contact_interval_days=14,
                                          summary_ref="p", actions=PLAN_ACTIONS))  # fmt: skip
    monitoring_from = local_day(await cases.now())
    evidence = AddEvidence(actor=OFFICER, kind=EvidenceKind.NOISE_MONITORING, consent=True)
    await cases.act(case, evidence)
    warning = written_warning(case)
    await cases.act(case, warning)
    await cases.skip(days=7)
    start = local_day(await cases.now())
    terms = AbcTerms(
        behaviour="repeated loud music late at night",
        terms=["Not to play amplified music after 11pm", "Not to shout in the stairwell"],
        length_months=6,
        review_on=start + timedelta(days=42),
        tenancy_clauses=["Clause 4.1: not to cause a nuisance or annoyance to neighbours"],
    )
    abc = ApplyRemedy(actor=OFFICER, kind=RemedyKind.ACCEPTABLE_BEHAVIOUR_CONTRACT, abc=terms)
    await cases.act(case, abc)
    texts = await letter_texts(cases, case.reference)

    [notice] = texts["noise_monitoring_notice"]
    assert f"noise monitoring equipment from {long_date(monitoring_from)}" in notice

    [letter] = texts["warning"]
    assert warning.warning is not None
    assert f"What has been reported: {warning.warning.behaviour}" in letter
    assert f"It was reported on these dates: - {long_date(report_day(case))}" in letter
    for clause in warning.warning.tenancy_clauses:
        assert clause in letter
    assert "The effect it is having on others" not in letter  # the officer stated none
    assert f"{PERPETRATOR[0]} 16 Acacia Avenue Leeds LS6 2AB" in letter
    assert COMPLAINANT[0] not in letter and "Flat 2" not in letter  # R9
    assert_signed_by_sam_jones(letter)

    [contract] = texts["abc"]
    assert f"Why we are asking: {terms.behaviour}" in contract
    for term in terms.terms:
        assert f"- {term}" in contract
    end = contract_end(start, 6)  # the domain's rule for the length agreed
    assert f"starts on {long_date(start)} and lasts until {long_date(end)}" in contract
    assert f"We will review it with you on {long_date(terms.review_on)}" in contract
    assert terms.tenancy_clauses[0] in contract


async def test_case_review_rights_name_the_authority_and_its_contact_r56(
    cases: CaseDriver,
) -> None:
    """The third report in six months meets Connect's statutory-default threshold (R56)."""
    case = await cases.open("C")
    await cases.skip(hours=1)
    await cases.act(case, Acknowledge(actor=OFFICER))
    for _ in range(2):
        await cases.skip(days=1)
        await cases.act(case, LogIncident(actor=OFFICER, occurred_at=await cases.now()))
    [letter] = (await letter_texts(cases, case.reference))["case_review_rights"]
    [review] = load_profile("C").case_review
    assert f"In {review.local_authority}, you can ask for a case review" in letter
    assert f"To ask for a case review, contact {review.contact}." in letter
    assert "3 or more reports about the same problem in 6 months" in letter  # stamped policy


@pytest.mark.parametrize("landlord", ["C", "Y"])
async def test_closure_and_survey_letters_state_reason_actions_and_dates_r46_r50_r51(
    cases: CaseDriver, landlord: str
) -> None:
    """C tells the complainant it is closed (R50) and surveys at closure; Y confirms the
    completed actions in writing (R46) and surveys a week later (R51)."""
    case = await cases.open(landlord)
    await cases.skip(hours=1)
    await cases.act(case, Acknowledge(actor=OFFICER))
    await cases.act(case, RecordContact(actor=OFFICER, outcome="made", channel="phone"))
    await cases.skip(days=3)
    request = RequestClosure(actor=OFFICER, reason=ClosureReason.ASB_STOPPED,
                             actions_taken=ACTIONS_TAKEN)  # fmt: skip
    await cases.act(case, request)
    consulted = local_day(await cases.now())
    closed = await cases.act(case, RecordConsultation(actor=OFFICER, outcome="agrees"))
    [survey_due] = [d.due_at for d in closed.deadlines if d.clock is Clock.SURVEY]
    await cases.skip_past(survey_due)
    await cases.act(case, RecordSurveyResponse(actor=OFFICER, score=4))  # after the invitation
    texts = await letter_texts(cases, case.reference)

    [closure] = texts["closure_confirmation" if landlord == "Y" else "closure_notice"]
    assert "Why we have closed it: the anti-social behaviour has stopped" in closure
    assert f"What we did: - {ACTIONS_TAKEN[0]}" in closure
    assert f"Thank you for talking with us on {long_date(consulted)}" in closure

    [survey] = texts["survey_invitation"]
    assert f"?case={case.reference}" in survey
    closes = local_day(survey_due + timedelta(days=28))  # domain.clocks.SURVEY_RESPONSE_DAYS
    assert f"Please complete it by {long_date(closes)}." in survey


async def test_a_missing_fact_becomes_a_task_naming_it_not_a_letter(cases: CaseDriver) -> None:
    """A warning without what the officer decided is not sent: the task names each fact."""
    case = await cases.open("C")
    await cases.skip(hours=1)
    await cases.act(case, Acknowledge(actor=OFFICER))
    await cases.act(case, RecordContact(actor=OFFICER, outcome="made", channel="phone"))
    await cases.act(case, RecordRiskAssessment(actor=OFFICER, tier=case.view.tier))
    await cases.act(case, AgreeActionPlan(actor=OFFICER, agreed_contact_interval_days=7,
                                          summary_ref="p"))  # fmt: skip
    await cases.act(case, ApplyRemedy(actor=OFFICER, kind=RemedyKind.WRITTEN_WARNING))
    async with cases.sessions() as session:
        letters = {
            row.kind: row
            for row in (
                await session.scalars(select(Letter).where(Letter.reference == case.reference))
            )
        }
        tasks = list(
            await session.scalars(
                select(OfficerTask.summary).where(OfficerTask.reference == case.reference)
            )
        )
    assert letters["warning"].status == "missing_facts"
    assert letters["action_plan"].status == "missing_facts"
    async with cases.sessions() as session:
        stored = await session.get(LetterDocument, letters["warning"].key)
    assert stored is None  # nothing was produced to be sent
    [warning_task] = [t for t in tasks if "warning" in t]
    for fact in ("the behaviour the warning is about (R40)", "the dates of the incidents (R40)",
                 "the tenancy clauses breached"):  # fmt: skip
        assert fact in warning_task
    [plan_task] = [t for t in tasks if "action plan" in t]
    assert "the actions agreed in the action plan (R28)" in plan_task
