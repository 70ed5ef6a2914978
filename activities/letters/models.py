"""The data a letter is rendered from. Plain pydantic: no database, no Temporal."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Items = Annotated[list[Text], Field(min_length=1)]
HttpLink = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^https?://\S+$")]


class RecipientRole(StrEnum):
    COMPLAINANT = "complainant"
    ALLEGED_PERPETRATOR = "alleged_perpetrator"
    WITNESS = "witness"
    REPORTER = "reporter"  # a third party reporting for someone else (R4)
    AGENCY = "agency"
    STAFF = "staff"


_ADDRESS_SPLIT = re.compile(r"\s*[\n,]\s*")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Party(_Model):
    """A person's identifying details. `address` may use new lines or commas between lines."""

    name: Text
    address: Text | None = None
    email: Text | None = None
    phone: Text | None = None

    @property
    def address_lines(self) -> list[str]:
        if self.address is None:
            return []
        return [line for line in _ADDRESS_SPLIT.split(self.address) if line]


class Recipient(Party):
    salutation: Text | None = None  # "Ms O'Neill"; the full name is used when absent
    anonymous: bool = False  # R8: an anonymous complainant gets no correspondence


class Consent(_Model):
    """A recorded consent to share personal information (R4, R9, R22, R38)."""

    given_by_role: RecipientRole  # whose information it releases
    given_on: date
    scope: Text  # what may be shared, with whom, for what


class Appointment(_Model):
    starts_at: datetime  # naive = UK local time; aware values are shown in Europe/London
    place: Text | None = None
    by_phone: bool = False

    @model_validator(mode="after")
    def _place_unless_phone(self) -> Self:
        if not self.by_phone and self.place is None:
            raise ValueError("an appointment needs a place unless it is by phone")
        return self


class LetterContext(_Model):
    """Everything a template may print. Fields left as None are absent from the template,
    so a template that needs one fails loudly (StrictUndefined), never prints "None"."""

    reference: Text
    landlord_name: Text
    letter_date: date
    recipient: Recipient
    recipient_role: RecipientRole
    officer_name: Text
    officer_contact: Text
    officer_title: Text | None = None
    # False where the policy says this letter names no contact (R13): the team signs it.
    names_officer: bool = True

    # Only ever printable in letters to the complainant, or to an agency or reporter holding
    # the complainant's consent (R4, R9).
    complainant: Party | None = None
    # Identities that must not appear in this letter at all; the rendered output is scanned
    # for them. Put the complainant here for every letter to an alleged perpetrator.
    confidential_parties: list[Party] = Field(default_factory=list)

    # acknowledgement, action_plan
    report_date: date | None = None
    next_contact_date: date | None = None
    # action_plan
    actions: Items | None = None
    contact_frequency: Text | None = None
    # interview invitations
    appointment: Appointment | None = None
    # interview_invitation (to the alleged perpetrator), warning, abc
    behaviour: Text | None = None
    # warning
    effect: Text | None = None
    incident_dates: Annotated[list[date], Field(min_length=1)] | None = None
    tenancy_clauses: Items | None = None
    # failed_contact
    contact_attempts: Items | None = None
    respond_by: date | None = None
    # abc
    abc_terms: Items | None = None
    contract_start_date: date | None = None
    contract_end_date: date | None = None
    review_date: date | None = None
    # noise_monitoring_notice
    monitoring_method: Text | None = None
    monitoring_start: date | None = None
    monitoring_end: date | None = None
    # closure
    closure_reason: Text | None = None
    actions_taken: Items | None = None
    consulted_on: date | None = None
    # survey_invitation
    survey_link: HttpLink | None = None
    survey_closes_on: date | None = None
    # case_review_rights
    local_authority: Text | None = None
    case_review_threshold: Items | None = None
    case_review_contact: Text | None = None
    # referral
    agency_name: Text | None = None
    referral_reason: Text | None = None
    referral_subject: Party | None = None
    referral_subject_role: RecipientRole | None = None
    sharing_basis: Text | None = None
    consent: Consent | None = None
    # referral_chase
    referral_made_on: date | None = None

    @model_validator(mode="after")
    def _monitoring_period(self) -> Self:
        start, end = self.monitoring_start, self.monitoring_end
        if start is not None and end is not None and end < start:
            raise ValueError("monitoring_end is before monitoring_start")
        return self


class RenderedLetter(_Model):
    subject: str
    text: str
    html: str
    # The recipient's name and address lines, which open the text; a printed letter places
    # them in the envelope window. Empty when the recipient has no postal address.
    address: tuple[str, ...] = ()
