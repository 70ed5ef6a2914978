"""Turn a workflow's ``SendLetter`` command (ids and decided facts) into a letter context.

Every fact comes from one of three places, and from nowhere else (issue 12):

* the case record: the case row, its parties, the report's local authority;
* the policy version stamped on the case (R58), the landlord's profile and the staff directory;
* the command's ``data``: what the officer decided in the action, and the dates the domain's
  deadline rules set (``domain/actions/``: next contact, review, survey, contract end).

The common fields (recipient, reference, who signs) are composed here; what each kind adds is
its spec's ``facts``, beside its template in ``activities/letters/kinds/<kind>.py``.

Where a fact is missing, :class:`MissingFactsError` names each one; the dispatcher then sends
nothing and gives the officer a task. A plausible default never stands in for a fact.
"""

from __future__ import annotations

from typing import Any

from activities.letters import (
    LetterContext,
    MissingFactsError,
    Party,
    Recipient,
    RecipientRole,
)
from activities.letters.kinds import SPECS
from activities.letters.spec import Facts, LetterSources
from db.models import Party as PartyRow
from db.models import StaffMember
from domain.commands import SendLetter
from domain.policy import PolicyProfile
from domain.profile import LandlordProfile

__all__ = ["LetterSources", "compose", "letterhead", "party_details", "signature"]


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
    specific = SPECS[command.kind].facts
    if specific is None:  # a referral letter: activities/referrals.py composes it
        raise ValueError(f"a {command.kind} letter is not composed from a case's command")
    facts = Facts(command, sources)
    fields = {**_common(facts, role), **specific(facts)}
    if facts.missing:
        raise MissingFactsError(facts.missing)
    return LetterContext(**fields)


def _common(f: Facts, role: RecipientRole) -> dict[str, Any]:
    """The fields every letter has: recipient, reference, date, and who signs it."""
    src, party = f.src, f.src.recipient
    name = f.need(party.name, f"the {role.value.replace('_', ' ')}'s name")
    if src.by_post:
        f.need(party.address, f"the {role.value.replace('_', ' ')}'s postal address")
    names_officer = bool(f.data("names_contact") if "names_contact" in f.command.data
                         else True)  # fmt: skip
    signer = _officer(f) if names_officer else signature(src.profile, None)
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


def _officer(f: Facts) -> dict[str, Any]:
    """R13, R19: the named officer, from the staff directory (never a user name)."""
    officer_id, member = f.src.case.officer_id, f.src.officer
    if officer_id is None:
        f.missing.append("the officer dealing with the case (none is assigned)")
        return {"officer_name": "-", "officer_contact": "-"}
    if member is None or not member.active:
        f.missing.append(f"officer {officer_id}'s entry in the staff directory")
        return {"officer_name": "-", "officer_contact": "-"}
    return signature(f.src.profile, member)


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
