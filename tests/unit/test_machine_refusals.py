"""Every refused action leaves the state unchanged and gives a reason (docs/design.md, validators).

``machine_support.refuse`` asserts, for each case below, that ``check`` and ``decide`` both raise
ActionRefused with the same sentence and that the state dumps identically before and after.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from contracts.view import build_view as view
from domain.actions import (
    ACTION_TYPES,
    Acknowledge,
    Action,
    AddEvidence,
    AgreeActionPlan,
    ApplyRemedy,
    ApproveClosure,
    ApprovePeia,
    CompletePeia,
    DeclinePeia,
    EvidenceKind,
    Hold,
    InviteToInterview,
    LegalActionKind,
    LegalOutcome,
    LogIncident,
    MakeReferralAction,
    RaiseCounterAllegation,
    Reassign,
    Recategorise,
    RecordConsultation,
    RecordContact,
    RecordInterview,
    RecordLegalOutcome,
    RecordRiskAssessment,
    RecordSurveyResponse,
    RemedyKind,
    RequestClosure,
    Resume,
    ReviseActionPlan,
    StartLegalAction,
    WithdrawClosure,
)
from domain.case import CaseState
from domain.machine import ActionRefused, check, decide
from domain.policy import ClosureReason
from tests.unit.machine_support import (
    OFFICER,
    SUPERVISOR,
    apply,
    at,
    refuse,
    start,
    through_plan,
    tick_until,
)

_SAMPLE_LIST: list[Action] = [
    Acknowledge(actor=OFFICER),
    RecordContact(actor=OFFICER, outcome="made", channel="phone"),
    RecordRiskAssessment(actor=OFFICER, tier="less_serious"),
    AgreeActionPlan(actor=OFFICER, agreed_contact_interval_days=7, summary_ref="p"),
    ReviseActionPlan(actor=OFFICER, summary_ref="p2"),
    InviteToInterview(actor=OFFICER, party="alleged_perpetrator"),
    RecordInterview(actor=OFFICER, party="complainant"),
    LogIncident(actor=OFFICER, occurred_at=at(0)),
    AddEvidence(actor=OFFICER, kind=EvidenceKind.PHOTO, consent=True),
    ApplyRemedy(actor=OFFICER, kind=RemedyKind.SUPPORT_REFERRAL),
    MakeReferralAction(actor=OFFICER, agency="police", consent=True, sharing_basis="consent"),
    CompletePeia(actor=OFFICER, document_ref="d"),
    ApprovePeia(actor=SUPERVISOR),
    DeclinePeia(actor=SUPERVISOR, reason="no equality assessment"),
    StartLegalAction(actor=OFFICER, kind=LegalActionKind.INJUNCTION),
    RecordLegalOutcome(actor=OFFICER, legal_action_no=1, outcome=LegalOutcome.GRANTED),
    RequestClosure(actor=OFFICER, reason=ClosureReason.ASB_STOPPED),
    RecordConsultation(actor=OFFICER, outcome="agrees"),
    ApproveClosure(actor=SUPERVISOR),
    WithdrawClosure(actor=OFFICER, reason="r"),
    Reassign(actor=SUPERVISOR, officer_id="officer-7"),
    Recategorise(actor=OFFICER, tier="serious", reason="risk rose"),
    Hold(actor=OFFICER, reason="away"),
    Resume(actor=OFFICER, reason="back"),
    RaiseCounterAllegation(actor=OFFICER, categories=["noise"], channel="phone"),
    RecordSurveyResponse(actor=OFFICER, score=3),
]
SAMPLES: dict[str, Action] = {a.type: a for a in _SAMPLE_LIST}


def test_samples_cover_every_action_type() -> None:
    assert set(SAMPLES) == set(ACTION_TYPES)


def _received() -> CaseState:
    return start("C")[0]


def _planned() -> CaseState:
    return through_plan(start("C")[0])


def _closed() -> CaseState:
    state = _planned()
    state, _ = apply(
        state,
        [
            (2, RequestClosure(actor=OFFICER, reason=ClosureReason.ASB_STOPPED)),
            (2, RecordConsultation(actor=OFFICER, outcome="agrees")),
        ],
    )
    return state


def _finished() -> CaseState:
    state, _ = tick_until(_closed(), at(3))
    state, _ = decide(state, SAMPLES["record_survey_response"], at(4))
    return state


@pytest.mark.parametrize("action_type", [t for t in ACTION_TYPES if t != "record_survey_response"])
def test_closed_case_refuses_everything_but_the_survey(action_type: str) -> None:
    reason = refuse(_closed(), SAMPLES[action_type], at(3))
    assert reason == "The case is closed: only a survey response can be recorded now."


@pytest.mark.parametrize("action_type", ACTION_TYPES)
def test_finished_case_refuses_everything(action_type: str) -> None:
    assert refuse(_finished(), SAMPLES[action_type], at(5))


@pytest.mark.parametrize("builder", [_received, _planned, _closed, _finished])
def test_actions_outside_allowed_list_are_refused(builder: Callable[[], CaseState]) -> None:
    state = builder()
    allowed = set(view(state, at(3)).allowed_actions)
    for action_type in set(ACTION_TYPES) - allowed:
        with pytest.raises(ActionRefused):
            check(state, SAMPLES[action_type], at(3))


def test_allowed_list_at_the_received_stage() -> None:
    allowed = view(_received(), at(0)).allowed_actions
    assert "acknowledge" in allowed and "agree_action_plan" not in allowed
    assert "make_referral" in allowed and "apply_remedy" in allowed  # twin track (R23)


REFUSALS: list[tuple[str, Callable[[], CaseState], Action, str]] = [
    ("plan before risk assessment", _received, SAMPLES["agree_action_plan"], "(R18, R36)"),
    ("risk assessment before ack", _received, SAMPLES["record_risk_assessment"], "(R6, R13)"),
    ("second acknowledgement", _planned, SAMPLES["acknowledge"], "already acknowledged"),
    ("second plan", _planned, SAMPLES["agree_action_plan"], "already agreed"),
    ("revise with no plan", _received, SAMPLES["revise_action_plan"], "(R36)"),
    ("approve missing PEIA", _planned, SAMPLES["approve_peia"], "(R43)"),
    ("decline missing PEIA", _planned, SAMPLES["decline_peia"], "(R43)"),
    ("outcome without action", _planned, SAMPLES["record_legal_outcome"], "(R44)"),
    ("consult with no request", _planned, SAMPLES["record_consultation"], "(R46)"),
    ("approve with no request", _planned, SAMPLES["approve_closure"], "(R46)"),
    ("withdraw with no request", _planned, SAMPLES["withdraw_closure"], "(R46)"),
    ("survey while open", _planned, SAMPLES["record_survey_response"], "(R51)"),
    ("unknown tier", _planned, Recategorise(actor=OFFICER, tier="L9", reason="r"), "(R15)"),
    ("same tier", _planned, Recategorise(actor=OFFICER, tier="less_serious", reason="r"), "R16"),
    ("blank reason", _planned, Recategorise(actor=OFFICER, tier="serious", reason=" "), "R16"),
    (
        "future incident",
        _planned,
        LogIncident(actor=OFFICER, occurred_at=at(30)),
        "in the future",
    ),
    (
        "reassign to same officer",
        _planned,
        Reassign(actor=SUPERVISOR, officer_id="officer-1"),
        "already assigned",
    ),
    (
        "acknowledged by supervisor with no officer",
        _received,
        Acknowledge(actor=SUPERVISOR),
        "(R6, R19)",
    ),
    (
        "officer reassigning",
        _planned,
        Reassign(actor=OFFICER, officer_id="officer-7"),
        "Only a supervisor may reassign",
    ),
]


@pytest.mark.parametrize(
    ("builder", "action", "expected"),
    [pytest.param(b, a, e, id=name) for name, b, a, e in REFUSALS],
)
def test_refused_with_reason_and_state_unchanged(
    builder: Callable[[], CaseState], action: Action, expected: str
) -> None:
    assert expected in refuse(builder(), action, at(3))


def test_survey_response_refused_where_no_survey() -> None:
    state = through_plan(start("X")[0])
    request = RequestClosure(actor=OFFICER, reason=ClosureReason.COMPLAINANT_REPORTS_CEASED)
    state, _ = decide(state, request, at(2))
    assert "finished" in refuse(state, SAMPLES["record_survey_response"], at(3))
