"""Remedies and the gate before legal action: R23, R40-R44. Rule numbers: docs/rules.md."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from core.policies import load_policy
from domain.actions import (
    Acknowledge,
    AddEvidence,
    ApplyRemedy,
    ApprovePeia,
    CompletePeia,
    DeclinePeia,
    EvidenceKind,
    LegalActionKind,
    LegalOutcome,
    RecordLegalOutcome,
    RemedyKind,
    RequestClosure,
    StartLegalAction,
)
from domain.case import CaseState, Stage
from domain.commands import Command
from domain.machine import decide
from domain.policy import ClosureReason, LegalGateException
from domain.views import awaiting
from tests.unit.machine_support import (
    OFFICER,
    OFFICER_2,
    SUPERVISOR,
    apply,
    at,
    letter_kinds,
    letters,
    refuse,
    start,
    through_plan,
)

NSP = LegalActionKind.NOTICE_SEEKING_POSSESSION
PERSON_AT_RISK = LegalGateException.PERSON_AT_RISK
CRIMINALITY = LegalGateException.CRIMINALITY_EVIDENCED


def _legal(exception: LegalGateException | None = None, actor=OFFICER) -> StartLegalAction:
    return StartLegalAction(actor=actor, kind=NSP, exception=exception)


def _planned(code: str, **kw) -> CaseState:
    state, _ = start(code, **kw)
    return through_plan(state)


def _acknowledged(code: str, **kw) -> CaseState:
    state, _ = start(code, **kw)
    state, _ = decide(state, Acknowledge(actor=OFFICER), at(0.1))
    return state


def test_legal_action_refused_until_non_legal_remedy_then_peia_r42_r43() -> None:
    state = _planned("X")
    assert "non-legal remedies first (R42)" in refuse(state, _legal(), at(1))
    state, _ = decide(state, ApplyRemedy(actor=OFFICER, kind=RemedyKind.VERBAL_WARNING), at(1))
    reason = refuse(state, _legal(), at(2))
    assert reason == "Legal action needs a completed PEIA under policy X (R43); this case has none."
    state, _ = decide(state, CompletePeia(actor=OFFICER, document_ref="peia-1"), at(2))
    assert state.stage is Stage.PEIA
    state, _ = decide(state, _legal(), at(3))
    assert state.stage is Stage.LEGAL_ACTION
    assert state.legal_actions[0].kind is NSP and state.legal_actions[0].exception is None


def _awaiting_approval() -> tuple[CaseState, list[Command]]:
    """A case of X with a completed PEIA, under X's policy changed to need its approval."""
    x = load_policy("X")
    gate = x.legal_gate.model_copy(update={"peia_supervisor_approval": True})
    state = _planned("X", policy=x.model_copy(update={"legal_gate": gate}))
    return apply(
        state,
        [
            (1, ApplyRemedy(actor=OFFICER, kind=RemedyKind.WRITTEN_WARNING)),
            (2, CompletePeia(actor=OFFICER, document_ref="peia-1")),
        ],
    )


def test_peia_needs_supervisor_approval_where_policy_says_r43() -> None:
    state, commands = _awaiting_approval()
    assert [c.reason for c in commands if c.type == "notify_supervisor"] == ["approval_awaited"]
    assert "approved by a supervisor" in refuse(state, _legal(), at(3))
    assert "Only a supervisor may approve peia" in refuse(
        state, ApprovePeia(actor=OFFICER_2), at(3)
    )
    state, _ = decide(state, ApprovePeia(actor=SUPERVISOR), at(3))
    assert state.peia.approved_by == SUPERVISOR.user_id
    state, _ = decide(state, _legal(), at(4))
    assert state.stage is Stage.LEGAL_ACTION


def test_peia_author_cannot_approve_it_r43() -> None:
    x = load_policy("X")
    gate = x.legal_gate.model_copy(update={"peia_supervisor_approval": True})
    state = _acknowledged("X", policy=x.model_copy(update={"legal_gate": gate}))
    state, _ = decide(state, CompletePeia(actor=SUPERVISOR, document_ref="d"), at(1))
    assert "other than its author" in refuse(state, ApprovePeia(actor=SUPERVISOR), at(1))


def test_r42_person_at_risk_allows_legal_action_first_but_not_before_peia() -> None:
    state = _acknowledged("X")
    assert "(R43)" in refuse(state, _legal(PERSON_AT_RISK), at(0.5))
    state, _ = apply(
        state,
        [
            (0.5, CompletePeia(actor=OFFICER, document_ref="peia-1")),
            (0.6, _legal(PERSON_AT_RISK)),
        ],
    )
    assert state.stage is Stage.LEGAL_ACTION
    assert state.remedies == [] and state.action_plan_version == 0
    assert state.legal_actions[0].exception is PERSON_AT_RISK


def test_r42_criminality_exception_needs_evidence() -> None:
    state = _acknowledged("X")
    state, _ = decide(state, CompletePeia(actor=OFFICER, document_ref="d"), at(0.5))
    assert "needs evidence" in refuse(state, _legal(CRIMINALITY), at(0.5))
    evidence = AddEvidence(actor=OFFICER, kind=EvidenceKind.CCTV, consent=False)
    state, _ = apply(state, [(0.6, evidence), (0.7, _legal(CRIMINALITY))])
    assert state.stage is Stage.LEGAL_ACTION


def test_r42_exception_must_be_one_the_policy_allows() -> None:
    state = _acknowledged("X")
    state, _ = decide(state, CompletePeia(actor=OFFICER, document_ref="d"), at(0.5))
    reason = refuse(state, _legal(LegalGateException.VERY_SERIOUS), at(0.5))
    assert reason == (
        "Policy X does not allow the exception very_serious (R42); "
        "allowed: person_at_risk, criminality_evidenced."
    )


def test_r42_other_exceptions_need_a_supervisor_b() -> None:
    state = _acknowledged("B")
    very_serious = LegalGateException.VERY_SERIOUS
    assert "needs a supervisor" in refuse(state, _legal(very_serious), at(0.5))
    state, _ = decide(state, _legal(very_serious, actor=SUPERVISOR), at(0.5))
    assert state.stage is Stage.LEGAL_ACTION  # B requires no PEIA


@pytest.mark.parametrize(
    ("code", "refused_without_peia"),
    [("Y", False), ("P", True), ("C", False), ("B", False)],
)
def test_peia_and_gate_follow_each_policy_r42_r43(code: str, refused_without_peia: bool) -> None:
    state = _planned(code)
    if load_policy(code).legal_gate.non_legal_first:
        assert "(R42)" in refuse(state, _legal(), at(1))
        state, _ = decide(state, ApplyRemedy(actor=OFFICER, kind=RemedyKind.VERBAL_WARNING), at(1))
    if refused_without_peia:
        assert "(R43)" in refuse(state, _legal(), at(2))
        state, _ = decide(state, CompletePeia(actor=OFFICER, document_ref="d"), at(2))
    state, _ = decide(state, _legal(), at(3))
    assert state.stage is Stage.LEGAL_ACTION


def test_legal_outcome_is_recorded_against_its_action_r44() -> None:
    state = _acknowledged("Y")
    state, _ = decide(state, _legal(), at(1))
    outcome = RecordLegalOutcome(
        actor=OFFICER, legal_action_no=1, outcome=LegalOutcome.GRANTED, hearing_at=at(20)
    )
    state, _ = decide(state, outcome, at(21))
    assert state.legal_actions[0].outcome is LegalOutcome.GRANTED
    wrong = outcome.model_copy(update={"legal_action_no": 2})
    assert "no legal action number 2" in refuse(state, wrong, at(21))


def test_legal_action_refused_while_closure_pending() -> None:
    state = _acknowledged("C")
    state, _ = decide(state, RequestClosure(actor=OFFICER, reason=ClosureReason.ASB_STOPPED), at(1))
    assert "closure request" in refuse(state, _legal(), at(2))


def test_legal_action_needs_a_known_perpetrator_r32() -> None:
    state, _ = start("Y", parties=[start("Y")[0].parties[0]])
    state, _ = decide(state, Acknowledge(actor=OFFICER), at(0.1))
    assert "(R32)" in refuse(state, _legal(), at(1))


# ---- remedies ---------------------------------------------------------------------------------


def test_warning_and_abc_letters_go_to_the_perpetrator_r40() -> None:
    state = _planned("B")
    state, commands = apply(
        state,
        [
            (1, ApplyRemedy(actor=OFFICER, kind=RemedyKind.WRITTEN_WARNING)),
            (2, ApplyRemedy(actor=OFFICER, kind=RemedyKind.ACCEPTABLE_BEHAVIOUR_CONTRACT)),
            (3, ApplyRemedy(actor=OFFICER, kind=RemedyKind.VERBAL_WARNING)),
        ],
    )
    assert letter_kinds(commands) == ["warning", "abc"]
    assert {letter.to_role for letter in letters(commands)} == {"alleged_perpetrator"}
    assert state.stage is Stage.NON_LEGAL_REMEDIES


def test_enforcement_remedy_needs_an_agreed_plan_r36() -> None:
    state = _acknowledged("P")
    reason = refuse(state, ApplyRemedy(actor=OFFICER, kind=RemedyKind.WRITTEN_WARNING), at(1))
    assert "(R36)" in reason


@pytest.mark.parametrize("kind", [RemedyKind.SUPPORT_REFERRAL, RemedyKind.TARGET_HARDENING])
def test_support_track_runs_at_any_open_stage_r23(kind: RemedyKind) -> None:
    state, _ = start("P")  # still at the received stage
    state, _ = decide(state, ApplyRemedy(actor=OFFICER, kind=kind), at(0.1))
    assert state.stage is Stage.RECEIVED and state.remedies[0].kind is kind


@pytest.mark.parametrize(
    ("agree", "criminality", "imbalance", "allowed"),
    [
        (True, False, False, True),
        (False, False, False, False),
        (True, True, False, False),
        (True, False, True, False),
        (None, None, None, False),
    ],
)
def test_mediation_conditions_r41(
    agree: bool | None, criminality: bool | None, imbalance: bool | None, allowed: bool
) -> None:
    state = _planned("B")
    action = ApplyRemedy(
        actor=OFFICER,
        kind=RemedyKind.MEDIATION,
        both_parties_agree=agree,
        serious_criminality=criminality,
        power_imbalance=imbalance,
    )
    if allowed:
        state, _ = decide(state, action, at(1))
        assert state.remedies[-1].kind is RemedyKind.MEDIATION
    else:
        assert "(R41)" in refuse(state, action, at(1))


def test_no_mediation_in_domestic_abuse_case_r24_r41() -> None:
    state = _planned("X", categories=["domestic_abuse"])
    action = ApplyRemedy(
        actor=OFFICER,
        kind=RemedyKind.RESTORATIVE,
        both_parties_agree=True,
        serious_criminality=False,
        power_imbalance=False,
    )
    assert "domestic abuse" in refuse(state, action, at(1))


def test_declined_peia_keeps_legal_action_refused_until_a_new_one_is_approved_r43() -> None:
    state, _ = _awaiting_approval()
    decline = DeclinePeia(actor=SUPERVISOR, reason="No equality consideration recorded")
    assert "Only a supervisor may decline peia" in refuse(
        state, DeclinePeia(actor=OFFICER_2, reason="r"), at(3)
    )
    state, commands = decide(state, decline, at(3))
    assert state.peia.declined_by == SUPERVISOR.user_id
    [event] = [c for c in commands if c.type == "record_event" and c.action == "decline_peia"]
    assert event.data["reason"] == "No equality consideration recorded"
    assert event.actor == SUPERVISOR
    assert "peia_approval" not in awaiting(state)
    assert "declined by a supervisor (R43)" in refuse(state, _legal(), at(4))
    # Neither decision can be taken twice on the same PEIA.
    assert "undecided PEIA" in refuse(state, ApprovePeia(actor=SUPERVISOR), at(4))
    assert "undecided PEIA" in refuse(state, decline, at(4))
    # A new PEIA replaces the declined one; it still needs approval before legal action.
    state, _ = decide(state, CompletePeia(actor=OFFICER, document_ref="peia-2"), at(5))
    assert state.peia.declined_at is None and state.peia.document_ref == "peia-2"
    assert "peia_approval" in awaiting(state)
    assert "approved by a supervisor" in refuse(state, _legal(), at(5))
    state, _ = decide(state, ApprovePeia(actor=SUPERVISOR), at(6))
    state, _ = decide(state, _legal(), at(7))
    assert state.stage is Stage.LEGAL_ACTION


def test_a_decline_needs_a_reason_r43() -> None:
    with pytest.raises(ValidationError, match="reason"):
        DeclinePeia(actor=SUPERVISOR, reason="   ")
