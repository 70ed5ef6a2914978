"""The words of a landlord policy file: each enumeration spells values as the TOML files do."""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "ClosureReason",
    "ConsultBeforeClose",
    "ContactRole",
    "CounterAllegation",
    "HolidayRegion",
    "LegalGateException",
    "LegalLimb",
    "OutOfHoursRule",
    "SurveyTiming",
    "TriageMethod",
]


class HolidayRegion(StrEnum):
    """Which UK bank-holiday list applies (docs/rules.md 3.7: do not hard-code England)."""

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
