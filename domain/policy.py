"""Landlord policy profiles: policy as data.

Each landlord's ASB policy is one TOML file in ``domain/policies/`` (packaged with the code and
read through :mod:`importlib.resources`, so it works from an installed wheel). The file is parsed
with :mod:`tomllib` and validated into a frozen :class:`PolicyProfile`. Nothing in the case engine
hard-codes a landlord's numbers: SLAs, tiers, category -> tier maps, closure and survey rules all
come from here (asb-rules.md section 2.9; "the tier map must be per-landlord configuration,
versioned by policy date", section 2.2 notes; R58).

Conventions
-----------
* ``None`` means "the landlord's document is silent"; every such value is explained in the
  file's ``notes`` (read with :func:`policy_notes`; they are not part of the profile that a
  case keeps). Nothing is invented to fill a gap.
* Working-day (``*_wd``) values count working days of the landlord's calendar; ``*_days`` values
  count calendar days.
* A case is stamped with ``policy_version`` when it opens; a changed number is a new file with a
  new version, never an edit in place (design.md, Determinism). :func:`load_policy` accepts that
  version so an old case keeps the rules it started under.

This module is pure: standard library and pydantic only (it runs in the Temporal workflow
sandbox).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from datetime import date, time
from enum import StrEnum
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import ErrorDetails

from domain.errors import DomainError, PolicyFileError, UnknownValueError

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
    "known_landlords",
    "known_versions",
    "load_policy",
    "load_policy_file",
    "parse_policy",
]

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
# Enumerations (values are the spellings used in the TOML files)
# --------------------------------------------------------------------------------------------


class HolidayRegion(StrEnum):
    """Which UK bank-holiday list applies (asb-rules.md 3.7: do not hard-code England)."""

    ENGLAND_AND_WALES = "england-and-wales"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern-ireland"


class OutOfHoursRule(StrEnum):
    """When the SLA clock starts for a report made outside office hours (section 2.2 notes)."""

    NEXT_WORKING_DAY = "next_working_day"  # proposed default: next working day's opening
    SAME_DAY = "same_day"  # clock starts at receipt; day counting starts from that date


class ContactRole(StrEnum):
    """Who makes the first contact for a tier (R14: Connect splits it by team)."""

    NEIGHBOURLY_PLACES_TEAM = "neighbourly_places_team"
    COMMUNITY_HOUSING_OFFICER = "community_housing_officer"
    CASE_OFFICER = "case_officer"


class LegalLimb(StrEnum):
    """Legal definition a category falls under (R1)."""

    # ASB, Crime and Policing Act 2014 s2(1)(a)
    HARASSMENT_ALARM_DISTRESS = "harassment_alarm_distress"
    # s2(1)(b): nuisance or annoyance to a person in relation to their occupation of premises
    HOUSING_NUISANCE_OCCUPIER = "housing_nuisance_occupier"
    # s2(1)(c): housing-related nuisance or annoyance to any person
    HOUSING_RELATED_NUISANCE = "housing_related_nuisance"
    # Housing Act 1988 Sch 2 Ground 14: illegal or immoral use, offences in the locality (P)
    GROUND_14_ILLEGAL_USE = "ground_14_illegal_use"


class ConsultBeforeClose(StrEnum):
    """R46: must the complainant be consulted before a case is closed?"""

    REQUIRED = "required"
    # B 14.1-14.2: aim for the complainant's agreement; a manager may approve closing against it.
    AIM_FOR_CONSENT_MANAGER_MAY_OVERRIDE = "aim_for_consent_manager_may_override"
    NOT_REQUIRED = "not_required"


class ClosureReason(StrEnum):
    """R47-R49: closure grounds a landlord's policy recognises."""

    ASB_STOPPED = "asb_stopped"  # C, Y, B, P: resolved / it has stopped
    COMPLAINANT_REPORTS_CEASED = "complainant_reports_ceased"  # X 16.1
    NO_FURTHER_CONTACT = "no_further_contact"  # X 4 weeks, B 28 days (review), P lack of contact
    SUCCESSFUL_INTERVENTION = "successful_intervention"  # X 16.1: legal or non-legal remedy worked
    ALL_REASONABLE_STEPS_TAKEN = "all_reasonable_steps_taken"  # B 14.2, P 20
    NOT_ASB = "not_asb"  # P 20: not ASB after initial investigation
    INSUFFICIENT_EVIDENCE = "insufficient_evidence"  # P 20
    REPORTER_NOT_ENGAGING = "reporter_not_engaging"  # P 20: not worked with us to gather evidence
    REPORTER_WONT_ENGAGE_WITH_POLICE = "reporter_wont_engage_with_police"  # P (R12)


class SurveyTiming(StrEnum):
    """R51: when the satisfaction survey is offered."""

    AFTER_CLOSURE = "after_closure"  # Y: one week after closure
    AT_CLOSURE = "at_closure"  # C, B
    WHERE_POSSIBLE = "where_possible"  # P: at closure, best effort


class LegalGateException(StrEnum):
    """R42: grounds on which legal action may come first."""

    PERSON_AT_RISK = "person_at_risk"  # X 14.1: violence or threats
    CRIMINALITY_EVIDENCED = "criminality_evidenced"  # X 14.1: e.g. drug activity in the property
    NON_LEGAL_UNSUITABLE = "non_legal_unsuitable"  # C: other action "not appropriate"
    VERY_SERIOUS = "very_serious"  # B 6.4: serious cases, enforcement without offering support


class CounterAllegation(StrEnum):
    """R31: what happens to a counter-allegation."""

    NEW_CASE = "new_case"  # X 8.3
    NOT_SPECIFIED = "not_specified"
    GNM_ROUTE = "gnm_route"  # P: neighbour disputes go to Good Neighbourhood Management


class TriageMethod(StrEnum):
    """R15, R18: how the risk tier is assessed."""

    BEHAVIOUR_LIST = "behaviour_list"  # C
    RISK_ASSESSMENT_WITH_COMPLAINANT = "risk_assessment_with_complainant"  # Y
    TWO_OF_THREE = "two_of_three"  # X: yes to 2 of 3 triage questions -> full RA
    EVERY_COMPLAINANT = "every_complainant"  # B: RA of every complainant
    TRIAGE_PLUS_FULL = "triage_plus_full"  # P: early triage + full RA + equality-group RA


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
    """R46-R50: closing a case. The engine never auto-closes (design.md)."""

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
    """One version of one landlord's ASB policy (asb-rules.md table 2.9)."""

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


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------

# Packaged as data of the ``domain`` package (pyproject: package-data domain = policies/*.toml).
_PACKAGE = "domain"
_DIR = "policies"


def parse_policy(data: Mapping[str, object], file: str) -> PolicyProfile:
    """Validate already-parsed TOML data; errors become PolicyFileError naming file and field."""
    try:
        return PolicyProfile.model_validate(data)
    except ValidationError as exc:
        raise _to_policy_file_error(exc, file) from None


def _to_policy_file_error(exc: ValidationError, file: str) -> PolicyFileError:
    """Name the first problem's field; summarise the others so one run shows them all."""
    problems = [_describe(error) for error in exc.errors(include_url=False)]
    field, problem = problems[0]
    others = [f"{f}: {p}" for f, p in problems[1:4]]
    if len(problems) > 4:
        others.append(f"and {len(problems) - 4} more problems")
    if others:
        problem += f" (also: {'; '.join(others)})"
    return PolicyFileError(file, field, problem)


def _describe(error: ErrorDetails) -> tuple[str, str]:
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, _FieldProblem):
        return cause.field, cause.problem
    return ".".join(str(part) for part in error["loc"]) or "<root>", error["msg"]


def _read_toml(text: str, file: str) -> dict[str, object]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyFileError(file, "<toml>", f"not valid TOML: {exc}") from None


def load_policy_file(path: str | Path) -> PolicyProfile:
    """Load and validate one policy file from anywhere (e.g. a landlord's own draft policy)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyFileError(str(p), "<file>", f"cannot be read: {exc.strerror}") from None
    return parse_policy(_read_toml(text, str(p)), str(p))


_FILE_NAME = re.compile(r"^(?P<code>[A-Z][A-Z0-9]{0,7})(@[A-Za-z0-9.\-]+)?\.toml$")


def _packaged_files() -> list[Traversable]:
    root = resources.files(_PACKAGE) / _DIR
    return sorted((f for f in root.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)


@cache
def _registry() -> dict[str, dict[str, PolicyProfile]]:
    """All packaged profiles: code -> policy_version -> profile. Parsed once per process."""
    registry: dict[str, dict[str, PolicyProfile]] = {}
    for f in _packaged_files():
        file = f"{_PACKAGE}/{_DIR}/{f.name}"
        profile = parse_policy(_read_toml(f.read_text(encoding="utf-8"), file), file)
        match = _FILE_NAME.match(f.name)
        if match is None or match["code"] != profile.code:
            raise PolicyFileError(
                file,
                "code",
                f"file must be named {profile.code}.toml or {profile.code}@<version>.toml",
            )
        versions = registry.setdefault(profile.code, {})
        if profile.policy_version in versions:
            raise PolicyFileError(
                file, "policy_version", f"{profile.policy_version!r} is defined by two files"
            )
        versions[profile.policy_version] = profile
    return registry


def known_landlords() -> list[str]:
    """Codes of the landlords that have a packaged policy file, sorted."""
    return sorted(_registry())


def known_versions(code: str) -> list[str]:
    """Policy versions held for a landlord, oldest effective date first."""
    versions = _versions(code)
    return [p.policy_version for p in sorted(versions.values(), key=lambda p: p.effective_from)]


def _versions(code: str) -> dict[str, PolicyProfile]:
    registry = _registry()
    if code not in registry:
        raise UnknownValueError("landlord", code, registry)
    return registry[code]


@cache
def policy_notes(code: str, version: str | None = None) -> tuple[str, ...]:
    """A packaged file's notes: where its seed is silent, what the file assumes and why."""
    wanted = load_policy(code, version).policy_version
    for f in _packaged_files():
        data = _read_toml(f.read_text(encoding="utf-8"), f.name)
        notes = data.get("notes", ())
        if data.get("policy_version") == wanted and isinstance(notes, list | tuple):
            return tuple(str(note) for note in notes)
    return ()


def load_policy(code: str, version: str | None = None) -> PolicyProfile:
    """The landlord's policy profile (cached).

    ``version=None`` gives the version with the latest ``effective_from`` (for a new case); pass
    the ``policy_version`` stamped on an existing case to get exactly the rules it opened under.
    """
    versions = _versions(code)
    if version is None:
        return max(versions.values(), key=lambda p: p.effective_from)
    if version not in versions:
        raise UnknownValueError(f"policy_version for landlord {code}", version, versions)
    return versions[version]
