"""Letters and emails for ASB cases: render (text + HTML), PDF, confidentiality checks.

One kind of letter, one place: ``kinds/<kind>.py`` (its spec: recipients, required facts, where
the facts come from) beside ``kinds/<kind>.j2`` (its wording). The warning is ``kinds/warning``.

Plain Python: no database and no Temporal here; activities call these functions.
"""

from activities.letters.confidentiality import check_context, may_see_complainant, scan_rendered
from activities.letters.errors import (
    AnonymousRecipientError,
    ConfidentialityError,
    LetterError,
    MissingFactsError,
    MissingLetterFieldError,
    WrongRecipientError,
)
from activities.letters.kinds import SPECS
from activities.letters.models import (
    Appointment,
    Consent,
    LetterContext,
    Party,
    Recipient,
    RecipientRole,
    RenderedLetter,
)
from activities.letters.pdf import render_pdf
from activities.letters.render import render_letter
from activities.letters.spec import LetterSpec
from domain.commands import LetterKind

__all__ = [
    "SPECS",
    "AnonymousRecipientError",
    "Appointment",
    "ConfidentialityError",
    "Consent",
    "LetterContext",
    "LetterError",
    "LetterKind",
    "LetterSpec",
    "MissingFactsError",
    "MissingLetterFieldError",
    "Party",
    "Recipient",
    "RecipientRole",
    "RenderedLetter",
    "WrongRecipientError",
    "check_context",
    "may_see_complainant",
    "render_letter",
    "render_pdf",
    "scan_rendered",
]
