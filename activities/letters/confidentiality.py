"""Confidentiality by construction (R4, R8, R9).

Two independent locks, both applied by `render_letter`:

1. Before rendering, `check_context` refuses an anonymous recipient (R8) and refuses to hand
   the complainant's identity to a recipient who may not have it: an alleged perpetrator or a
   witness never; an agency or a third-party reporter only with the complainant's recorded
   consent (R4, R9, R38).
2. After rendering, `scan_rendered` searches the subject, text and HTML for the name, address,
   postcode, email and phone of every protected party (`confidential_parties`, plus the
   complainant where the recipient may not see it). It catches identity typed into free text,
   e.g. a behaviour description that says "your neighbour Mrs Patel at number 12".

Error messages name the field that leaked, never its value, so they are safe to log and to
store in workflow history.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from activities.letters.errors import AnonymousRecipientError, ConfidentialityError
from activities.letters.models import LetterContext, Party, RecipientRole, RenderedLetter

Field = Literal["name", "address", "postcode", "email", "phone"]

# Recipients who may see the complainant's identity only with the complainant's consent.
CONSENT_UNLOCKS = frozenset({RecipientRole.AGENCY, RecipientRole.REPORTER})
# Recipients who may always see it: the complainant themself, and internal staff.
ALWAYS_ENTITLED = frozenset({RecipientRole.COMPLAINANT, RecipientRole.STAFF})

_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "rev", "prof", "sir", "dame"})
_POSTCODE = re.compile(r"\b([a-z]{1,2}\d[a-z\d]?)\s*(\d[a-z]{2})\b")
_PHONE_RUN = re.compile(r"\+?\d[\d\s().-]{4,}\d")
_TAG = re.compile(r"<[^>]+>")
_MIN_PHONE_DIGITS = 6
_MIN_SURNAME = 3


@dataclass(frozen=True)
class _Token:
    field: Field
    value: str
    case_sensitive: bool = False


def may_see_complainant(context: LetterContext) -> bool:
    """Whether this recipient is entitled to the complainant's identity (R4, R9)."""
    role = context.recipient_role
    if role in ALWAYS_ENTITLED:
        return True
    if role in CONSENT_UNLOCKS:
        consent = context.consent
        return consent is not None and consent.given_by_role is RecipientRole.COMPLAINANT
    return False  # alleged perpetrator, witness


def check_context(context: LetterContext) -> None:
    """The first lock, before anything is rendered."""
    if context.recipient.anonymous:
        raise AnonymousRecipientError(
            f"{context.reference}: the recipient reported anonymously and receives no letters (R8)"
        )
    carries = context.complainant is not None or (
        context.referral_subject_role is RecipientRole.COMPLAINANT
    )
    if carries and not may_see_complainant(context):
        raise ConfidentialityError(
            f"{context.reference}: a letter to a {context.recipient_role} may not carry the "
            "complainant's identity without the complainant's recorded consent (R4, R9)"
        )


def scan_rendered(letter: RenderedLetter, context: LetterContext) -> None:
    """The second lock: refuse output that contains a protected party's details."""
    protected = list(context.confidential_parties)
    if context.complainant is not None and not may_see_complainant(context):
        protected.append(context.complainant)
    if not protected:
        return
    texts = [_squash(letter.subject), _squash(letter.text), _squash(_strip(letter.html))]
    phones = [digits for text in texts for digits in _phone_runs(text)]
    allowed = _normalise(" ".join(_entitled_text(context)))
    for index, party in enumerate(protected):
        for token in identity_tokens(party):
            if _leaks(token, texts, phones, allowed):
                raise ConfidentialityError(
                    f"{context.reference}: the {context.recipient_role} letter contains the "
                    f"{token.field} of protected party #{index + 1} (R9); reword the free text"
                )


def identity_tokens(party: Party) -> list[_Token]:
    """The strings that would identify this party if they appeared in a letter."""
    return [
        *_name_tokens(party.name),
        *_address_tokens(party.address_lines),
        *([_Token("email", _normalise(party.email))] if party.email else []),
        *([_Token("phone", _national(party.phone))] if party.phone else []),
    ]


def _leaks(token: _Token, texts: list[str], phones: list[str], allowed: str) -> bool:
    if token.field == "phone":
        return len(token.value) >= _MIN_PHONE_DIGITS and any(token.value in p for p in phones)
    if _contains(allowed, token.value, case_sensitive=False):
        return False  # also the recipient's, officer's or landlord's own detail, e.g. a postcode
    return any(_contains(text, token.value, case_sensitive=token.case_sensitive) for text in texts)


def _name_tokens(name: str) -> Iterator[_Token]:
    yield _Token("name", _normalise(name))
    words = [w for w in re.split(r"[\s.]+", unicodedata.normalize("NFKC", name)) if w]
    named = [w for w in words if w.lower() not in _TITLES]
    if len(named) > 1 and len(named[-1]) >= _MIN_SURNAME:
        # The surname on its own ("Mrs Smith"), matched as a capitalised word.
        yield _Token("name", named[-1], case_sensitive=True)


def _address_tokens(lines: list[str]) -> Iterator[_Token]:
    for position, line in enumerate(lines):
        if position == 0 or any(ch.isdigit() for ch in line):
            yield _Token("address", _normalise(line))
    for outward, inward in _POSTCODE.findall(_normalise(" ".join(lines))):
        yield _Token("postcode", f"{outward} {inward}")
        yield _Token("postcode", f"{outward}{inward}")


def _entitled_text(context: LetterContext) -> Iterable[str]:
    recipient = context.recipient
    values = [
        recipient.name,
        recipient.salutation,
        recipient.address,
        recipient.email,
        recipient.phone,
    ]
    values += [context.officer_name, context.officer_contact, context.officer_title]
    values.append(context.landlord_name)
    subject = context.referral_subject
    if subject is not None and context.referral_subject_role is not RecipientRole.COMPLAINANT:
        # R38: the person referred; their own details (often a neighbour's postcode) are the
        # referral's content, not a leak of the complainant's.
        values += [subject.name, subject.address, subject.email, subject.phone]
    return (value for value in values if value)


def _contains(text: str, token: str, *, case_sensitive: bool) -> bool:
    if not token:
        return False
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.search(rf"(?<!\w){re.escape(token)}(?!\w)", text, flags) is not None


def _squash(value: str) -> str:
    """Unicode-normalised, curly apostrophes straightened, whitespace collapsed."""
    value = unicodedata.normalize("NFKC", value).replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(value.split())


def _normalise(value: str) -> str:
    return _squash(value).lower()


def _strip(markup: str) -> str:
    return html.unescape(_TAG.sub(" ", markup))


def _phone_runs(text: str) -> list[str]:
    return [_national(run) for run in _PHONE_RUN.findall(text)]


def _national(phone: str) -> str:
    """Digits of a UK number without the 0 or +44 prefix, so both spellings match."""
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("44") and len(digits) > 10:
        digits = digits[2:]
    return digits.lstrip("0")
