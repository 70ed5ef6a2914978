"""What one kind of letter is, apart from its wording: who it may go to, the facts it cannot go
without, where those facts come from, and any rule it must meet. Each kind declares one
:class:`LetterSpec` in ``kinds/<kind>.py``, beside its wording in ``kinds/<kind>.j2``; the kinds
themselves are :class:`domain.commands.LetterKind`, declared once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

from activities.letters.models import LetterContext, RecipientRole
from domain.commands import LetterKind, SendLetter

if TYPE_CHECKING:  # the record's rows, read by the facts; the letters need no database
    from db.models import Case as CaseRow
    from db.models import Party as PartyRow
    from db.models import StaffMember
    from domain.policy import PolicyProfile
    from domain.profile import LandlordProfile

__all__ = [
    "TO_AGENCY",
    "TO_COMPLAINANT",
    "TO_PERPETRATOR",
    "Facts",
    "LetterSources",
    "LetterSpec",
]

_Word = TypeVar("_Word", bound=StrEnum)

TO_COMPLAINANT = frozenset({RecipientRole.COMPLAINANT, RecipientRole.REPORTER})
TO_PERPETRATOR = frozenset({RecipientRole.ALLEGED_PERPETRATOR})
TO_AGENCY = frozenset({RecipientRole.AGENCY})


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


class Facts:
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

    def known(self, vocabulary: type[_Word], name: str) -> _Word | None:
        """The named value as a word of ``vocabulary``; None when absent or not one of them."""
        value = self.data(name)
        try:
            return vocabulary(value) if isinstance(value, str) else None
        except ValueError:
            return None

    def local(self, instant: datetime) -> date:
        return instant.astimezone(self.tz).date()


@dataclass(frozen=True)
class LetterSpec:
    """One kind of letter. Its template is ``<kind>.j2`` beside the module that declares it."""

    kind: LetterKind
    # Who it may go to: keeps, say, a closure letter listing the actions taken against someone
    # from being addressed to that person.
    recipients: frozenset[RecipientRole]
    # Context fields it needs beyond the common ones (reference, landlord_name, letter_date,
    # recipient, recipient_role, officer_name, officer_contact) ...
    required: tuple[str, ...] = ()
    # ... and those it needs when it goes to the alleged perpetrator.
    required_to_perpetrator: tuple[str, ...] = ()
    # Its facts from the case record and the command (activities/compose.py); None where
    # another activity composes it (the referral letters, activities/referrals.py).
    facts: Callable[[Facts], dict[str, Any]] | None = None
    # A rule beyond the fields, raising MissingLetterFieldError when the context breaks it.
    check: Callable[[LetterContext], None] | None = None

    @property
    def template(self) -> str:
        return f"{self.kind.value}.j2"

    def required_fields(self, role: RecipientRole) -> tuple[str, ...]:
        """The context fields a letter of this kind to ``role`` cannot go without."""
        extra = self.required_to_perpetrator if role in TO_PERPETRATOR else ()
        return self.required + extra
