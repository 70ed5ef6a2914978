"""Turn a workflow's ``SendLetter`` command (ids and decided facts) into a letter context.

Every fact comes from one of three places, and from nowhere else (issue 12):

* the case record: the case row, its parties, the report's local authority;
* the policy version stamped on the case (R58), the landlord's profile and the staff directory;
* the command's ``data``: what the officer decided in the action, and the dates the domain's
  deadline rules set (``domain/actions/``: next contact, review, survey, contract end).

Where a fact is missing, :class:`MissingFactsError` names each one; the dispatcher then sends
nothing and gives the officer a task. A plausible default never stands in for a fact.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from activities.letters import (
    Appointment,
    LetterContext,
    LetterKind,
    MissingFactsError,
    Party,
    Recipient,
    RecipientRole,
)
from activities.letters.render import long_datetime
from db.models import Case as CaseRow
from db.models import Party as PartyRow
from db.models import StaffMember
from domain.commands import SendLetter
from domain.policy import PolicyProfile
from domain.profile import LandlordProfile

# How a recorded contact channel reads in "We tried: by telephone on ..." (R29).
CHANNEL_WORDS = {
    "phone": "telephone",
    "telephone": "telephone",
    "text": "text message",
    "sms": "text message",
    "visit": "a visit to your home",
    "home_visit": "a visit to your home",
    "in_person": "calling in person",
}

# R48, R49: each closure ground as the complainant reads it.
CLOSURE_WORDS = {
    "asb_stopped": "the anti-social behaviour has stopped",
    "complainant_reports_ceased": "you have told us the problem has stopped",
    "no_further_contact": "we have not been able to make contact with you",
    "successful_intervention": "the action we took has resolved the problem",
    "all_reasonable_steps_taken": "we have taken all the steps we reasonably can",
    "not_asb": "what was reported is not anti-social behaviour",
    "insufficient_evidence": "there is not enough evidence for us to take further action",
    "reporter_not_engaging": "we have not been able to work with you to gather evidence",
    "reporter_wont_engage_with_police": "the matter needs the police, and you preferred not "
    "to involve them",
}

EVIDENCE_WORDS = {
    "noise_monitoring": "noise monitoring equipment",
    "noise_app": "the Noise App, which records sound on a smartphone",
}


@dataclass(frozen=True)
class LetterSources:
    """What the record holds for one letter, gathered by the dispatcher."""

    case: CaseRow
    recipient: PartyRow
    complainant: PartyRow | None
    policy: PolicyProfile  # the version stamped on the case
    profile: LandlordProfile
    officer: StaffMember | None  # the case officer's directory entry, if there is one
    local_authority: str | None  # recorded with the report (R56)
    today: date
    survey_url: str
    by_post: bool


def letterhead(policy: PolicyProfile, profile: LandlordProfile) -> str:
    """The landlord's name, postal address, and how to reach it, for the top of the page."""
    address = ", ".join(line for line in profile.address if line != policy.name)
    reach = f"Telephone {profile.phone}  |  {profile.email}"
    return "\n".join([policy.name, address, reach, profile.office_hours])


def signature(profile: LandlordProfile, officer: StaffMember | None) -> dict[str, str]:
    """Who signs a letter that may come from the team: the case's officer from the staff
    directory where there is one, otherwise the landlord's team with its own contact."""
    if officer is not None and officer.active:
        return {
            "officer_name": officer.display_name,
            "officer_title": officer.job_title,
            "officer_contact": f"{officer.phone} or {officer.email}",
        }
    return {
        "officer_name": profile.team,
        "officer_contact": f"{profile.phone} or {profile.email} ({profile.office_hours})",
    }


def compose(command: SendLetter, sources: LetterSources) -> LetterContext:
    """The letter's context, or :class:`MissingFactsError` naming what is missing."""
    role = RecipientRole(command.to_role)
    facts = _Facts(command, sources)
    fields = {**facts.common(role), **_SPECIFIC[command.kind](facts)}
    if facts.missing:
        raise MissingFactsError(facts.missing)
    return LetterContext(**fields)


class _Facts:
    """Reads facts and notes each one the record lacks, so one task can name them all."""

    def __init__(self, command: SendLetter, sources: LetterSources) -> None:
        self.command = command
        self.src = sources
        self.missing: list[str] = []
        self.tz = ZoneInfo(sources.policy.office_hours.timezone)

    def need(self, value: Any, fact: str) -> Any:
        if value is None or value == [] or (isinstance(value, str) and not value.strip()):
            self.missing.append(fact)
            return None
        return value

    def data(self, name: str) -> Any:
        return self.command.data.get(name)

    def day(self, name: str) -> date | None:
        value = self.data(name)
        return date.fromisoformat(value) if isinstance(value, str) else None

    def texts(self, name: str) -> list[str]:
        value = self.data(name)
        return [str(v) for v in value] if isinstance(value, list) else []

    def common(self, role: RecipientRole) -> dict[str, Any]:
        src, party = self.src, self.src.recipient
        name = self.need(party.name, f"the {role.value.replace('_', ' ')}'s name")
        if src.by_post:
            self.need(party.address, f"the {role.value.replace('_', ' ')}'s postal address")
        names_officer = bool(self.data("names_contact") if "names_contact" in self.command.data
                             else True)  # fmt: skip
        signer = self._officer() if names_officer else self._team()
        protected = None if role is RecipientRole.COMPLAINANT else src.complainant
        hidden = _identities(protected)
        return {
            "reference": src.case.reference,
            "landlord_name": src.policy.name,
            "letter_date": src.today,
            "recipient": Recipient(
                name=name or "-", address=party.address, email=party.email,
                anonymous=party.anonymous,
            ),
            "recipient_role": role,
            "names_officer": names_officer,
            "confidential_parties": hidden,  # R9: scanned for in every letter not to them
            **signer,
        }  # fmt: skip

    def _officer(self) -> dict[str, Any]:
        """R13, R19: the named officer, from the staff directory (never a user name)."""
        officer_id, member = self.src.case.officer_id, self.src.officer
        if officer_id is None:
            self.missing.append("the officer dealing with the case (none is assigned)")
            return {"officer_name": "-", "officer_contact": "-"}
        if member is None or not member.active:
            self.missing.append(f"officer {officer_id}'s entry in the staff directory")
            return {"officer_name": "-", "officer_contact": "-"}
        return signature(self.src.profile, member)

    def _team(self) -> dict[str, Any]:
        """The policy names no contact in this letter (C, Y do; X, B, P do not): the team."""
        return signature(self.src.profile, None)

    def local(self, instant: datetime) -> date:
        return instant.astimezone(self.tz).date()


def party_details(row: PartyRow | None) -> Party | None:
    """What the record holds of a person, for a letter, a referral or the R9 scan of a letter
    to anyone else. Nothing stands in for a missing fact: without a name the person is known
    by the first detail recorded, and None means nothing is recorded (R8: an anonymous
    complainant may have given nothing at all)."""
    if row is None:
        return None
    name = row.name or row.email or row.address or row.phone
    if name is None:
        return None
    return Party(name=name, address=row.address, email=row.email, phone=row.phone)


def _identities(row: PartyRow | None) -> list[Party]:
    """R9: the identities a letter not to ``row`` must not contain."""
    party = party_details(row)
    return [] if party is None else [party]


def _acknowledgement(f: _Facts) -> dict[str, Any]:
    # R13, R14: the first-contact deadline the case runs on; none once contact is made.
    return {
        "report_date": f.local(f.src.case.received_at),
        "next_contact_date": f.day("contact_by"),
    }


def _action_plan(f: _Facts) -> dict[str, Any]:
    interval = f.data("interval_days")
    return {
        "actions": f.need(f.texts("actions"), "the actions agreed in the action plan (R28)"),
        "next_contact_date": f.day("next_contact_by"),  # R37: the cadence clock
        "contact_frequency": f"at least every {interval} days" if interval else None,
    }


def _failed_contact(f: _Facts) -> dict[str, Any]:
    attempts = []
    for entry in f.texts("attempts"):  # R29: as recorded, "channel|ISO time"
        channel, _, at = entry.partition("|")
        words = CHANNEL_WORDS.get(channel.lower(), channel.replace("_", " "))
        attempts.append(f"By {words} on {long_datetime(datetime.fromisoformat(at))}")
    return {"contact_attempts": f.need(attempts, "the failed contact attempts (R29)")}


def _behaviour_reported(f: _Facts) -> str:
    """The categories the report was logged under, as the stamped policy names them."""
    policy = f.src.policy
    labels = [policy.categories[c].label for c in f.src.case.categories if c in policy.categories]
    return f.need(" and ".join(labels), "the categories of the report") or "-"


def _interview(f: _Facts) -> dict[str, Any]:
    at = f.data("at")
    appointment = None
    if isinstance(at, str):
        place = f.data("place")
        appointment = Appointment(
            starts_at=datetime.fromisoformat(at),
            place=place if isinstance(place, str) else None,
            by_phone=bool(f.data("by_phone")),
        )
    fields: dict[str, Any] = {
        "appointment": f.need(appointment, "the interview's date, time and place (R26, R30)")
    }
    if f.command.to_role != "complainant":
        fields["behaviour"] = _behaviour_reported(f)
    return fields


def _noise_notice(f: _Facts) -> dict[str, Any]:
    kind = str(f.data("evidence_kind") or "")
    return {  # R34
        "monitoring_method": f.need(EVIDENCE_WORDS.get(kind), "the monitoring method (R34)"),
        "monitoring_start": f.need(f.day("from"), "the day monitoring starts (R34)"),
    }


def _warning(f: _Facts) -> dict[str, Any]:
    days = [date.fromisoformat(d) for d in f.texts("incident_dates")]
    return {  # R40: as the officer decided it
        "behaviour": f.need(f.data("behaviour"), "the behaviour the warning is about (R40)"),
        "effect": f.data("effect"),
        "incident_dates": f.need(days, "the dates of the incidents (R40)"),
        "tenancy_clauses": f.need(f.texts("tenancy_clauses"), "the tenancy clauses breached"),
    }


def _abc(f: _Facts) -> dict[str, Any]:
    return {  # R40: as agreed; the end date from domain.deadlines.contract_end
        "behaviour": f.need(f.data("behaviour"), "why the contract is asked for (R40)"),
        "abc_terms": f.need(f.texts("abc_terms"), "the terms of the contract (R40)"),
        "tenancy_clauses": f.texts("tenancy_clauses") or None,
        "contract_start_date": f.need(f.day("contract_start"), "the contract's start date"),
        "contract_end_date": f.need(f.day("contract_end"), "the contract's length (R40)"),
        "review_date": f.need(f.day("review_on"), "the contract's review date (R40)"),
    }


def _case_review(f: _Facts) -> dict[str, Any]:
    """R56: the local authority's ASB Case Review contact and its threshold."""
    profile = f.src.profile
    contact = profile.case_review_for(f.src.local_authority)
    if contact is None:
        which = f.src.local_authority or "not recorded"
        f.missing.append(
            f"the case's local authority ({which}; {f.src.policy.name} works with "
            f"{', '.join(profile.local_authorities)}) (R56)"
        )
    return {
        "local_authority": contact.local_authority if contact else "-",
        "case_review_threshold": _thresholds(f.src.policy),
        "case_review_contact": contact.contact if contact else "-",
    }


def _closure(f: _Facts) -> dict[str, Any]:
    reason = str(f.data("reason") or "")
    return {  # R46, R49, R50
        "closure_reason": f.need(CLOSURE_WORDS.get(reason), "the reason for closing (R49)"),
        "actions_taken": f.need(f.texts("actions_taken"), "the actions taken (R46, R50)"),
        "consulted_on": f.day("consulted_on"),
    }


def _survey(f: _Facts) -> dict[str, Any]:
    return {  # R51
        "survey_link": f"{f.src.survey_url}?case={f.src.case.reference}",
        "survey_closes_on": f.day("closes_on"),
    }


def _thresholds(policy: PolicyProfile) -> list[str]:
    review = policy.case_review
    months = round(review.window_days / 30.5)
    limbs = [f"{review.incidents} or more reports about the same problem in {months} months"]
    if review.hate_incidents:
        limbs.append(f"{review.hate_incidents} hate incident or crime in {months} months")
    if review.distinct_reporters:
        limbs.append(f"{review.distinct_reporters} or more people reporting the same problem")
    return limbs


# What each letter the case decides needs beyond the common fields (the referral letters are
# composed in activities/referrals.py).
_SPECIFIC: dict[LetterKind, Callable[[_Facts], dict[str, Any]]] = {
    LetterKind.ACKNOWLEDGEMENT: _acknowledgement,
    LetterKind.OFFICER_CHANGED: _acknowledgement,  # R19: names the new officer
    LetterKind.ACTION_PLAN: _action_plan,
    LetterKind.FAILED_CONTACT: _failed_contact,
    LetterKind.INTERVIEW_INVITATION: _interview,
    LetterKind.NOISE_MONITORING_NOTICE: _noise_notice,
    LetterKind.WARNING: _warning,
    LetterKind.ABC: _abc,
    LetterKind.CASE_REVIEW_RIGHTS: _case_review,
    LetterKind.CLOSURE_NOTICE: _closure,
    LetterKind.CLOSURE_CONFIRMATION: _closure,
    LetterKind.SURVEY_INVITATION: _survey,
}
