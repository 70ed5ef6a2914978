"""Triage: from reported categories and vulnerability answers to a risk tier.

The model is docs/rules.md section 2.2's recommendation: **tier = the highest of the category
defaults, the hate / domestic-abuse tier where the landlord sets one, and the vulnerability /
impact uplift** ("highest category wins", as in Civica). Everything landlord-specific comes from
the :class:`~domain.policy.PolicyProfile`.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from domain.errors import DomainError
from domain.policy import PolicyProfile, TriageMethod

__all__ = [
    "Recategorisation",
    "TriageResult",
    "VulnerabilityAnswers",
    "recategorise",
    "triage",
]


class VulnerabilityAnswers(BaseModel):
    """Answers to the triage / early risk questions asked at intake (R18)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # The three uplift questions (X's 2-of-3 triage; any one for the other landlords).
    vulnerable_person: bool = False  # the complainant or household is vulnerable
    repeat_victim: bool = False  # targeted before / repeat victimisation
    impact_severe: bool = False  # serious impact on health, safety or daily life
    # Flags that do not count towards the uplift but change the case (R24, R25).
    hate_motivated: bool = False  # perceived by the victim or anyone else as hate-motivated
    domestic_abuse_suspected: bool = False  # X: DA "reported, mentioned or suspected"
    # P (R18): the reporter belongs to a group at higher risk of ASB per P's equality assessment.
    equality_group: bool = False

    def uplift_answers(self) -> list[str]:
        """Names of the uplift questions answered yes."""
        names = ("vulnerable_person", "repeat_victim", "impact_severe")
        return [n for n in names if getattr(self, n)]


class TriageResult(BaseModel):
    """Outcome of triage. ``reasons`` explains every input that set or raised the tier."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tier: str
    category_tier: str  # the tier from the categories alone, before any uplift
    hate: bool  # R25: hate incident flag (TSM NM01(2))
    domestic_abuse: bool  # R24: DA flag (DA process, restricted visibility)
    risk_assessment_required: bool  # R18: a (full) risk assessment task is needed
    reasons: list[str] = Field(default_factory=list)


class Recategorisation(BaseModel):
    """A validated change of tier (R16)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    from_tier: str
    to_tier: str
    raised: bool  # True when moving to a higher-risk tier
    reason: str


def triage(
    policy: PolicyProfile,
    categories: list[str],
    vulnerability: VulnerabilityAnswers | None = None,
) -> TriageResult:
    """Triage a new report under ``policy`` (R14, R15, R18, R24, R25).

    Raises UnknownValueError for a category the landlord does not know (naming the allowed
    codes) and DomainError when no category is given.
    """
    if not categories:
        raise DomainError(
            "at least one category is required; allowed values: "
            + ", ".join(sorted(policy.category_codes))
        )
    answers = vulnerability or VulnerabilityAnswers()
    candidates: list[str] = []
    reasons: list[str] = []

    for code in dict.fromkeys(categories):  # keep order, drop duplicates
        rule = policy.category(code)
        candidates.append(rule.tier)
        reasons.append(f"category {code!r} defaults to tier {rule.tier!r} (R15)")
    category_tier = policy.highest_tier(candidates)

    hate = answers.hate_motivated or any(policy.category(c).hate for c in categories)
    domestic_abuse = answers.domestic_abuse_suspected or any(
        policy.category(c).domestic_abuse for c in categories
    )
    config = policy.triage
    if hate and config.hate_tier is not None:
        candidates.append(config.hate_tier)
        reasons.append(f"hate incident: the policy sets tier {config.hate_tier!r} (R25)")
    if domestic_abuse and config.domestic_abuse_tier is not None:
        candidates.append(config.domestic_abuse_tier)
        reasons.append(f"domestic abuse: the policy sets tier {config.domestic_abuse_tier!r} (R24)")

    yes = answers.uplift_answers()
    uplifted = len(yes) >= config.uplift_min_answers
    if uplifted:
        candidates.append(config.vulnerability_uplift_to)
        reasons.append(
            f"vulnerability/impact: {len(yes)} of 3 answers yes ({', '.join(yes)}); "
            f"uplift to tier {config.vulnerability_uplift_to!r} (R18, section 2.2)"
        )

    tier = policy.highest_tier(candidates)
    if tier != category_tier:
        reasons.append(f"tier raised from {category_tier!r} to {tier!r}: the highest applies")
    return TriageResult(
        tier=tier,
        category_tier=category_tier,
        hate=hate,
        domestic_abuse=domestic_abuse,
        risk_assessment_required=_risk_assessment_required(policy, answers, uplifted),
        reasons=reasons,
    )


def _risk_assessment_required(
    policy: PolicyProfile, answers: VulnerabilityAnswers, uplifted: bool
) -> bool:
    """R18: whether the case needs a (full) risk assessment task."""
    if policy.triage.equality_group_risk_assessment and answers.equality_group:
        return True  # P: always for a reporter in a higher-risk equality group
    method = policy.triage.method
    if method in (TriageMethod.TWO_OF_THREE, TriageMethod.BEHAVIOUR_LIST):
        # X 6.1: a full RA only when 2 of 3 answers are yes; C states no RA, one follows an uplift.
        return uplifted
    # Y (with the complainant), B (every complainant), P (full RA after the first interview).
    return True


def recategorise(
    policy: PolicyProfile, current_tier: str, new_tier: str, reason: str
) -> Recategorisation:
    """Validate a change of tier during the case (R16). A reason is always required."""
    policy.tier(current_tier)  # UnknownValueError naming the tiers
    policy.tier(new_tier)
    text = reason.strip()
    if not text:
        raise DomainError("a reason is required to re-categorise a case (R16)")
    if new_tier == current_tier:
        raise DomainError(f"the case is already in tier {current_tier!r}")
    return Recategorisation(
        from_tier=current_tier,
        to_tier=new_tier,
        raised=policy.tier_rank(new_tier) < policy.tier_rank(current_tier),
        reason=text,
    )
