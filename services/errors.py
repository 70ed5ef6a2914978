"""Why a service refused its input, naming the field (the API answers 422 with it)."""

from __future__ import annotations

__all__ = ["CaseFinished", "InvalidInput"]


class InvalidInput(ValueError):
    """Bad input a client can correct: ``field`` is what to change, the message why."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(message)


class CaseFinished(Exception):
    """The reference's case has finished: its workflow id is never run again (the API: 409)."""

    def __init__(self, reference: str) -> None:
        self.reference = reference
        super().__init__(f"Case {reference} is finished; it cannot be opened again.")
