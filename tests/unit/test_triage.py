"""Triage and re-categorisation (R14-R16, R18, R24, R25; section 2.2 notes)."""

from __future__ import annotations

import pytest

from core.policies import load_policy
from domain.errors import DomainError, UnknownValueError
from domain.triage import VulnerabilityAnswers, recategorise, triage

# R15: every behaviour a seed lists, with the tier it names.
SEED_BEHAVIOURS = [
    # C: violence or threat (incl. domestic violence), arson, hate-based harassment -> serious
    ("C", "violence", "serious"),
    ("C", "threats_of_violence", "serious"),
    ("C", "domestic_abuse", "serious"),
    ("C", "arson", "serious"),
    ("C", "hate_incident", "serious"),
    ("C", "noise", "less_serious"),
    ("C", "harassment_intimidation", "less_serious"),
    # Y: no category tiers
    ("Y", "violence", "standard"),
    ("Y", "noise", "standard"),
    # X: no behaviour list; everything starts general and triage decides
    ("X", "violence", "general"),
    ("X", "noise", "general"),
    # B: 1-day list, its unlabelled continuation, and the 5-day list
    ("B", "hate_incident", "one_day"),
    ("B", "domestic_abuse", "one_day"),
    ("B", "threats_of_violence", "one_day"),
    ("B", "harassment_intimidation", "one_day"),
    ("B", "verbal_abuse", "one_day"),
    ("B", "criminal_behaviour", "one_day"),
    ("B", "drugs", "one_day"),
    ("B", "alcohol_nuisance", "one_day"),
    ("B", "dangerous_dogs", "one_day"),
    ("B", "noise", "one_day"),
    ("B", "youth_disorder_serious", "one_day"),
    ("B", "vehicle_nuisance", "five_day"),
    ("B", "youth_disorder_minor", "five_day"),
    ("B", "animal_nuisance", "five_day"),
    ("B", "litter_fly_tipping", "five_day"),
    ("B", "garden_nuisance", "five_day"),
    ("B", "communal_areas_misuse", "five_day"),
    ("B", "vandalism", "five_day"),
    # P: levels 1-3
    ("P", "threats_of_violence", "L1"),
    ("P", "violence", "L1"),
    ("P", "domestic_abuse", "L1"),
    ("P", "hate_incident", "L1"),
    ("P", "drug_production", "L2"),
    ("P", "verbal_abuse", "L2"),
    ("P", "alcohol_nuisance", "L2"),
    ("P", "prostitution", "L2"),
    ("P", "noise", "L3"),
    ("P", "animal_nuisance", "L3"),
    ("P", "vehicle_nuisance", "L3"),
    ("P", "garden_nuisance", "L3"),
]


@pytest.mark.parametrize("code", ["C", "Y", "X", "B", "P"])
def test_r15_behaviour_sets_the_tier(code: str) -> None:
    policy = load_policy(code)
    rows = [(category, tier) for c, category, tier in SEED_BEHAVIOURS if c == code]
    got = {category: triage(policy, [category], None).tier for category, _ in rows}
    assert got == dict(rows)
    assert all(triage(policy, [c]).category_tier == t for c, t in rows)


def test_r15_same_behaviour_lands_in_different_tiers() -> None:
    """Section 2.2 notes: noise is 1-day at B but Level 3 at P; verbal abuse 1-day vs L2."""
    assert triage(load_policy("B"), ["noise"]).tier == "one_day"
    assert triage(load_policy("P"), ["noise"]).tier == "L3"
    assert triage(load_policy("B"), ["verbal_abuse"]).tier == "one_day"
    assert triage(load_policy("P"), ["verbal_abuse"]).tier == "L2"


@pytest.mark.parametrize(
    ("code", "categories", "tier"),
    [
        ("P", ["noise", "verbal_abuse"], "L2"),
        ("P", ["garden_nuisance", "violence", "noise"], "L1"),
        ("B", ["vandalism", "noise"], "one_day"),
        ("C", ["noise", "arson"], "serious"),
        ("P", ["noise", "noise"], "L3"),
    ],
)
def test_r15_highest_category_wins(code: str, categories: list[str], tier: str) -> None:
    assert triage(load_policy(code), categories).tier == tier


# ---- R25 hate, R24 domestic abuse ------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "category", "tier"),
    [
        ("P", "noise", "L1"),  # R25: hate is always high risk at P
        ("C", "harassment_intimidation", "serious"),  # R15: hate-based harassment
        ("B", "vandalism", "one_day"),  # R15: hate crime is 1-day
        ("X", "noise", "general"),  # X sets no hate rule: flagged, tier unchanged
        ("Y", "noise", "standard"),
    ],
)
def test_r25_hate_motivation_flags_and_sets_the_policy_tier(
    code: str, category: str, tier: str
) -> None:
    result = triage(load_policy(code), [category], VulnerabilityAnswers(hate_motivated=True))
    assert result.hate is True
    assert result.tier == tier


@pytest.mark.parametrize("code", ["C", "Y", "X", "B", "P"])
def test_r25_hate_incident_category_is_flagged_for_tsm(code: str) -> None:
    """R25 / TSM NM01(2): the hate flag must be set whatever the landlord's tier rule."""
    result = triage(load_policy(code), ["hate_incident"])
    assert result.hate is True
    assert result.domestic_abuse is False


@pytest.mark.parametrize(
    ("code", "tier"),
    [("C", "serious"), ("B", "one_day"), ("P", "L1"), ("X", "general"), ("Y", "standard")],
)
def test_r24_suspected_domestic_abuse_flags_the_case(code: str, tier: str) -> None:
    """R24: X routes DA 'reported, mentioned or suspected' to its DA process (flag, no tier)."""
    answers = VulnerabilityAnswers(domestic_abuse_suspected=True)
    result = triage(load_policy(code), ["noise"], answers)
    assert result.domestic_abuse is True
    assert result.tier == tier


# ---- R18 vulnerability / impact uplift ---------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "tier", "full_ra"),
    [
        (VulnerabilityAnswers(), "general", False),
        (VulnerabilityAnswers(vulnerable_person=True), "general", False),
        (VulnerabilityAnswers(vulnerable_person=True, repeat_victim=True), "serious", True),
        (VulnerabilityAnswers(repeat_victim=True, impact_severe=True), "serious", True),
        (
            VulnerabilityAnswers(vulnerable_person=True, repeat_victim=True, impact_severe=True),
            "serious",
            True,
        ),
    ],
)
def test_r18_connexus_two_of_three_triage(
    answers: VulnerabilityAnswers, tier: str, full_ra: bool
) -> None:
    """R18 (X 6.1): yes to 2 of 3 -> full risk assessment and the high-risk 1 WD tier."""
    result = triage(load_policy("X"), ["noise"], answers)
    assert result.tier == tier
    assert result.risk_assessment_required is full_ra


@pytest.mark.parametrize(
    ("code", "category", "tier"),
    [
        ("P", "noise", "L1"),
        ("B", "garden_nuisance", "one_day"),
        ("C", "noise", "serious"),
        ("Y", "noise", "standard"),
    ],
)
def test_r18_vulnerable_victim_of_low_level_asb_is_uplifted(
    code: str, category: str, tier: str
) -> None:
    """Section 2.2: tier = max(category default, vulnerability/impact uplift)."""
    result = triage(load_policy(code), [category], VulnerabilityAnswers(vulnerable_person=True))
    assert result.tier == tier
    assert any("uplift" in r for r in result.reasons)


def test_r18_uplift_never_lowers_a_tier() -> None:
    answers = VulnerabilityAnswers(vulnerable_person=True, repeat_victim=True)
    result = triage(load_policy("P"), ["violence"], answers)
    assert result.tier == "L1"


@pytest.mark.parametrize(
    ("code", "answers", "required"),
    [
        ("Y", VulnerabilityAnswers(), True),  # RA with every complainant
        ("B", VulnerabilityAnswers(), True),  # every complainant
        ("P", VulnerabilityAnswers(), True),  # full RA after the initial interview
        ("P", VulnerabilityAnswers(equality_group=True), True),
        ("C", VulnerabilityAnswers(), False),  # behaviour list only
        ("X", VulnerabilityAnswers(equality_group=True), False),  # only P has this rule
    ],
)
def test_r18_risk_assessment_task(code: str, answers: VulnerabilityAnswers, required: bool) -> None:
    assert triage(load_policy(code), ["noise"], answers).risk_assessment_required is required


def test_reasons_explain_each_input() -> None:
    answers = VulnerabilityAnswers(hate_motivated=True)
    reasons = triage(load_policy("P"), ["noise"], answers).reasons
    assert reasons[0] == "category 'noise' defaults to tier 'L3' (R15)"
    assert "hate incident: the policy sets tier 'L1' (R25)" in reasons
    assert reasons[-1] == "tier raised from 'L3' to 'L1': the highest applies"


# ---- errors -----------------------------------------------------------------------------------


def test_unknown_category_names_the_allowed_values() -> None:
    with pytest.raises(UnknownValueError) as err:
        triage(load_policy("P"), ["noise", "loud_parties"])
    message = str(err.value)
    assert message.startswith("category 'loud_parties' is not known; allowed values: alcohol_")
    assert "vehicle_nuisance" in message
    assert err.value.field == "category"


def test_at_least_one_category() -> None:
    with pytest.raises(DomainError, match="at least one category is required; allowed values"):
        triage(load_policy("B"), [])


# ---- R16 re-categorisation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "current", "new", "raised"),
    [("P", "L3", "L1", True), ("P", "L1", "L2", False), ("B", "five_day", "one_day", True)],
)
def test_r16_recategorise_with_a_reason(code: str, current: str, new: str, raised: bool) -> None:
    change = recategorise(load_policy(code), current, new, "  risk has escalated  ")
    assert (change.from_tier, change.to_tier, change.raised) == (current, new, raised)
    assert change.reason == "risk has escalated"


@pytest.mark.parametrize("reason", ["", "   ", "\n"])
def test_r16_recategorise_requires_a_reason(reason: str) -> None:
    with pytest.raises(DomainError, match=r"reason is required .*\(R16\)"):
        recategorise(load_policy("P"), "L3", "L1", reason)


def test_r16_recategorise_to_an_unknown_tier_names_the_tiers() -> None:
    with pytest.raises(UnknownValueError, match="tier 'urgent' is not known; allowed values: "):
        recategorise(load_policy("X"), "general", "urgent", "because")


def test_r16_recategorise_to_the_same_tier_is_refused() -> None:
    with pytest.raises(DomainError, match="already in tier 'L2'"):
        recategorise(load_policy("P"), "L2", "L2", "no change")
