"""Every kind of letter, one module each: ``<kind>.py`` declares its :class:`LetterSpec` and
``<kind>.j2`` beside it holds its wording (``_letter.j2`` is the layout all of them share).

The kinds are :class:`domain.commands.LetterKind`, declared once: the registry below finds each
kind's module by its value, so a kind without a module (or a module naming another kind) stops
the worker at import rather than at the first letter.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from activities.letters.spec import LetterSpec
from domain.commands import LetterKind

__all__ = ["FOLDER", "SPECS"]

FOLDER = Path(__file__).resolve().parent


def _load() -> dict[LetterKind, LetterSpec]:
    specs: dict[LetterKind, LetterSpec] = {}
    for kind in LetterKind:
        spec = getattr(import_module(f"{__name__}.{kind.value}"), "SPEC", None)
        if not isinstance(spec, LetterSpec) or spec.kind is not kind:
            raise RuntimeError(f"{__name__}.{kind.value} must declare SPEC for {kind!r}")
        specs[kind] = spec
    return specs


SPECS: dict[LetterKind, LetterSpec] = _load()
