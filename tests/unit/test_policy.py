"""The packaged landlord profiles hold the values of docs/rules.md table 2.9, and no others."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest
from pydantic import ValidationError

from core.policies import known_landlords, known_versions, load_policy, policy_notes
from domain.errors import DomainError, UnknownValueError
from domain.policy import (
    COMMON_CATEGORIES,
    ClosureReason,
    ConsultBeforeClose,
    ContactRole,
    CounterAllegation,
    HolidayRegion,
    LegalGateException,
    OutOfHoursRule,
    PolicyProfile,
    SurveyTiming,
    TriageMethod,
)

LANDLORDS = ["B", "C", "P", "X", "Y"]


def test_known_landlords() -> None:
    assert known_landlords() == LANDLORDS


def test_unknown_landlord_lists_valid_codes() -> None:
    with pytest.raises(UnknownValueError) as err:
        load_policy("ZZ")
    assert str(err.value) == "landlord 'ZZ' is not known; allowed values: B, C, P, X, Y"
    assert err.value.allowed == tuple(LANDLORDS)


def test_load_policy_is_cached() -> None:
    assert load_policy("X") is load_policy("X")


@pytest.mark.parametrize(
    ("code", "version", "effective"),
    [
        ("C", "C-2025.1", date(2025, 1, 1)),
        ("Y", "Y-2023.1", date(2023, 4, 1)),
        ("X", "X-2021-12.1", date(2021, 12, 14)),
        ("B", "B-2020-01.3", date(2020, 1, 1)),
        ("P", "P-NEI-POL-04-03", date(2025, 1, 1)),
    ],
)
def test_r58_policy_is_versioned(code: str, version: str, effective: date) -> None:
    """R58 / docs/design.md: a case is stamped with policy_version and reloads exactly that."""
    policy = load_policy(code)
    assert (policy.policy_version, policy.effective_from) == (version, effective)
    assert load_policy(code, version) is policy
    assert known_versions(code) == [version]


def test_r58_unknown_version_names_the_versions() -> None:
    with pytest.raises(UnknownValueError, match=r"'X-1999\.1' is not known; allowed values: X-"):
        load_policy("X", "X-1999.1")


@pytest.mark.parametrize("code", LANDLORDS)
def test_every_landlord_maps_every_common_category(code: str) -> None:
    """R1/R15: any report the intake accepts can be triaged under any landlord."""
    policy = load_policy(code)
    assert set(COMMON_CATEGORIES) <= set(policy.categories)
    for rule in policy.categories.values():
        assert rule.tier in policy.tier_codes


@pytest.mark.parametrize("code", LANDLORDS)
def test_calendar_defaults_and_explicit_notes(code: str) -> None:
    """Section 2.2 notes: out-of-hours start defaults to the next working day's opening."""
    policy = load_policy(code)
    assert policy.holiday_region is HolidayRegion.ENGLAND_AND_WALES
    assert policy.office_closure_days == ()
    assert (policy.office_hours.start, policy.office_hours.end) == (time(9), time(17))
    assert policy.office_hours.timezone == "Europe/London"
    assert policy.office_hours.out_of_hours is OutOfHoursRule.NEXT_WORKING_DAY
    assert any("Office hours are not stated" in n for n in policy_notes(code))
    assert policy.source.endswith(")") and "seed" in policy.source


# ---- R13, R14: tiers --------------------------------------------------------------------------

TIERS: dict[str, list[tuple[str, int | None, int, ContactRole]]] = {
    "C": [
        ("serious", 2, 1, ContactRole.NEIGHBOURLY_PLACES_TEAM),
        ("less_serious", 2, 5, ContactRole.COMMUNITY_HOUSING_OFFICER),
    ],
    "Y": [("standard", None, 2, ContactRole.CASE_OFFICER)],
    "X": [
        ("serious", None, 1, ContactRole.CASE_OFFICER),
        ("general", None, 3, ContactRole.CASE_OFFICER),
    ],
    "B": [
        ("one_day", None, 1, ContactRole.CASE_OFFICER),
        ("five_day", None, 5, ContactRole.CASE_OFFICER),
    ],
    "P": [
        ("L1", None, 1, ContactRole.CASE_OFFICER),
        ("L2", None, 3, ContactRole.CASE_OFFICER),
        ("L3", None, 5, ContactRole.CASE_OFFICER),
    ],
}


@pytest.mark.parametrize("code", LANDLORDS)
def test_r13_r14_tiers_highest_first(code: str) -> None:
    policy = load_policy(code)
    got = [
        (t.code, t.acknowledgement_wd, t.first_contact_wd, t.first_contact_by) for t in policy.tiers
    ]
    assert got == TIERS[code]
    assert all(t.risk_review_wd is None for t in policy.tiers)  # R16: no seed sets one
    assert policy.highest is policy.tiers[0] and policy.lowest is policy.tiers[-1]


def test_r15_b_unlabelled_middle_row_is_noted() -> None:
    notes = " ".join(policy_notes("B"))
    assert "continues the 1-day list" in notes
    assert "Minor youth disorder" in notes  # the missing footnote


# ---- Table 2.9, row by row ----------------------------------------------------------------------


def _get(obj: Any, path: str) -> Any:
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


TABLE_2_9: dict[str, dict[str, Any]] = {
    # R18 risk method
    "triage.method": {
        "C": TriageMethod.BEHAVIOUR_LIST,
        "Y": TriageMethod.RISK_ASSESSMENT_WITH_COMPLAINANT,
        "X": TriageMethod.TWO_OF_THREE,
        "B": TriageMethod.EVERY_COMPLAINANT,
        "P": TriageMethod.TRIAGE_PLUS_FULL,
    },
    "triage.uplift_min_answers": {"C": 1, "Y": 1, "X": 2, "B": 1, "P": 1},
    "triage.vulnerability_uplift_to": {
        "C": "serious",
        "Y": "standard",
        "X": "serious",
        "B": "one_day",
        "P": "L1",
    },
    # R25 hate, R24 DA
    "triage.hate_tier": {"C": "serious", "Y": None, "X": None, "B": "one_day", "P": "L1"},
    "triage.domestic_abuse_tier": {"C": "serious", "Y": None, "X": None, "B": "one_day", "P": "L1"},
    "triage.equality_group_risk_assessment": {
        "C": False,
        "Y": False,
        "X": False,
        "B": False,
        "P": True,
    },
    # R36/R37 contact cadence
    "contact.cadence_agreed": {"C": True, "Y": True, "X": True, "B": True, "P": True},
    "contact.cadence_max_days": {"C": None, "Y": None, "X": 14, "B": None, "P": None},
    # R29 failed-contact rule
    "contact.failed_attempts_before_letter": {"C": None, "Y": None, "X": 2, "B": None, "P": None},
    "contact.acknowledgement_names_contact": {
        "C": True,
        "Y": True,
        "X": False,
        "B": False,
        "P": False,
    },
    "contact.preferred_method": {"C": False, "Y": True, "X": True, "B": False, "P": False},
    # R47 no-contact closure
    "closure.inactivity_review_days": {"C": None, "Y": None, "X": 28, "B": 28, "P": None},
    "closure.varied_contact_attempts_before_close": {
        "C": False,
        "Y": False,
        "X": False,
        "B": True,
        "P": False,
    },
    # R46 consult before close
    "closure.consult_before_close": {
        "C": ConsultBeforeClose.REQUIRED,
        "Y": ConsultBeforeClose.REQUIRED,
        "X": ConsultBeforeClose.NOT_REQUIRED,
        "B": ConsultBeforeClose.AIM_FOR_CONSENT_MANAGER_MAY_OVERRIDE,
        "P": ConsultBeforeClose.REQUIRED,
    },
    "closure.written_confirmation": {"C": False, "Y": True, "X": False, "B": False, "P": False},
    # R50 tell the complainant
    "closure.notify_complainant": {"C": True, "Y": True, "X": False, "B": False, "P": True},
    # R51 survey
    "survey.offered": {"C": True, "Y": True, "X": False, "B": True, "P": True},
    "survey.when": {
        "C": SurveyTiming.AT_CLOSURE,
        "Y": SurveyTiming.AFTER_CLOSURE,
        "X": None,
        "B": SurveyTiming.AT_CLOSURE,
        "P": SurveyTiming.WHERE_POSSIBLE,
    },
    "survey.delay_days": {"C": None, "Y": 7, "X": None, "B": None, "P": None},
    # R52 resolution target
    "resolution_target_wd": {"C": None, "Y": 45, "X": None, "B": None, "P": None},
    # R31 counter-allegation
    "counter_allegation": {
        "C": CounterAllegation.NOT_SPECIFIED,
        "Y": CounterAllegation.NOT_SPECIFIED,
        "X": CounterAllegation.NEW_CASE,
        "B": CounterAllegation.NOT_SPECIFIED,
        "P": CounterAllegation.GNM_ROUTE,
    },
    # R42 legal gate, R43 PEIA
    "legal_gate.non_legal_first": {"C": True, "Y": False, "X": True, "B": True, "P": False},
    "legal_gate.exceptions": {
        "C": (LegalGateException.NON_LEGAL_UNSUITABLE,),
        "Y": (),
        "X": (LegalGateException.PERSON_AT_RISK, LegalGateException.CRIMINALITY_EVIDENCED),
        "B": (LegalGateException.VERY_SERIOUS,),
        "P": (),
    },
    "legal_gate.peia_required": {"C": False, "Y": False, "X": True, "B": False, "P": True},
    "legal_gate.peia_supervisor_approval": {
        "C": False,
        "Y": False,
        "X": False,
        "B": False,
        "P": False,
    },
    # R17 missed SLA
    "missed_sla_explanation_required": {"C": False, "Y": False, "X": False, "B": False, "P": True},
    # R56 / 3.4 ASB Case Review threshold
    "case_review.incidents": {"C": 3, "Y": 3, "X": 3, "B": 3, "P": 3},
    "case_review.window_days": {"C": 183, "Y": 183, "X": 183, "B": 183, "P": 183},
    "case_review.hate_incidents": {"C": None, "Y": None, "X": None, "B": 1, "P": None},
    "case_review.distinct_reporters": {"C": None, "Y": None, "X": None, "B": 5, "P": None},
}


@pytest.mark.parametrize("field", list(TABLE_2_9))
def test_table_2_9_parameter(field: str) -> None:
    """One test per parameter; all five landlords compared at once for a readable diff."""
    got = {code: _get(load_policy(code), field) for code in TABLE_2_9[field]}
    assert got == TABLE_2_9[field]


@pytest.mark.parametrize(
    ("code", "reasons"),
    [
        ("C", {ClosureReason.ASB_STOPPED}),
        ("Y", {ClosureReason.ASB_STOPPED}),
        (
            "X",
            {
                ClosureReason.COMPLAINANT_REPORTS_CEASED,
                ClosureReason.NO_FURTHER_CONTACT,
                ClosureReason.SUCCESSFUL_INTERVENTION,
            },
        ),
        (
            "B",
            {
                ClosureReason.ASB_STOPPED,
                ClosureReason.ALL_REASONABLE_STEPS_TAKEN,
                ClosureReason.NO_FURTHER_CONTACT,
            },
        ),
        (
            "P",
            set(ClosureReason)
            - {
                ClosureReason.COMPLAINANT_REPORTS_CEASED,
                ClosureReason.SUCCESSFUL_INTERVENTION,
            },
        ),
    ],
)
def test_r48_closure_reasons(code: str, reasons: set[ClosureReason]) -> None:
    assert set(load_policy(code).closure.reasons) == reasons


@pytest.mark.parametrize("code", LANDLORDS)
def test_silent_values_are_explained_in_notes(code: str) -> None:
    """Where a seed is silent the profile says so: every landlord file carries notes, and the
    statutory Case Review default is flagged wherever the local threshold is not known."""
    policy = load_policy(code)
    notes = " ".join(policy_notes(code))
    assert len(policy_notes(code)) >= 5
    if policy.case_review.hate_incidents is None:
        assert "statutory default" in notes
        assert "statutory default" in policy.case_review.authority


# ---- look-ups ---------------------------------------------------------------------------------


def test_tier_and_category_lookup() -> None:
    policy = load_policy("P")
    assert policy.tier("L2").first_contact_wd == 3
    assert policy.category("noise").tier == "L3"
    assert policy.tier_rank("L1") == 0
    assert policy.highest_tier(["L3", "L2"]) == "L2"
    with pytest.raises(DomainError, match="no tier given; allowed values: L1, L2, L3"):
        policy.highest_tier([])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda p: p.tier("L9"), "tier 'L9' is not known; allowed values: L1, L2, L3"),
        (lambda p: p.tier_rank("x"), "tier 'x' is not known; allowed values: L1, L2, L3"),
        (lambda p: p.category("Noise"), "category 'Noise' is not known; allowed values: alcohol_"),
    ],
)
def test_lookup_errors_name_allowed_values(call: Any, message: str) -> None:
    with pytest.raises(UnknownValueError, match=message):
        call(load_policy("P"))


def test_profiles_are_frozen() -> None:
    policy = load_policy("Y")
    with pytest.raises(ValidationError):
        policy.resolution_target_wd = 10  # type: ignore[misc]
    with pytest.raises(ValidationError):
        policy.closure.written_confirmation = False  # type: ignore[misc]


def test_the_snapshot_a_case_keeps_leaves_out_the_files_notes() -> None:
    """The profile fixed in a case's history carries every rule but not the documentation."""
    policy = load_policy("B")
    snapshot = policy.model_dump_json()
    assert "notes" not in snapshot and policy_notes("B")
    assert PolicyProfile.model_validate_json(snapshot) == policy
    # A snapshot recorded before the notes were set aside still loads, as the same profile.
    older = {**policy.model_dump(mode="json"), "notes": list(policy_notes("B"))}
    assert PolicyProfile.model_validate(older) == policy
