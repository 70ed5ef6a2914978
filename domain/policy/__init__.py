"""Landlord policy profiles: policy as data.

Each landlord's ASB policy is one TOML file in ``domain/policies/``, packaged with the code and
read by core/policies.py (the domain reads no file). The text is parsed with :mod:`tomllib` and
validated into a frozen :class:`PolicyProfile` here (domain/policy/parsing.py). Nothing in the
case engine hard-codes a landlord's numbers: SLAs, tiers, category -> tier maps, closure and
survey rules all come from here (docs/rules.md section 2.9; "the tier map must be per-landlord
configuration, versioned by policy date", section 2.2 notes; R58).

Conventions
-----------
* ``None`` means "the landlord's document is silent"; every such value is explained in the
  file's ``notes`` (read with ``core.policies.policy_notes``; they are not part of the profile
  that a case keeps). Nothing is invented to fill a gap.
* Working-day (``*_wd``) values count working days of the landlord's calendar; ``*_days`` values
  count calendar days.
* A case is stamped with ``policy_version`` when it opens; a changed number is a new file with a
  new version, never an edit in place (docs/design.md, Determinism). ``core.policies.load_policy``
  accepts that version so an old case keeps the rules it started under.

This module is pure: standard library and pydantic only (it runs in the Temporal workflow
sandbox).
"""

from domain.policy.parsing import load_policy_text, parse_policy
from domain.policy.profile import (
    COMMON_CATEGORIES,
    CaseReviewThreshold,
    CategoryRule,
    ClosurePolicy,
    ContactPolicy,
    LegalGate,
    OfficeHours,
    PolicyProfile,
    SurveyPolicy,
    Tier,
    TriageConfig,
)
from domain.policy.terms import (
    ClosureReason,
    ConsultBeforeClose,
    ContactRole,
    CounterAllegation,
    HolidayRegion,
    LegalGateException,
    LegalLimb,
    OutOfHoursRule,
    SurveyTiming,
    TriageMethod,
)

__all__ = [
    "COMMON_CATEGORIES",
    "CaseReviewThreshold",
    "CategoryRule",
    "ClosurePolicy",
    "ClosureReason",
    "ConsultBeforeClose",
    "ContactPolicy",
    "ContactRole",
    "CounterAllegation",
    "HolidayRegion",
    "LegalGate",
    "LegalGateException",
    "LegalLimb",
    "OfficeHours",
    "OutOfHoursRule",
    "PolicyProfile",
    "SurveyPolicy",
    "SurveyTiming",
    "Tier",
    "TriageConfig",
    "TriageMethod",
    "load_policy_text",
    "parse_policy",
]
