"""Render letters and emails from Jinja2 templates in `activities/templates/`.

Each kind has one template, `<kind>.j2`, extending `_letter.j2`. The same template is rendered
twice: once as plain text and once as HTML with autoescaping, both with StrictUndefined. Inside
the letter body a tiny layout convention keeps the two in step:

    blank line   separates blocks          "- item"   bullet point
    "| line"     line kept as it is        "# title"  heading (the subject)

Everything else is a paragraph: wrapped at 72 columns in text, a <p> in HTML. Template text is
literal in both outputs, so templates must not contain the characters & < or >.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterator
from datetime import date, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, UndefinedError
from markupsafe import Markup, escape

from activities.letters.confidentiality import check_context, scan_rendered
from activities.letters.errors import MissingLetterFieldError, WrongRecipientError
from activities.letters.models import LetterContext, RecipientRole, RenderedLetter
from domain.commands import LetterKind

__all__ = [
    "ALLOWED_ROLES",
    "REQUIRED_FIELDS",
    "LetterContext",
    "LetterKind",
    "RenderedLetter",
    "render_letter",
    "required_fields",
    "template_name",
]

_Role = RecipientRole
_TO_COMPLAINANT = frozenset({_Role.COMPLAINANT, _Role.REPORTER})
_TO_PERPETRATOR = frozenset({_Role.ALLEGED_PERPETRATOR})

# Who each kind of letter may go to. Keeps, say, a closure letter listing the actions taken
# against someone from being addressed to that person.
ALLOWED_ROLES: dict[LetterKind, frozenset[RecipientRole]] = {
    LetterKind.ACKNOWLEDGEMENT: _TO_COMPLAINANT,
    LetterKind.OFFICER_CHANGED: _TO_COMPLAINANT,  # R19
    LetterKind.ACTION_PLAN: frozenset({_Role.COMPLAINANT, _Role.ALLEGED_PERPETRATOR}),  # R30
    LetterKind.INTERVIEW_INVITATION: frozenset({_Role.COMPLAINANT}) | _TO_PERPETRATOR,
    LetterKind.FAILED_CONTACT: _TO_COMPLAINANT,
    LetterKind.WARNING: _TO_PERPETRATOR,
    LetterKind.ABC: _TO_PERPETRATOR,
    LetterKind.NOISE_MONITORING_NOTICE: _TO_PERPETRATOR,
    LetterKind.CLOSURE_NOTICE: _TO_COMPLAINANT,
    LetterKind.CLOSURE_CONFIRMATION: _TO_COMPLAINANT,
    LetterKind.SURVEY_INVITATION: _TO_COMPLAINANT | _TO_PERPETRATOR,  # R55
    LetterKind.CASE_REVIEW_RIGHTS: _TO_COMPLAINANT,
    LetterKind.REFERRAL: frozenset({_Role.AGENCY}),
    LetterKind.REFERRAL_CHASE: frozenset({_Role.AGENCY}),
}

# Context fields each kind needs beyond the common ones (reference, landlord_name, letter_date,
# recipient, recipient_role, officer_name, officer_contact).
REQUIRED_FIELDS: dict[LetterKind, tuple[str, ...]] = {
    LetterKind.ACKNOWLEDGEMENT: (),
    LetterKind.OFFICER_CHANGED: (),
    LetterKind.ACTION_PLAN: ("actions",),
    LetterKind.INTERVIEW_INVITATION: ("appointment",),
    LetterKind.FAILED_CONTACT: ("contact_attempts",),
    LetterKind.WARNING: ("behaviour", "incident_dates", "tenancy_clauses"),
    LetterKind.ABC: ("behaviour", "abc_terms", "contract_end_date"),
    LetterKind.NOISE_MONITORING_NOTICE: ("monitoring_method", "monitoring_start"),
    LetterKind.CLOSURE_NOTICE: ("closure_reason", "actions_taken"),
    LetterKind.CLOSURE_CONFIRMATION: ("closure_reason", "actions_taken"),
    LetterKind.SURVEY_INVITATION: ("survey_link",),
    LetterKind.CASE_REVIEW_RIGHTS: (
        "local_authority",
        "case_review_threshold",
        "case_review_contact",
    ),
    LetterKind.REFERRAL: (
        "agency_name",
        "referral_reason",
        "referral_subject",
        "referral_subject_role",
        "sharing_basis",
    ),
    LetterKind.REFERRAL_CHASE: ("agency_name", "referral_made_on"),
}
# R30: an invitation to the alleged perpetrator also says what was reported.
_TO_PERPETRATOR_FIELDS: dict[LetterKind, tuple[str, ...]] = {
    LetterKind.INTERVIEW_INVITATION: ("behaviour",),
}

# The template each kind is written with, where it is not ``<kind>.j2``.
_TEMPLATES: dict[LetterKind, str] = {
    LetterKind.OFFICER_CHANGED: "acknowledgement",  # R19: the acknowledgement, new officer
    LetterKind.CLOSURE_CONFIRMATION: "closure_notice",
}


def template_name(kind: LetterKind, role: RecipientRole) -> str:
    """The template file of a letter of ``kind`` to a recipient in ``role``: an interview
    invitation reads differently to the complainant (R26) and the alleged perpetrator (R30)."""
    if kind is LetterKind.INTERVIEW_INVITATION:
        side = "perpetrator" if role is RecipientRole.ALLEGED_PERPETRATOR else "complainant"
        return f"interview_invitation_{side}.j2"
    return f"{_TEMPLATES.get(kind, kind.value)}.j2"


def required_fields(kind: LetterKind, role: RecipientRole) -> tuple[str, ...]:
    """The context fields a letter of ``kind`` to ``role`` cannot go without."""
    extra = _TO_PERPETRATOR_FIELDS.get(kind, ()) if role in _TO_PERPETRATOR else ()
    return REQUIRED_FIELDS[kind] + extra


_MIN_FAILED_ATTEMPTS = 2  # R29
_NEVER_IN_TEMPLATES = frozenset({"confidential_parties"})
_LONDON = ZoneInfo("Europe/London")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WIDTH = 72


def render_letter(kind: LetterKind | str, context: LetterContext) -> RenderedLetter:
    """Render one letter, or refuse with a `LetterError` subclass (all permanent)."""
    kind = LetterKind(kind)
    check_context(context)  # R8 anonymous, R4/R9 complainant identity
    _check_recipient(kind, context)
    _check_fields(kind, context)
    letter = _render(kind, context)
    scan_rendered(letter, context)  # R9: nothing protected slipped in through free text
    return letter


def _check_recipient(kind: LetterKind, context: LetterContext) -> None:
    if context.recipient_role not in ALLOWED_ROLES[kind]:
        raise WrongRecipientError(f"a {kind} letter cannot go to a {context.recipient_role}")


def _check_fields(kind: LetterKind, context: LetterContext) -> None:
    required = required_fields(kind, context.recipient_role)
    missing = [name for name in required if getattr(context, name) is None]
    if missing:
        raise MissingLetterFieldError(f"a {kind} letter needs: {', '.join(missing)}")
    attempts = context.contact_attempts or []
    if kind is LetterKind.FAILED_CONTACT and len(attempts) < _MIN_FAILED_ATTEMPTS:
        raise MissingLetterFieldError("a failed_contact letter follows two failed attempts (R29)")


def _render(kind: LetterKind, context: LetterContext) -> RenderedLetter:
    variables = _template_variables(context)
    name = template_name(kind, context.recipient_role)
    try:
        text_template = _environment(html=False).get_template(name)
        subject = " ".join(_render_block(text_template, "subject", variables).split())
        text = text_template.render(variables).strip() + "\n"
        body = _environment(html=True).get_template(name).render(variables)
    except UndefinedError as error:
        raise MissingLetterFieldError(f"{kind} template: {error.message}") from error
    recipient = context.recipient
    address = (recipient.name, *recipient.address_lines) if recipient.address else ()
    return RenderedLetter(
        subject=subject, text=text, html=_html_document(subject, body), address=address
    )


def _template_variables(context: LetterContext) -> dict[str, Any]:
    """Top-level fields that are set. An unset one is *undefined* to the template (not None),
    so StrictUndefined stops a template that uses it without `is defined`."""
    variables = {
        name: getattr(context, name)
        for name in type(context).model_fields
        if name not in _NEVER_IN_TEMPLATES and getattr(context, name) is not None
    }
    variables["recipient_role"] = context.recipient_role.value
    return variables


def _render_block(template: Any, block: str, variables: dict[str, Any]) -> str:
    return "".join(template.blocks[block](template.new_context(variables)))


def _html_document(subject: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head><meta charset="utf-8">'
        f"<title>{escape(subject)}</title></head>\n"
        '<body style="font-family: Arial, sans-serif; font-size: 11pt; line-height: 1.4">\n'
        f"{body.strip()}\n</body>\n</html>\n"
    )


@cache
def _environment(*, html: bool) -> Environment:
    env = Environment(
        loader=PackageLoader("activities.letters", "kinds"),
        autoescape=html,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    layout: Callable[[str], str] = _html_layout if html else _text_layout
    link: Callable[[str], str] = _html_link if html else str
    env.filters.update(long_date=long_date, long_datetime=long_datetime, letter=layout, link=link)
    return env


# Dates, spelled the British way and independent of the machine's locale.


def long_date(value: date) -> str:
    """3 March 2026"""
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def long_datetime(value: datetime) -> str:
    """Tuesday 3 March 2026 at 2:30pm (aware values are shown in UK time)."""
    if value.tzinfo is not None:
        value = value.astimezone(_LONDON)
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    suffix = "am" if value.hour < 12 else "pm"
    return f"{_DAYS[value.weekday()]} {long_date(value)} at {hour}{minutes}{suffix}"


# The layout convention: blocks of paragraphs, bullets, kept lines and headings.

_MARKERS = {"- ": "bullets", "| ": "lines", "# ": "heading"}


def _blocks(content: str) -> Iterator[tuple[str, list[str]]]:
    """Yield (kind, lines) groups; consecutive lines of the same kind form one group."""
    for chunk in re.split(r"\n\s*\n", content):
        group: list[str] = []
        group_kind = ""
        for raw in chunk.splitlines():
            line = raw.strip()
            if not line:
                continue
            kind = next((k for m, k in _MARKERS.items() if line.startswith(m)), "paragraph")
            if kind != "paragraph":
                line = line[2:].strip()
            if group and (kind != group_kind or kind == "heading"):
                yield group_kind, group
                group = []
            group_kind = kind
            group.append(line)
        if group:
            yield group_kind, group


def _wrap(text: str, indent: str = "") -> str:
    return textwrap.fill(
        text,
        _WIDTH,
        initial_indent=indent,
        subsequent_indent=" " * len(indent),
        break_long_words=False,
        break_on_hyphens=False,
    )


def _text_layout(content: str) -> str:
    parts: list[str] = []
    for kind, lines in _blocks(content):
        if kind == "paragraph":
            parts.append(_wrap(" ".join(lines)))
        elif kind == "bullets":
            parts.append("\n".join(_wrap(line, "- ") for line in lines))
        else:  # kept lines, heading
            parts.append("\n".join(lines))
    return "\n\n".join(parts)


def _html_layout(content: str) -> str:
    # With autoescaping on, `content` is Markup: values were escaped as they were inserted,
    # template text is trusted. Split it as a plain string and mark the result safe.
    source = str(escape(content))
    parts: list[str] = []
    for kind, lines in _blocks(source):
        if kind == "paragraph":
            parts.append(f"<p>{' '.join(lines)}</p>")
        elif kind == "bullets":
            parts.append("<ul>" + "".join(f"<li>{line}</li>" for line in lines) + "</ul>")
        elif kind == "heading":
            parts.append(f"<p><strong>{' '.join(lines)}</strong></p>")
        else:
            parts.append(f"<p>{'<br>'.join(lines)}</p>")
    return Markup("\n".join(parts))


def _html_link(url: str) -> str:
    return Markup('<a href="{0}">{0}</a>').format(url)
