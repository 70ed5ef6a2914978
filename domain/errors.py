"""Domain errors.

Every error raised by the pure domain layer derives from :class:`DomainError`, which is a
``ValueError`` so that callers that only know "bad input" still catch it. The messages are meant
to be shown to an officer or an API client as they are: they name the field and, where a closed
set applies, list the allowed values.
"""

from __future__ import annotations

from collections.abc import Iterable


class DomainError(ValueError):
    """A request or a piece of data breaks a domain rule."""


class UnknownValueError(DomainError):
    """A code (landlord, category, tier, ...) is not one of the allowed values."""

    def __init__(self, field: str, value: object, allowed: Iterable[str]) -> None:
        self.field = field
        self.value = value
        self.allowed: tuple[str, ...] = tuple(sorted(allowed))
        super().__init__(
            f"{field} {value!r} is not known; allowed values: {', '.join(self.allowed)}"
        )


class PolicyFileError(DomainError):
    """A landlord policy file is missing, unreadable or contradicts itself."""

    def __init__(self, file: str, field: str, problem: str) -> None:
        self.file = file
        self.field = field
        self.problem = problem
        super().__init__(f"policy file {file}: field {field!r}: {problem}")


class CalendarRangeError(DomainError):
    """A date falls outside the years a working calendar was built for.

    Raised instead of silently treating an unknown year's bank holidays as working days.
    """
