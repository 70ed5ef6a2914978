"""Special routes: anonymous (R8), confidential (R9), domestic abuse (R24), hate (R25),
counter-allegations (R31), evidence notices (R34), referrals (R38), Case Review (R56).

Rule numbers refer to docs/rules.md.
"""

from __future__ import annotations

import pytest

from contracts.view import build_view as view
from core.policies import load_policy
from domain.actions import (
    Acknowledge,
    AddEvidence,
    AgreeActionPlan,
    ApplyRemedy,
    EvidenceKind,
    InviteToInterview,
    LogIncident,
    MakeReferralAction,
    RaiseCounterAllegation,
    Reassign,
    Recategorise,
    RecordContact,
    RecordRiskAssessment,
    RemedyKind,
    RequestClosure,
    SharingBasis,
)
from domain.case import Clock, PartyRef, Stage
from domain.commands import MakeReferral, OpenLinkedCase
from domain.machine import decide, open_case
from domain.policy import ClosureReason
from domain.triage import VulnerabilityAnswers
from tests.unit.machine_support import (
    COMPLAINANT,
    LANDLORDS,
    OFFICER,
    PERPETRATOR,
    SUPERVISOR,
    T0,
    apply,
    at,
    letter_kinds,
    letters,
    of_type,
    refuse,
    setup,
    start,
    through_plan,
)

ANONYMOUS = PartyRef(id="anon-1", role="complainant", anonymous=True)
CONFIDENTIAL = PartyRef(id="party-c", role="complainant", confidential=True)


def _flag_tier(code: str, flag: str) -> str:
    """R24/R25: the policy's tier for the flag, else the highest tier (engine default)."""
    policy = load_policy(code)
    return getattr(policy.triage, f"{flag}_tier") or policy.highest.code


# ---- anonymous (R8) ---------------------------------------------------------------------------


@pytest.mark.parametrize("code", LANDLORDS)
def test_anonymous_gets_no_letters_cadence_or_survey_r8(code: str) -> None:
    state, opening = start(code, parties=[ANONYMOUS, PERPETRATOR])
    assert state.anonymous and state.confidential
    assert Clock.FIRST_CONTACT not in state.deadlines  # nobody to contact (R8)
    state, commands = apply(
        state,
        [
            (0.1, Acknowledge(actor=OFFICER)),
            (0.2, RecordRiskAssessment(actor=OFFICER, tier=state.tier)),
            (0.3, AgreeActionPlan(actor=OFFICER, agreed_contact_interval_days=7, summary_ref="p")),
            (1, ApplyRemedy(actor=OFFICER, kind=RemedyKind.WRITTEN_WARNING)),
            (2, RequestClosure(actor=OFFICER, reason=load_policy(code).closure.reasons[0])),
        ],
    )
    assert Clock.NEXT_CONTACT not in state.deadlines
    to_complainant = [x for x in letters([*opening, *commands]) if x.to_role == "complainant"]
    assert to_complainant == []
    (warning,) = letters(commands)
    assert warning.kind == "warning" and warning.confidential_complainant
    # No consultation is possible, so closing does not wait for one; no survey follows.
    assert state.finished and state.stage is Stage.FINISHED


def test_anonymous_complainant_cannot_be_chased_or_counter_alleged_r8() -> None:
    state, _ = start("X", parties=[ANONYMOUS, PERPETRATOR])
    state, _ = decide(state, Acknowledge(actor=OFFICER), at(0.1))
    failed = RecordContact(actor=OFFICER, outcome="failed_attempt", channel="phone")
    assert "(R8)" in refuse(state, failed, at(1))
    counter = RaiseCounterAllegation(actor=OFFICER, categories=["noise"], channel="phone")
    assert "(R8)" in refuse(state, counter, at(1))


# ---- confidential (R9) ------------------------------------------------------------------------


def test_letters_to_others_are_marked_confidential_r9() -> None:
    state, _ = start("B", parties=[CONFIDENTIAL, PERPETRATOR])
    state = through_plan(state)
    state, commands = apply(
        state,
        [
            (1, InviteToInterview(actor=OFFICER, party="alleged_perpetrator")),
            (2, AddEvidence(actor=OFFICER, kind=EvidenceKind.NOISE_MONITORING, consent=True)),
            (3, ApplyRemedy(actor=OFFICER, kind=RemedyKind.ACCEPTABLE_BEHAVIOUR_CONTRACT)),
            (4, InviteToInterview(actor=OFFICER, party="complainant")),
        ],
    )
    flags = [(x.kind.value, x.to_role, x.confidential_complainant) for x in letters(commands)]
    assert flags == [
        ("interview_invitation", "alleged_perpetrator", True),
        ("noise_monitoring_notice", "alleged_perpetrator", True),
        ("abc", "alleged_perpetrator", True),
        ("interview_invitation", "complainant", False),
    ]
    assert all(x.party_id in {"party-c", "party-p"} for x in letters(commands))


def test_non_confidential_case_letters_are_not_marked_r9() -> None:
    state = through_plan(start("B")[0])
    state, commands = decide(
        state, ApplyRemedy(actor=OFFICER, kind=RemedyKind.WRITTEN_WARNING), at(1)
    )
    assert not letters(commands)[0].confidential_complainant


# ---- evidence notices (R34) -------------------------------------------------------------------


def test_noise_notices_to_perpetrator_r34() -> None:
    state = through_plan(start("B")[0])
    monitoring = AddEvidence(actor=OFFICER, kind=EvidenceKind.NOISE_MONITORING, consent=True)
    app = AddEvidence(actor=OFFICER, kind=EvidenceKind.NOISE_APP, consent=True)
    state, commands = apply(state, [(1, monitoring), (2, monitoring), (3, app), (4, app)])
    assert letter_kinds(commands) == ["noise_monitoring_notice"] * 3  # each deployment, app once
    assert state.evidence == {EvidenceKind.NOISE_MONITORING: 2, EvidenceKind.NOISE_APP: 2}


def test_no_notice_when_perpetrator_unknown_r32_r34() -> None:
    state, _ = start("B", parties=[COMPLAINANT])
    monitoring = AddEvidence(actor=OFFICER, kind=EvidenceKind.NOISE_MONITORING, consent=True)
    state, commands = decide(state, monitoring, at(1))
    assert letters(commands) == [] and state.noise_notices_sent == 0


def test_evidence_from_a_person_needs_consent_r33() -> None:
    state, _ = start("X")
    diary = AddEvidence(actor=OFFICER, kind=EvidenceKind.DIARY_SHEET, consent=False)
    assert "(R33)" in refuse(state, diary, at(1))


# ---- domestic abuse (R24) ---------------------------------------------------------------------


@pytest.mark.parametrize("code", LANDLORDS)
@pytest.mark.parametrize(
    ("categories", "answers"),
    [
        (["domestic_abuse"], VulnerabilityAnswers()),
        (["noise"], VulnerabilityAnswers(domestic_abuse_suspected=True)),
    ],
)
def test_domestic_abuse_route_r24(
    code: str, categories: list[str], answers: VulnerabilityAnswers
) -> None:
    state, commands = start(code, categories=categories, vulnerability=answers)
    assert state.domestic_abuse and state.tier == _flag_tier(code, "domestic_abuse")
    policy = load_policy(code)
    assert policy.tier(state.tier).first_contact_wd == policy.highest.first_contact_wd
    (referral,) = [c for c in commands if isinstance(c, MakeReferral)]
    assert referral.sharing_basis == "safeguarding" and referral.party_id == COMPLAINANT.id
    assert [n.reason for n in of_type(commands, "notify_supervisor")] == ["safeguarding"]


def test_domestic_abuse_case_cannot_be_downgraded_r24() -> None:
    state, _ = start("X", categories=["domestic_abuse"])
    down = Recategorise(actor=OFFICER, tier="general", reason="seems minor")
    assert "(R24, R25)" in refuse(state, down, at(1))
    state, _ = decide(state, Acknowledge(actor=OFFICER), at(0.1))
    assessment = RecordRiskAssessment(actor=OFFICER, tier="general")
    assert "may not go below tier 'serious'" in refuse(state, assessment, at(1))


# ---- hate (R25) -------------------------------------------------------------------------------


@pytest.mark.parametrize("code", LANDLORDS)
def test_hate_case_opens_in_the_highest_tier_r25(code: str) -> None:
    state, _ = start(code, categories=["hate_incident"])
    assert state.hate and state.tier == _flag_tier(code, "hate")
    assert state.tier == load_policy(code).highest.code


def test_hate_incident_logged_later_raises_flag_and_tier_r25() -> None:
    state, _ = start("P")  # noise: L3, first contact in 5 WD
    assert state.tier == "L3" and not state.hate
    state, commands = decide(
        state, LogIncident(actor=OFFICER, occurred_at=at(0.1), hate=True), at(0.2)
    )
    assert state.hate and state.tier == "L1"
    assert state.deadlines[Clock.FIRST_CONTACT].due_at == at(1, hours=7)  # 1 WD, 17:00
    assert any("raised from L3 to L1" in e.summary for e in of_type(commands, "record_event"))


# ---- ASB Case Review threshold (R56) ----------------------------------------------------------


def test_case_review_rights_letter_once_when_incidents_reach_threshold_r56() -> None:
    state, opening = start("X", prior_incidents_6m=1)  # report itself = 2nd incident
    assert "case_review_rights" not in letter_kinds(opening)
    incident = LogIncident(actor=OFFICER, occurred_at=at(1))
    state, commands = apply(state, [(1, incident), (2, incident)])
    assert letter_kinds(commands) == ["case_review_rights"]
    assert state.case_review.limb == "incidents" and state.case_review.notified
    assert view(state, at(2)).case_review_threshold_met


def test_incidents_outside_the_window_do_not_count_r56() -> None:
    state, _ = start("X", prior_incidents_6m=1)
    old = LogIncident(actor=OFFICER, occurred_at=at(-200))
    state, commands = decide(state, old, at(1))
    assert state.case_review.threshold_met_at is None and letters(commands) == []


@pytest.mark.parametrize(
    ("code", "changes", "limb"),
    [
        ("B", {"categories": ["hate_incident"]}, "hate_incidents"),  # Durham: 1 hate incident
        ("B", {"distinct_reporters_6m": 5}, "distinct_reporters"),
        ("X", {"prior_incidents_6m": 2}, "incidents"),
    ],
)
def test_case_review_limbs_at_open_r56(code: str, changes: dict, limb: str) -> None:
    state, commands = start(code, **changes)
    assert state.case_review.limb == limb
    assert letter_kinds(commands) == ["case_review_rights"]


def test_hate_limb_only_where_the_authority_has_one_r56() -> None:
    state, commands = start("X", categories=["hate_incident"])
    assert state.case_review.threshold_met_at is None and letters(commands) == []


def test_anonymous_threshold_recorded_without_letter_r8_r56() -> None:
    state, commands = start("X", parties=[ANONYMOUS], prior_incidents_6m=2)
    assert state.case_review.limb == "incidents" and not state.case_review.notified
    assert letters(commands) == []


# ---- counter-allegation (R31) -----------------------------------------------------------------


def test_counter_allegation_opens_a_linked_case_with_roles_swapped_r31() -> None:
    state, _ = start("X")
    state, _ = decide(state, Acknowledge(actor=OFFICER), at(0.1))
    counter = RaiseCounterAllegation(actor=OFFICER, categories=["verbal_abuse"], channel="phone")
    state, first = decide(state, counter, at(1))
    state, second = decide(state, counter, at(2))
    (linked,) = [c for c in first if isinstance(c, OpenLinkedCase)]
    (again,) = [c for c in second if isinstance(c, OpenLinkedCase)]
    assert linked.case.reference == "ASB-X-000001-C1" and again.case.reference.endswith("-C2")
    assert linked.key == "ASB-X-000001:linked:1"
    assert linked.case.linked_reference == state.reference
    roles = {p.id: p.role for p in linked.case.parties}
    assert roles == {"party-c": "alleged_perpetrator", "party-p": "complainant"}
    new_state, _ = open_case(setup("X"), linked.case, at(1))
    assert new_state.complainant == PartyRef(id="party-p", role="complainant")
    assert new_state.linked_reference == "ASB-X-000001"


def test_counter_allegation_goes_to_gnm_at_plus_dane_r31() -> None:
    state, _ = start("P")
    state, _ = decide(state, Acknowledge(actor=OFFICER), at(0.1))
    counter = RaiseCounterAllegation(actor=OFFICER, categories=["noise"], channel="phone")
    assert "Good Neighbourhood Management" in refuse(state, counter, at(1))


def test_counter_allegation_with_unknown_category_is_refused() -> None:
    state, _ = start("X")
    state, _ = decide(state, Acknowledge(actor=OFFICER), at(0.1))
    counter = RaiseCounterAllegation(actor=OFFICER, categories=["karaoke"], channel="phone")
    assert "karaoke" in refuse(state, counter, at(1))


# ---- referrals (R22, R38) and reassignment (R19) ----------------------------------------------


@pytest.mark.parametrize(
    ("consent", "basis", "allowed"),
    [(True, "consent", True), (False, "consent", False), (False, "safeguarding", True)],
)
def test_referral_needs_consent_or_another_basis_r38(
    consent: bool, basis: SharingBasis, allowed: bool
) -> None:
    state, _ = start("P")
    referral = MakeReferralAction(
        actor=OFFICER,
        agency="victim support",
        consent=consent,
        sharing_basis=basis,
    )
    if not allowed:
        assert "(R22, R38)" in refuse(state, referral, at(1))
        return
    state, commands = decide(state, referral, at(1))
    (command,) = [c for c in commands if isinstance(c, MakeReferral)]
    assert command.agency == "victim support" and command.key == "ASB-P-000001:referral:1"
    assert state.referrals[0].sharing_basis == basis


def test_reassign_is_supervisor_only_and_tells_complainant_r19() -> None:
    state, _ = start("C")
    state, _ = decide(state, Acknowledge(actor=OFFICER), at(0.1))
    move = Reassign(actor=OFFICER, officer_id="officer-9")
    assert refuse(state, move, at(1)).startswith("Only a supervisor may reassign")
    state, commands = decide(state, move.model_copy(update={"actor": SUPERVISOR}), at(1))
    assert state.officer_id == "officer-9"
    assert letter_kinds(commands) == ["officer_changed"]
    assert letters(commands)[0].officer_id == "officer-9"


def test_open_case_rejects_mismatched_landlord_and_missing_complainant() -> None:
    from domain.errors import DomainError
    from tests.unit.machine_support import opened

    with pytest.raises(DomainError, match="does not match policy"):
        open_case(setup("X"), opened("Y"), T0)
    with pytest.raises(DomainError, match="exactly one complainant"):
        open_case(setup("X"), opened("X", parties=[PERPETRATOR]), T0)


def test_closure_reason_must_be_in_policy_r48() -> None:
    state = through_plan(start("C")[0])
    request = RequestClosure(actor=OFFICER, reason=ClosureReason.NOT_ASB)
    assert refuse(state, request, at(1)) == (
        "Policy C does not list not_asb as a closure reason (R48); allowed: asb_stopped."
    )
