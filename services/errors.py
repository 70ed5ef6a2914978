"""Why a service refused, in the domain's words; the API maps each to an HTTP answer and the
console to a page (edge/answers.py), neither adds a reason of its own."""

from __future__ import annotations

import sqlite3

import asyncpg
import sqlalchemy.exc as sa

__all__ = [
    "DATABASE_ERRORS",
    "CaseFinished",
    "CaseNotFound",
    "InvalidInput",
    "KeyInFlight",
    "KeyReused",
    "NotFound",
    "NotPermitted",
    "Refused",
    "ServiceError",
    "database_down",
]


class ServiceError(Exception):
    """A use case refused: nothing was changed."""


class InvalidInput(ServiceError, ValueError):
    """Bad input a client can correct: ``field`` is what to change, the message why."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(message)


class CaseFinished(ServiceError):
    """The reference's case has finished: its workflow id is never run again (the API: 409)."""

    def __init__(self, reference: str) -> None:
        self.reference = reference
        super().__init__(f"Case {reference} is finished; it cannot be opened again.")


class CaseNotFound(ServiceError, LookupError):
    """Unknown, another landlord's, or restricted away from the caller: all look the same (404)."""

    def __init__(self, reference: str) -> None:
        self.reference = reference
        super().__init__(f"no case {reference}")


class NotFound(ServiceError, LookupError):
    """Something other than a case (a task, a letter, a referral) is not there (404)."""


class NotPermitted(ServiceError, PermissionError):
    """The caller's roles do not allow this (403)."""


class Refused(ServiceError):
    """The case's stage or policy forbids it, or it already happened (409, with the reason)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class KeyReused(ServiceError):
    """The Idempotency-Key was used before with a different request (422 on the header)."""


class KeyInFlight(ServiceError):
    """A request with this Idempotency-Key is still running (409, retry shortly)."""


# SQLSTATE classes of a database that is down, restarting, full or refusing connections.
# 55P03: a lock not granted within lock_timeout (a table locked by another session).
_OUTAGE_SQLSTATES = ("08", "53", "57", "55000", "55P03")
# SQLite's words for a database that cannot be written or opened now; any other
# OperationalError ("no such table") is a bug and stays a 500.
_SQLITE_OUTAGES = ("locked", "busy", "unable to open", "disk i/o", "full", "readonly")
# What a database outage can raise through a service: the edge answers 503 when database_down.
DATABASE_ERRORS: tuple[type[Exception], ...] = (
    OSError,
    sa.SQLAlchemyError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
)


def database_down(error: BaseException) -> bool:
    """The database is unreachable, locked past its busy timeout, or refusing connections."""
    if isinstance(error, OSError | sa.TimeoutError | sa.DisconnectionError):
        return True
    if isinstance(error, sa.DBAPIError):
        if error.connection_invalidated or isinstance(error, sa.InterfaceError):
            return True
        error = error.orig or error
        if isinstance(error, sqlite3.OperationalError):  # aiosqlite's: locked, unopenable
            return any(words in str(error).lower() for words in _SQLITE_OUTAGES)
        cause = getattr(error, "__cause__", None)
        error = cause if isinstance(cause, asyncpg.PostgresError) else error
    if isinstance(error, asyncpg.PostgresError):
        return str(getattr(error, "sqlstate", "")).startswith(_OUTAGE_SQLSTATES)
    if isinstance(error, asyncpg.InterfaceError):
        return True
    return isinstance(error, sa.OperationalError)
