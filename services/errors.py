"""Why a service refused its input, naming the field (the API answers 422 with it)."""

from __future__ import annotations

__all__ = ["InvalidInput"]


class InvalidInput(ValueError):
    """Bad input a client can correct: ``field`` is what to change, the message why."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(message)
