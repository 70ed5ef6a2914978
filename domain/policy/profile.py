"""The policy profile: one landlord's rules as frozen, validated data (docs/rules.md, R58)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, time
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.errors import DomainError, UnknownValueError
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

NonNegInt = Annotated[int, Field(ge=0)]
PosInt = Annotated[int, Field(ge=1)]
Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]

# The shared intake taxonomy. Every landlord file must map each of these to one of its tiers, so
# that any report the API accepts can be triaged under any landlord (R1, R15). A landlord may add
# its own categories on top.
COMMON_CATEGORIES: tuple[str, ...] = (
    "noise",
    "verbal_abuse",
    "harassment_intimidation",
    "threats_of_violence",
    "violence",
    "hate_incident",
    "domestic_abuse",
    "arson",
    "drugs",
    "criminal_behaviour",
    "alcohol_nuisance",
    "dangerous_dogs",
    "animal_nuisance",
    "vehicle_nuisance",
    "youth_disorder_serious",
    "youth_disorder_minor",
    "litter_fly_tipping",
    "garden_nuisance",
    "communal_areas_misuse",
    "vandalism",
    "prostitution",
    "drug_production",
    "other",
)

# --------------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------------


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _FieldProblem(ValueError):
    """Raised by cross-field validators so the loader can name the offending field."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


class CategoryRule(_Frozen):
    """How one ASB category is handled by a landlord (R1, R15)."""

    label: str = Field(min_length=1)
    tier: str = Field(min_length=1)
    hate: bool = False  # R25: drives the hate flag (TSM NM01(2))
    domestic_abuse: bool = False  # R24: drives the DA flag / DA process
    legal_limb: LegalLimb | None = None  # None: the landlord does not tie categories to the Act


class Tier(_Frozen):
    """A risk tier and its clocks (R13, R14). Working days throughout."""

    code: str = Field(min_length=1, max_length=32)
    label: str = Field(min_length=1)
    acknowledgement_wd: NonNegInt | None = None  # R13; None: no separate acknowledgement
    first_contact_wd: NonNegInt  # R14
    first_contact_by: ContactRole = ContactRole.CASE_OFFICER
    risk_review_wd: NonNegInt | None = None  # R16/R18; None: no set timescale in the seed


class OfficeHours(_Frozen):
    """Office hours: when clocks start and when a day's deadlines fall due."""

    start: time = time(9, 0)
    end: time = time(17, 0)
    timezone: str = "Europe/London"
    out_of_hours: OutOfHoursRule = OutOfHoursRule.NEXT_WORKING_DAY

    @model_validator(mode="after")
    def _check(self) -> OfficeHours:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise _FieldProblem("office_hours", "times are local wall-clock times, without offset")
        if self.start >= self.end:
            raise _FieldProblem("office_hours.end", "must be later than office_hours.start")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise _FieldProblem(
                "office_hours.timezone", f"unknown time zone {self.timezone!r}"
            ) from exc
        return self


class ContactPolicy(_Frozen):
    """R36, R37, R29: contact with the complainant during a case."""

    cadence_agreed: bool  # frequency agreed with the complainant (R36/R37)
    cadence_max_days: PosInt | None = None  # X: at least every 14 days (R37)
    failed_attempts_before_letter: PosInt | None = None  # X 7.6: 2 attempts -> letter (R29)
    preferred_method: bool = False  # Y (R14), X 15.1: contact by the complainant's chosen method
    acknowledgement_names_contact: bool = False  # C (R13): tell them who is dealing with it


class ClosurePolicy(_Frozen):
    """R46-R50: closing a case. The engine never auto-closes (docs/design.md)."""

    # R47: calendar days without contact/incidents before a closure *review* opens; None: the
    # landlord sets no timeframe (C, Y silent; P "no set time frame").
    inactivity_review_days: PosInt | None = None
    consult_before_close: ConsultBeforeClose  # R46
    written_confirmation: bool = False  # Y: confirm completed actions in writing (R46)
    notify_complainant: bool = False  # R50: tell the complainant the case is closed
    varied_contact_attempts_before_close: bool = False  # B 14.4: every effort, variety of methods
    reasons: tuple[ClosureReason, ...] = Field(min_length=1)  # R48/R49

    @model_validator(mode="after")
    def _check(self) -> ClosurePolicy:
        if len(set(self.reasons)) != len(self.reasons):
            raise _FieldProblem("closure.reasons", "lists a reason twice")
        if (
            self.inactivity_review_days is not None
            and ClosureReason.NO_FURTHER_CONTACT not in self.reasons
        ):
            raise _FieldProblem(
                "closure.reasons",
                "an inactivity review is configured but 'no_further_contact' is not a reason",
            )
        return self


class SurveyPolicy(_Frozen):
    """R51: satisfaction survey after a case (a local measure, not TSM TP12; section 3.1)."""

    offered: bool
    delay_days: NonNegInt | None = None  # calendar days after closure (Y: 7)
    when: SurveyTiming | None = None

    @model_validator(mode="after")
    def _check(self) -> SurveyPolicy:
        if not self.offered:
            if self.when is not None or self.delay_days is not None:
                raise _FieldProblem("survey.when", "must be absent when survey.offered is false")
            return self
        if self.when is None:
            raise _FieldProblem("survey.when", "is required when survey.offered is true")
        if self.when is SurveyTiming.AFTER_CLOSURE and self.delay_days is None:
            raise _FieldProblem(
                "survey.delay_days", "is required when survey.when is after_closure"
            )
        if self.when is not SurveyTiming.AFTER_CLOSURE and self.delay_days is not None:
            raise _FieldProblem("survey.delay_days", "is only allowed when when = 'after_closure'")
        return self


class LegalGate(_Frozen):
    """R42, R43: what must happen before formal legal action."""

    non_legal_first: bool
    exceptions: tuple[LegalGateException, ...] = ()
    peia_required: bool = False  # proportionality and equality impact assessment (R43)
    peia_supervisor_approval: bool = False

    @model_validator(mode="after")
    def _check(self) -> LegalGate:
        if self.exceptions and not self.non_legal_first:
            raise _FieldProblem(
                "legal_gate.exceptions", "exceptions only make sense when non_legal_first is true"
            )
        if self.peia_supervisor_approval and not self.peia_required:
            raise _FieldProblem(
                "legal_gate.peia_supervisor_approval", "requires legal_gate.peia_required = true"
            )
        return self


class TriageConfig(_Frozen):
    """R15, R18: tier = max(category default, vulnerability/impact uplift) (section 2.2 notes)."""

    method: TriageMethod
    vulnerability_uplift_to: str = Field(min_length=1)
    # How many "yes" answers to the vulnerability/impact questions trigger the uplift
    # (X: 2 of 3 triage questions -> full risk assessment; others: any one).
    uplift_min_answers: Annotated[int, Field(ge=1, le=3)] = 1
    # Tier forced whenever the case is flagged hate / domestic abuse (P R25, C R15, B R15).
    # None: the landlord sets no such rule (the category's own tier applies).
    hate_tier: str | None = None
    domestic_abuse_tier: str | None = None
    # P (R18): always carry out a risk assessment where the reporter is in a group at higher
    # risk of ASB per the Equality Impact Assessment.
    equality_group_risk_assessment: bool = False


class CaseReviewThreshold(_Frozen):
    """R56 / section 3.4: ASB Case Review (Community Trigger) threshold of the local authority.

    Any one limb met within ``window_days`` meets the threshold. ``None`` disables a limb.
    """

    authority: str = Field(min_length=1)
    incidents: PosInt = 3
    window_days: PosInt = 183  # six months
    hate_incidents: PosInt | None = None
    distinct_reporters: PosInt | None = None


class PolicyProfile(_Frozen):
    """One version of one landlord's ASB policy (docs/rules.md table 2.9)."""

    code: str = Field(pattern=r"^[A-Z][A-Z0-9]{0,7}$")
    name: str = Field(min_length=1)
    policy_version: str = Field(pattern=r"^[A-Z][A-Z0-9]*-[A-Za-z0-9.\-]+$")
    effective_from: date
    source: str = Field(min_length=1)  # the landlord document this profile was drawn from

    holiday_region: HolidayRegion = HolidayRegion.ENGLAND_AND_WALES
    office_closure_days: tuple[date, ...] = ()
    office_hours: OfficeHours = OfficeHours()

    tiers: tuple[Tier, ...] = Field(min_length=1)  # ordered, highest risk first
    categories: Mapping[Code, CategoryRule]
    triage: TriageConfig

    contact: ContactPolicy
    closure: ClosurePolicy
    resolution_target_wd: PosInt | None = None  # R52 (Y: 45 WD)
    survey: SurveyPolicy
    legal_gate: LegalGate
    counter_allegation: CounterAllegation = CounterAllegation.NOT_SPECIFIED  # R31
    missed_sla_explanation_required: bool = False  # R17 (P)
    case_review: CaseReviewThreshold
    # A letter or referral the mail server has not taken this many hours after the decision
    # that made it becomes a task for the officer, once (it keeps being retried; R13's letters
    # are due within days, so hours leave time to act). Not in any landlord document.
    unsent_letter_task_hours: PosInt = 4

    # ---- load-time consistency checks -------------------------------------------------------

    @model_validator(mode="before")
    @classmethod
    def _set_notes_aside(cls, data: object) -> object:
        """A file's ``notes`` document it for people (see ``policy_notes``); they are no rule,
        so the snapshot fixed in each case's history leaves them out. Snapshots recorded before
        2026-11-22 still carry them."""
        if isinstance(data, dict) and "notes" in data:
            data = dict(data)
            notes = data.pop("notes")
            if not isinstance(notes, list | tuple) or not all(isinstance(n, str) for n in notes):
                raise _FieldProblem("notes", "must be a list of strings")
        return data

    @model_validator(mode="after")
    def _check_consistency(self) -> PolicyProfile:
        if not self.policy_version.startswith(f"{self.code}-"):
            raise _FieldProblem(
                "policy_version", f"must start with the landlord code '{self.code}-'"
            )
        self._check_tiers()
        self._check_categories()
        self._check_triage()
        if len(set(self.office_closure_days)) != len(self.office_closure_days):
            raise _FieldProblem("office_closure_days", "lists a date twice")
        return self

    def _check_tiers(self) -> None:
        seen: set[str] = set()
        for i, tier in enumerate(self.tiers):
            if tier.code in seen:
                raise _FieldProblem(f"tiers.{i}.code", f"tier {tier.code!r} is defined twice")
            seen.add(tier.code)
        # Tiers are listed highest risk first, so their first-contact SLAs may not get shorter.
        for i in range(1, len(self.tiers)):
            if self.tiers[i].first_contact_wd < self.tiers[i - 1].first_contact_wd:
                raise _FieldProblem(
                    f"tiers.{i}.first_contact_wd",
                    "tiers must be ordered highest risk (shortest SLA) first",
                )

    def _check_categories(self) -> None:
        missing = [c for c in COMMON_CATEGORIES if c not in self.categories]
        if missing:
            raise _FieldProblem("categories", f"missing common categories: {', '.join(missing)}")
        tiers = self.tier_codes
        for code, rule in self.categories.items():
            if rule.tier not in tiers:
                raise _FieldProblem(
                    f"categories.{code}.tier",
                    f"tier {rule.tier!r} is not defined; defined tiers: {', '.join(tiers)}",
                )
        if not self.categories["hate_incident"].hate:
            raise _FieldProblem("categories.hate_incident.hate", "must be true (R25)")
        if not self.categories["domestic_abuse"].domestic_abuse:
            raise _FieldProblem("categories.domestic_abuse.domestic_abuse", "must be true (R24)")

    def _check_triage(self) -> None:
        tiers = self.tier_codes
        for name in ("vulnerability_uplift_to", "hate_tier", "domestic_abuse_tier"):
            value = getattr(self.triage, name)
            if value is not None and value not in tiers:
                raise _FieldProblem(
                    f"triage.{name}",
                    f"tier {value!r} is not defined; defined tiers: {', '.join(tiers)}",
                )

    # ---- look-ups ------------------------------------------------------------------------------

    @property
    def tier_codes(self) -> tuple[str, ...]:
        """Tier codes, highest risk first."""
        return tuple(t.code for t in self.tiers)

    @property
    def category_codes(self) -> tuple[str, ...]:
        return tuple(self.categories)

    def tier(self, code: str) -> Tier:
        """The tier with this code; UnknownValueError naming the allowed codes otherwise."""
        for tier in self.tiers:
            if tier.code == code:
                return tier
        raise UnknownValueError("tier", code, self.tier_codes)

    def category(self, code: str) -> CategoryRule:
        """The rule for a category code; UnknownValueError naming the allowed codes otherwise."""
        try:
            return self.categories[code]
        except KeyError:
            raise UnknownValueError("category", code, self.category_codes) from None

    def tier_rank(self, code: str) -> int:
        """0 for the highest-risk tier, increasing downwards."""
        self.tier(code)  # raises UnknownValueError
        return self.tier_codes.index(code)

    def highest_tier(self, codes: Iterable[str]) -> str:
        """The highest-risk of the given tier codes ("highest category wins", section 2.2)."""
        ranked = sorted(set(codes), key=self.tier_rank)
        if not ranked:
            raise DomainError(f"no tier given; allowed values: {', '.join(self.tier_codes)}")
        return ranked[0]

    @property
    def highest(self) -> Tier:
        return self.tiers[0]

    @property
    def lowest(self) -> Tier:
        return self.tiers[-1]
