"""Turn a workflow's ``SendLetter`` command (ids only) into a letter context (names, addresses).

The workflow never carries personal data; this is the one place where the record's parties meet
the letter templates. Wording that depends on officer input the engine does not hold yet uses
the policy's standard phrasing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from activities.letters import (
    Appointment,
    LetterContext,
    LetterKind,
    Party,
    Recipient,
    RecipientRole,
)
from db.models import Case as CaseRow
from db.models import Party as PartyRow
from domain.commands import LetterKind as Command
from domain.commands import SendLetter
from domain.policy import PolicyProfile

TEMPLATE_FOR: dict[Command, LetterKind] = {
    Command.ACKNOWLEDGEMENT: LetterKind.ACKNOWLEDGEMENT,
    Command.OFFICER_CHANGED: LetterKind.ACKNOWLEDGEMENT,  # R19: names the new officer
    Command.ACTION_PLAN: LetterKind.ACTION_PLAN,
    Command.FAILED_CONTACT: LetterKind.FAILED_CONTACT,
    Command.INTERVIEW_INVITATION: LetterKind.INTERVIEW_INVITATION_PERPETRATOR,
    Command.NOISE_MONITORING_NOTICE: LetterKind.NOISE_MONITORING_NOTICE,
    Command.WARNING: LetterKind.WARNING,
    Command.ABC: LetterKind.ACCEPTABLE_BEHAVIOUR_CONTRACT,
    Command.CASE_REVIEW_RIGHTS: LetterKind.CASE_REVIEW_RIGHTS,
    Command.CLOSURE_NOTICE: LetterKind.CLOSURE,
    Command.CLOSURE_CONFIRMATION: LetterKind.CLOSURE,
    Command.SURVEY_INVITATION: LetterKind.SURVEY_INVITATION,
}

STANDARD_CLAUSE = "the nuisance and anti-social behaviour clause of your tenancy agreement"


def _party(row: PartyRow) -> Party:
    return Party(name=row.name or "The resident", address=row.address, email=row.email,
                 phone=row.phone)  # fmt: skip


def _behaviour(case: CaseRow, policy: PolicyProfile) -> str:
    labels = [policy.categories[c].label for c in case.categories if c in policy.categories]
    return " and ".join(labels).lower() or "anti-social behaviour"


def compose(
    command: SendLetter,
    case: CaseRow,
    recipient: PartyRow,
    complainant: PartyRow | None,
    policy: PolicyProfile,
    today: date,
    survey_url: str,
) -> tuple[LetterKind, LetterContext]:
    kind = TEMPLATE_FOR[command.kind]
    role = RecipientRole(command.to_role)
    if kind is LetterKind.INTERVIEW_INVITATION_PERPETRATOR and role is RecipientRole.COMPLAINANT:
        kind = LetterKind.INTERVIEW_INVITATION_COMPLAINANT  # R26
    to_complainant = role == RecipientRole.COMPLAINANT
    hidden = [] if to_complainant or complainant is None else [_party(complainant)]
    officer = case.officer_id or "the ASB team"
    context = LetterContext(
        reference=case.reference,
        landlord_name=policy.name,
        letter_date=today,
        recipient=Recipient(
            name=recipient.name or "The resident", address=recipient.address,
            email=recipient.email, anonymous=recipient.anonymous,
        ),
        recipient_role=role,
        officer_name=officer,
        officer_contact=f"{policy.name} ASB team, quoting {case.reference}",
        confidential_parties=hidden,  # R9: scanned for in every letter not to the complainant
        report_date=case.received_at.date(),
        next_contact_date=today + timedelta(days=14),
        actions=["Your officer will keep in touch with you as agreed in your action plan."],
        contact_attempts=["By telephone", "By telephone at a different time of day"],
        behaviour=_behaviour(case, policy),
        appointment=_appointment(command),
        effect="It is causing distress to people living nearby.",
        tenancy_clauses=[STANDARD_CLAUSE],
        abc_terms=["Not to cause nuisance or annoyance to neighbours."],
        contract_end_date=today + timedelta(days=183),
        monitoring_method=str(command.data.get("evidence_kind", "noise monitoring")).replace(
            "_", " "
        ),
        monitoring_start=today,
        closure_reason=str(command.data.get("reason", "resolved")).replace("_", " "),
        actions_taken=["We investigated your report and kept in touch with you as agreed."],
        survey_link=f"{survey_url}?case={case.reference}",
        local_authority="your local council",
        case_review_threshold=_thresholds(policy),
        case_review_contact="your local council's ASB Case Review contact (see asbhelp.co.uk)",
    )  # fmt: skip
    return kind, context


def _thresholds(policy: PolicyProfile) -> list[str]:
    review = policy.case_review
    limbs = [f"{review.incidents} or more incidents about the same problem in 6 months"]
    if review.hate_incidents:
        limbs.append(f"{review.hate_incidents} hate incident or crime in 6 months")
    if review.distinct_reporters:
        limbs.append(f"{review.distinct_reporters} or more people reporting the same problem")
    return limbs


def _appointment(command: SendLetter) -> Appointment | None:
    """The interview the invitation offers (R26, R30); None leaves the letter to the officer."""
    at = command.data.get("at")
    if not isinstance(at, str):
        return None
    place = command.data.get("place")
    return Appointment(
        starts_at=datetime.fromisoformat(at),
        place=place if isinstance(place, str) else None,
        by_phone=bool(command.data.get("by_phone")),
    )
