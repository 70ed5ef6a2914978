"""Render letters and emails from Jinja2 templates in `activities/letters/kinds/`.

Each kind has one template, `kinds/<kind>.j2`, beside the module declaring its spec
(`kinds/<kind>.py`), and extending `_letter.j2`. The same template is rendered
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
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, UndefinedError
from markupsafe import Markup, escape

from activities.letters.confidentiality import check_context, scan_rendered
from activities.letters.dates import long_date, long_datetime
from activities.letters.errors import MissingLetterFieldError, WrongRecipientError
from activities.letters.kinds import FOLDER, SPECS
from activities.letters.models import LetterContext, RenderedLetter
from activities.letters.spec import LetterSpec
from domain.commands import LetterKind

__all__ = [
    "LetterContext",
    "LetterKind",
    "RenderedLetter",
    "long_date",
    "long_datetime",
    "render_letter",
]

_NEVER_IN_TEMPLATES = frozenset({"confidential_parties"})
_WIDTH = 72


def render_letter(kind: LetterKind | str, context: LetterContext) -> RenderedLetter:
    """Render one letter, or refuse with a `LetterError` subclass (all permanent)."""
    spec = SPECS[LetterKind(kind)]
    check_context(context)  # R8 anonymous, R4/R9 complainant identity
    _check_recipient(spec, context)
    _check_fields(spec, context)
    letter = _render(spec, context)
    scan_rendered(letter, context)  # R9: nothing protected slipped in through free text
    return letter


def _check_recipient(spec: LetterSpec, context: LetterContext) -> None:
    if context.recipient_role not in spec.recipients:
        raise WrongRecipientError(f"a {spec.kind} letter cannot go to a {context.recipient_role}")


def _check_fields(spec: LetterSpec, context: LetterContext) -> None:
    required = spec.required_fields(context.recipient_role)
    missing = [name for name in required if getattr(context, name) is None]
    if missing:
        raise MissingLetterFieldError(f"a {spec.kind} letter needs: {', '.join(missing)}")
    if spec.check is not None:
        spec.check(context)


def _render(spec: LetterSpec, context: LetterContext) -> RenderedLetter:
    variables = _template_variables(context)
    try:
        text_template = _environment(html=False).get_template(spec.template)
        # Rendering fills the context's blocks along the template's `extends` chain, so the
        # subject is found where a kind's template takes it from another's (officer_changed).
        rendered = text_template.new_context(variables)
        text = "".join(text_template.root_render_func(rendered)).strip() + "\n"
        subject = " ".join("".join(rendered.blocks["subject"][0](rendered)).split())
        body = _environment(html=True).get_template(spec.template).render(variables)
    except UndefinedError as error:
        raise MissingLetterFieldError(f"{spec.kind} template: {error.message}") from error
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
        loader=FileSystemLoader(FOLDER),
        autoescape=html,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    layout: Callable[[str], str] = _html_layout if html else _text_layout
    link: Callable[[str], str] = _html_link if html else str
    env.filters.update(long_date=long_date, long_datetime=long_datetime, letter=layout, link=link)
    return env


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
