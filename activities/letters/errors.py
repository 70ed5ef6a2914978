"""Why a letter was refused. Every one of these is permanent: retrying cannot help."""

from __future__ import annotations


class LetterError(Exception):
    """Base class: the letter was not produced and must not be sent."""


class ConfidentialityError(LetterError):
    """The letter would disclose a protected identity to someone not entitled to it (R4, R9)."""


class AnonymousRecipientError(LetterError):
    """The recipient reported anonymously: they receive no correspondence (R8)."""


class WrongRecipientError(LetterError):
    """This kind of letter is not meant for this kind of recipient."""


class MissingLetterFieldError(LetterError):
    """The context lacks a field this kind of letter needs, or breaks a rule it must meet."""


class MissingFactsError(LetterError):
    """The record lacks facts the letter must state; each is named for the officer's task."""

    def __init__(self, facts: list[str]) -> None:
        self.facts = list(facts)
        super().__init__("the record lacks " + "; ".join(self.facts))
