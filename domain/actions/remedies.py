"""Non-legal remedies and referrals to partner agencies (R20-R24, R38, R40, R41)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain import clocks
from domain.actions.spec import ActionBase, ActionSpec, LetterFacts, Reason
from domain.case import CaseState, Referral, RemedyRecord, Stage
from domain.commands import LetterKind, LetterValue
from domain.deadlines import contract_end
from domain.effects import Effects
from domain.predicates import (
    acknowledged,
    first,
    no_closure_pending,
    perpetrator_known,
    plan_agreed,
)
from domain.stages import advance
from domain.vocabulary import (
    ENFORCEMENT_REMEDIES,
    SUPPORT_REMEDIES,
    PartyRole,
    RemedyKind,
    SharingBasis,
    Wording,
    WordingList,
)

R41_REMEDIES = frozenset({RemedyKind.MEDIATION, RemedyKind.RESTORATIVE})
REMEDY_LETTERS = {
    RemedyKind.WRITTEN_WARNING: LetterKind.WARNING,  # R40
    RemedyKind.ACCEPTABLE_BEHAVIOUR_CONTRACT: LetterKind.ABC,  # R40
}


# ---- remedies -----------------------------------------------------------------------------------


class WarningTerms(BaseModel):
    """R40: what a written warning says, as the officer decided it (it may support a claim)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    behaviour: Wording  # e.g. "loud music played late at night"
    effect: Wording | None = None  # the effect on others, where the officer states one
    incident_dates: list[date] = Field(min_length=1, max_length=50)  # logged incidents
    tenancy_clauses: list[Wording] = Field(min_length=1, max_length=20)  # the clauses breached


class AbcTerms(BaseModel):
    """R40: an acceptable behaviour contract as agreed: its terms, length and review date."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    behaviour: Wording  # why the contract is asked for
    terms: list[Wording] = Field(min_length=1, max_length=20)
    length_months: int = Field(ge=1, le=24)
    review_on: date
    tenancy_clauses: WordingList = Field(default_factory=list)


class ApplyRemedy(ActionBase):
    """R40, R41, R23: a non-legal remedy (enforcement or support track)."""

    type: Literal["apply_remedy"] = "apply_remedy"
    kind: RemedyKind
    # R41 (mediation / restorative only): offered only if both agree, no serious criminality
    # and no power imbalance.
    both_parties_agree: bool | None = None
    serious_criminality: bool | None = None
    power_imbalance: bool | None = None
    # R40: the content of the letter a written warning or an ABC sends. Without it the letter
    # is not sent: the officer is given a task naming what is missing.
    warning: WarningTerms | None = None
    abc: AbcTerms | None = None

    @model_validator(mode="after")
    def _terms_match_kind(self) -> Self:
        if self.warning is not None and self.kind is not RemedyKind.WRITTEN_WARNING:
            raise ValueError("warning terms go only with kind written_warning")
        if self.abc is not None and self.kind is not RemedyKind.ACCEPTABLE_BEHAVIOUR_CONTRACT:
            raise ValueError("abc terms go only with kind acceptable_behaviour_contract")
        return self


def _r41(s: CaseState, a: ApplyRemedy) -> Reason:
    if s.domestic_abuse:
        return f"{a.kind.value.capitalize()} is not offered in a domestic abuse case (R24, R41)."
    ok = a.both_parties_agree is True and a.serious_criminality is False
    if not (ok and a.power_imbalance is False):
        return (
            f"{a.kind.value.capitalize()} is offered only if both parties agree, there is no "
            "serious criminality and no power imbalance (R41); record all three."
        )
    return None


def _apply_remedy_content(s: CaseState, a: ApplyRemedy, now: datetime) -> Reason:
    if a.kind not in ENFORCEMENT_REMEDIES:
        return None  # support track: alongside enforcement at any open stage (R23)
    return first(
        acknowledged(s),
        plan_agreed(s),
        no_closure_pending(s),
        perpetrator_known(s),
        _r41(s, a) if a.kind in R41_REMEDIES else None,
        _warning_refusal(s, a),
        _abc_refusal(s, a, now),
    )


def _warning_refusal(s: CaseState, a: ApplyRemedy) -> Reason:
    """R40: a warning cites incidents logged on this case, by the day they happened."""
    if a.warning is None:
        return None
    cal = clocks.calendar(s)
    logged = {cal.local_date(i.occurred_at) for i in s.incidents}
    unknown = sorted(d for d in a.warning.incident_dates if d not in logged)
    if unknown:
        days = ", ".join(d.isoformat() for d in unknown)
        known = ", ".join(d.isoformat() for d in sorted(logged))
        return f"No incident is logged on this case on {days}; logged incidents: {known} (R40)."
    return None


def _abc_refusal(s: CaseState, a: ApplyRemedy, now: datetime) -> Reason:
    """R40: an ABC is reviewed while it runs, not before it starts or after it ends."""
    if a.abc is None:
        return None
    start = clocks.calendar(s).local_date(now)
    end = contract_end(start, a.abc.length_months)
    if not start < a.abc.review_on <= end:
        return (
            f"The review date {a.abc.review_on.isoformat()} must fall after today and within "
            f"the contract, which runs to {end.isoformat()} (R40)."
        )
    return None


def _apply_remedy(s: CaseState, a: ApplyRemedy, now: datetime, fx: Effects) -> None:
    s.remedies.append(RemedyRecord(kind=a.kind, at=now, by=a.actor.user_id))
    track = "support" if a.kind in SUPPORT_REMEDIES else "enforcement"
    if track == "enforcement":
        advance(s, Stage.NON_LEGAL_REMEDIES)
    letter = REMEDY_LETTERS.get(a.kind)
    if letter is not None:
        fx.to_perpetrator(letter, **_remedy_letter(s, a, now))
    fx.event(
        a.type,
        f"Remedy applied: {a.kind.value.replace('_', ' ')} ({track} track, R40).",
        kind=a.kind.value,
        track=track,
    )


def _remedy_letter(s: CaseState, a: ApplyRemedy, now: datetime) -> dict[str, LetterValue]:
    """R40: what the officer decided, and the contract's dates from the domain's own rules."""
    if a.warning is not None:
        w = a.warning
        return {
            "behaviour": w.behaviour,
            "effect": w.effect,
            "incident_dates": [d.isoformat() for d in sorted(w.incident_dates)],
            "tenancy_clauses": list(w.tenancy_clauses),
        }
    if a.abc is not None:
        start = clocks.calendar(s).local_date(now)
        return {
            "behaviour": a.abc.behaviour,
            "abc_terms": list(a.abc.terms),
            "tenancy_clauses": list(a.abc.tenancy_clauses),
            "contract_start": start.isoformat(),
            "contract_end": contract_end(start, a.abc.length_months).isoformat(),
            "review_on": a.abc.review_on.isoformat(),
        }
    return {}


WARNING_FACTS = ("behaviour", "effect", "incident_dates", "tenancy_clauses")
ABC_FACTS = ("behaviour", "abc_terms", "tenancy_clauses", "contract_start", "contract_end")

APPLY_REMEDY = ActionSpec(
    model=ApplyRemedy,  # support runs alongside at any stage (R23): no stage guard
    content=_apply_remedy_content,
    handler=_apply_remedy,
    letters=(
        LetterFacts(LetterKind.WARNING, WARNING_FACTS),
        LetterFacts(LetterKind.ABC, (*ABC_FACTS, "review_on")),
    ),
)


# ---- referrals ----------------------------------------------------------------------------------


class MakeReferralAction(ActionBase):
    """R20-R24, R38: a referral to a partner agency, with the basis for sharing."""

    type: Literal["make_referral"] = "make_referral"
    agency: str = Field(min_length=1, max_length=100)
    party: PartyRole = "complainant"
    consent: bool
    sharing_basis: SharingBasis


def _make_referral_content(s: CaseState, a: MakeReferralAction, now: datetime) -> Reason:
    if s.party(a.party) is None:
        return f"There is no {a.party.replace('_', ' ')} on this case to refer."
    if a.sharing_basis == "consent" and not a.consent:
        return "The sharing basis is consent but no consent is recorded (R22, R38)."
    return None


def _make_referral(s: CaseState, a: MakeReferralAction, now: datetime, fx: Effects) -> None:
    party = s.party(a.party)
    party_id = party.id if party else None
    s.referrals.append(
        Referral(
            agency=a.agency,
            party_id=party_id,
            sharing_basis=a.sharing_basis,
            consent=a.consent,
            at=now,
        )
    )
    fx.referral(a.agency, party_id, a.consent, a.sharing_basis, f"referral of the {a.party}")
    fx.event(
        a.type,
        f"Referral of the {a.party.replace('_', ' ')} to {a.agency} on the basis "
        f"{a.sharing_basis} (R22, R38).",
        agency=a.agency,
        basis=a.sharing_basis,
    )


MAKE_REFERRAL = ActionSpec(
    model=MakeReferralAction,
    content=_make_referral_content,
    handler=_make_referral,
    on_hold=True,
)
