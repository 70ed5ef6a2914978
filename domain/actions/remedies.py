"""Non-legal remedies and referrals to partner agencies (R20-R24, R38, R40, R41)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from domain.actions.spec import ActionBase, ActionSpec, LetterFacts, Reason
from domain.case import CaseState, Referral, RemedyRecord, Stage
from domain.commands import LetterKind
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
)

__all__ = ["APPLY_REMEDY", "MAKE_REFERRAL", "ApplyRemedy", "MakeReferralAction"]

R41_REMEDIES = frozenset({RemedyKind.MEDIATION, RemedyKind.RESTORATIVE})
REMEDY_LETTERS = {
    RemedyKind.WRITTEN_WARNING: LetterKind.WARNING,  # R40
    RemedyKind.ACCEPTABLE_BEHAVIOUR_CONTRACT: LetterKind.ABC,  # R40
}


# ---- remedies -----------------------------------------------------------------------------------


class ApplyRemedy(ActionBase):
    """R40, R41, R23: a non-legal remedy (enforcement or support track)."""

    type: Literal["apply_remedy"] = "apply_remedy"
    kind: RemedyKind
    # R41 (mediation / restorative only): offered only if both agree, no serious criminality
    # and no power imbalance.
    both_parties_agree: bool | None = None
    serious_criminality: bool | None = None
    power_imbalance: bool | None = None


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
    )


def _apply_remedy(s: CaseState, a: ApplyRemedy, now: datetime, fx: Effects) -> None:
    s.remedies.append(RemedyRecord(kind=a.kind, at=now, by=a.actor.user_id))
    track = "support" if a.kind in SUPPORT_REMEDIES else "enforcement"
    if track == "enforcement":
        advance(s, Stage.NON_LEGAL_REMEDIES)
    letter = REMEDY_LETTERS.get(a.kind)
    if letter is not None:
        fx.to_perpetrator(letter)
    fx.event(
        a.type,
        f"Remedy applied: {a.kind.value.replace('_', ' ')} ({track} track, R40).",
        kind=a.kind.value,
        track=track,
    )


APPLY_REMEDY = ActionSpec(
    model=ApplyRemedy,  # support runs alongside at any stage (R23): no stage guard
    content=_apply_remedy_content,
    handler=_apply_remedy,
    letters=tuple(LetterFacts(kind) for kind in REMEDY_LETTERS.values()),
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
