"""Collects the commands one decision produces, with deterministic business keys.

Keys are ``f"{reference}:{kind}:{n}"`` where ``n`` is a per-kind counter kept in the case state,
so the same history always yields the same keys (never random; docs/design.md, Activities).
"""

from __future__ import annotations

from datetime import datetime

from domain.case import CaseState, Clock, OpenCase, PartyRef
from domain.commands import (
    Command,
    LetterKind,
    LetterValue,
    MakeReferral,
    NotifyReason,
    NotifySupervisor,
    OpenLinkedCase,
    RecordEvent,
    Scalar,
    SendLetter,
)
from domain.vocabulary import Actor, PartyRole, SharingBasis

__all__ = ["Effects"]


class Effects:
    """Builds commands for one decision on a (mutable, already copied) case state."""

    def __init__(self, state: CaseState, now: datetime, actor: Actor) -> None:
        self.state = state
        self.now = now
        self.actor = actor
        self.commands: list[Command] = []

    def key(self, kind: str) -> str:
        n = self.state.counters.get(kind, 0) + 1
        self.state.counters[kind] = n
        return f"{self.state.reference}:{kind}:{n}"

    def event(self, action: str, summary: str, **data: Scalar) -> None:
        self.commands.append(
            RecordEvent(
                key=self.key("event"),
                reference=self.state.reference,
                action=action,
                summary=summary,
                actor=self.actor,
                at=self.now,
                data=data,
            )
        )

    def letter(self, kind: LetterKind, party: PartyRef, **data: LetterValue) -> None:
        """A letter to ``party``. R9: any letter not to the complainant is marked confidential."""
        s = self.state
        self.commands.append(
            SendLetter(
                key=self.key("letter"),
                reference=s.reference,
                kind=kind,
                to_role=party.role,
                party_id=party.id,
                officer_id=s.officer_id,
                confidential_complainant=s.confidential and party.role is not PartyRole.COMPLAINANT,
                channel=party.preferred_channel,
                data=data,
            )
        )

    def to_complainant(self, kind: LetterKind, **data: LetterValue) -> bool:
        """R8: an anonymous complainant gets no letters. Returns whether a letter went."""
        party = self.state.complainant
        if party is None or self.state.anonymous:
            return False
        self.letter(kind, party, **data)
        return True

    def to_perpetrator(self, kind: LetterKind, **data: LetterValue) -> bool:
        """A letter to the alleged perpetrator, if one is known (R32: may be unknown)."""
        party = self.state.perpetrator
        if party is None:
            return False
        self.letter(kind, party, **data)
        return True

    def referral(
        self,
        agency: str,
        party_id: str | None,
        consent: bool,
        basis: SharingBasis,
        reason: str,
    ) -> None:
        self.commands.append(
            MakeReferral(
                key=self.key("referral"),
                reference=self.state.reference,
                agency=agency,
                party_id=party_id,
                consent=consent,
                sharing_basis=basis,
                reason=reason,
            )
        )

    def notify(
        self,
        reason: NotifyReason,
        summary: str,
        clock: Clock | None = None,
        due_at: datetime | None = None,
        breached_by_seconds: int | None = None,
        level: int | None = None,
    ) -> None:
        self.commands.append(
            NotifySupervisor(
                key=self.key("notify"),
                reference=self.state.reference,
                reason=reason,
                officer_id=self.state.officer_id,
                clock=clock,
                due_at=due_at,
                breached_by_seconds=breached_by_seconds,
                level=level,
                summary=summary,
            )
        )

    def open_linked(self, case: OpenCase) -> None:
        self.commands.append(
            OpenLinkedCase(key=self.key("linked"), reference=self.state.reference, case=case)
        )
