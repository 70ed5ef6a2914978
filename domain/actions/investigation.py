"""Interviews, incidents, evidence and counter-allegations (R8, R25, R26, R30-R34, R56)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, Field

from domain.actions.spec import ActionBase, ActionSpec, LetterFacts, Reason
from domain.case import CaseState, Incident, OpenCase, PartyRef
from domain.commands import LetterKind, LetterValue
from domain.effects import Effects
from domain.policy import CounterAllegation
from domain.predicates import acknowledged, perpetrator_known
from domain.steps import check_case_review, local_day, raise_to_floor, report_activity
from domain.triage import VulnerabilityAnswers
from domain.vocabulary import EvidenceKind, InterviewParty, PartyRole, Ref, Text

NOISE_KINDS = frozenset({EvidenceKind.NOISE_MONITORING, EvidenceKind.NOISE_APP})
# R33: evidence supplied by a person needs their informed consent.
CONSENT_REQUIRED = frozenset(
    {
        EvidenceKind.DIARY_SHEET,
        EvidenceKind.NOISE_APP,
        EvidenceKind.DOORBELL,
        EvidenceKind.PHOTO,
        EvidenceKind.STATEMENT,
    }
)


# ---- interviews (R26, R30) ----------------------------------------------------------------------


class InviteToInterview(ActionBase):
    """R26, R30: invite a party to an interview in writing."""

    type: Literal["invite_to_interview"] = "invite_to_interview"
    party: InterviewParty
    # The appointment the letter offers (R26: location agreed together). Without one, no
    # letter can be produced and the officer is given the task of arranging it instead.
    at: AwareDatetime | None = None
    place: Text | None = None  # e.g. "our Church Street office": never a resident's address
    by_phone: bool = False


def _invite_content(s: CaseState, a: InviteToInterview, now: datetime) -> Reason:
    if a.party == "alleged_perpetrator":
        return perpetrator_known(s)
    if s.anonymous:
        return "The complainant is anonymous (R8): no invitation can be sent."
    return None


def _invite_to_interview(s: CaseState, a: InviteToInterview, now: datetime, fx: Effects) -> None:
    party = s.party(a.party)
    assert party is not None
    appointment = a.at.isoformat() if a.at else None
    fx.letter(  # R26, R30
        LetterKind.INTERVIEW_INVITATION, party, at=appointment, place=a.place, by_phone=a.by_phone
    )
    s.interviews_invited.append(a.party)
    fx.event(
        a.type,
        f"Interview invitation to the {a.party.replace('_', ' ')} requested; the letters "
        "list shows whether it went (R26, R30).",
        party=a.party,
    )


INVITE_TO_INTERVIEW = ActionSpec(
    model=InviteToInterview,
    stage=acknowledged,
    content=_invite_content,
    handler=_invite_to_interview,
    letters=(LetterFacts(LetterKind.INTERVIEW_INVITATION, ("at", "place", "by_phone")),),
)


class RecordInterview(ActionBase):
    """R26, R30: an interview held."""

    type: Literal["record_interview"] = "record_interview"
    party: InterviewParty
    notes_ref: Ref | None = None


def _interview_content(s: CaseState, a: RecordInterview, now: datetime) -> Reason:
    return perpetrator_known(s) if a.party == "alleged_perpetrator" else None


def _record_interview(s: CaseState, a: RecordInterview, now: datetime, fx: Effects) -> None:
    s.interviews_done.append(a.party)
    fx.event(
        a.type,
        f"Interview with the {a.party.replace('_', ' ')} recorded (R26, R30).",
        party=a.party,
        notes_ref=a.notes_ref,
    )


RECORD_INTERVIEW = ActionSpec(
    model=RecordInterview,
    stage=acknowledged,
    content=_interview_content,
    handler=_record_interview,
)


# ---- incidents ----------------------------------------------------------------------------------


class LogIncident(ActionBase):
    """A further incident reported on this case (R18 re-assessment, R25 hate, R56 counts)."""

    type: Literal["log_incident"] = "log_incident"
    occurred_at: AwareDatetime
    hate: bool = False


def _log_incident_content(s: CaseState, a: LogIncident, now: datetime) -> Reason:
    if a.occurred_at > now:
        return f"The incident time {a.occurred_at:%Y-%m-%d %H:%M} is in the future."
    return None


def _log_incident(s: CaseState, a: LogIncident, now: datetime, fx: Effects) -> None:
    s.incidents.append(Incident(occurred_at=a.occurred_at, logged_at=now, hate=a.hate))
    fx.event(
        a.type,
        f"Incident logged{' (hate incident)' if a.hate else ''}.",
        occurred_at=a.occurred_at.isoformat(),
        hate=a.hate,
    )
    if a.hate and not s.hate:
        s.hate = True  # R25: hate flag (TSM NM01(2))
        raise_to_floor(s, now, fx)
    report_activity(s, now, fx)
    check_case_review(s, now, fx)


LOG_INCIDENT = ActionSpec(
    model=LogIncident,
    content=_log_incident_content,
    handler=_log_incident,
    on_hold=True,
    letters=(LetterFacts(LetterKind.CASE_REVIEW_RIGHTS, ("limb",)),),
)


# ---- evidence (R33, R34) ------------------------------------------------------------------------


class AddEvidence(ActionBase):
    """R33, R34: an item of evidence; providers give informed consent."""

    type: Literal["add_evidence"] = "add_evidence"
    kind: EvidenceKind
    consent: bool
    evidence_ref: Ref | None = None


def _add_evidence_content(s: CaseState, a: AddEvidence, now: datetime) -> Reason:
    if a.kind in CONSENT_REQUIRED and not a.consent:
        return f"Evidence of kind {a.kind.value} needs the provider's informed consent (R33)."
    return None


def _add_evidence(s: CaseState, a: AddEvidence, now: datetime, fx: Effects) -> None:
    first_of_kind = a.kind not in s.evidence
    s.evidence[a.kind] = s.evidence.get(a.kind, 0) + 1
    fx.event(
        a.type,
        f"Evidence added: {a.kind.value.replace('_', ' ')} (R33, R34).",
        kind=a.kind.value,
        consent=a.consent,
        evidence_ref=a.evidence_ref,
    )
    # R34 (B): the perpetrator is told in writing when monitoring is deployed or the Noise App
    # is first used.
    notify = a.kind is EvidenceKind.NOISE_MONITORING or (a.kind in NOISE_KINDS and first_of_kind)
    notice: dict[str, LetterValue] = {"evidence_kind": a.kind.value, "from": local_day(s, now)}
    if notify and fx.to_perpetrator(LetterKind.NOISE_MONITORING_NOTICE, **notice):
        s.noise_notices_sent += 1
    report_activity(s, now, fx)


ADD_EVIDENCE = ActionSpec(
    model=AddEvidence,
    content=_add_evidence_content,
    handler=_add_evidence,
    on_hold=True,
    letters=(LetterFacts(LetterKind.NOISE_MONITORING_NOTICE, ("evidence_kind", "from")),),
)


# ---- counter-allegation (R31) -------------------------------------------------------------------


class RaiseCounterAllegation(ActionBase):
    """R31: the alleged perpetrator complains about the complainant: a new, linked case."""

    type: Literal["raise_counter_allegation"] = "raise_counter_allegation"
    categories: list[str] = Field(min_length=1)
    vulnerability: VulnerabilityAnswers = Field(default_factory=VulnerabilityAnswers)
    channel: str = Field(min_length=1, max_length=40)


def _counter_allegation_content(s: CaseState, a: RaiseCounterAllegation, now: datetime) -> Reason:
    if s.policy.counter_allegation is CounterAllegation.GNM_ROUTE:
        return (
            f"Policy {s.landlord} routes counter-allegations in neighbour disputes to Good "
            "Neighbourhood Management, not a new ASB case (R10, R31)."
        )
    if s.anonymous:
        return "The complainant is anonymous (R8): a counter-allegation cannot name them."
    unknown = [c for c in a.categories if c not in s.policy.categories]
    if unknown:
        return f"Unknown categories for policy {s.landlord}: {', '.join(unknown)} (R1, R15)."
    return perpetrator_known(s)


def _raise_counter_allegation(
    s: CaseState, a: RaiseCounterAllegation, now: datetime, fx: Effects
) -> None:
    n = s.counters.get("linked", 0) + 1
    swapped: dict[str, PartyRole] = {
        "complainant": "alleged_perpetrator",
        "alleged_perpetrator": "complainant",
    }
    parties = [
        PartyRef(id=p.id, role=swapped[p.role], preferred_channel=p.preferred_channel)
        for p in s.parties
        if p.role in swapped
    ]
    case = OpenCase(
        reference=f"{s.reference}-C{n}",
        landlord=s.landlord,
        categories=a.categories,
        vulnerability=a.vulnerability,
        channel=a.channel,
        received_at=now,
        parties=parties,
        linked_reference=s.reference,
    )
    fx.open_linked(case)
    fx.event(
        a.type,
        f"Counter-allegation: linked case {case.reference} opened (R31).",
        linked_reference=case.reference,
    )


RAISE_COUNTER_ALLEGATION = ActionSpec(
    model=RaiseCounterAllegation,
    stage=acknowledged,
    content=_counter_allegation_content,
    handler=_raise_counter_allegation,
)
