"""Letters and emails for ASB cases: render (text + HTML), PDF, confidentiality checks.

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
from activities.letters.render import (
    ALLOWED_ROLES,
    REQUIRED_FIELDS,
    render_letter,
    required_fields,
    template_name,
)
from domain.commands import LetterKind

__all__ = [
    "ALLOWED_ROLES",
    "REQUIRED_FIELDS",
    "AnonymousRecipientError",
    "Appointment",
    "ConfidentialityError",
    "Consent",
    "LetterContext",
    "LetterError",
    "LetterKind",
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
    "required_fields",
    "scan_rendered",
    "template_name",
]
