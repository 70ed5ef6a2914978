"""The caller as the services know them (:class:`services.access.Reader`), and the answers for a
case the caller may not see: a case of another landlord, or a restricted case the caller is not
named on (and does not supervise), is indistinguishable from no case (404). Reads of a case's
personal data are recorded by the services first (services/access.py); when the record cannot
be written the read is refused (503)."""

from __future__ import annotations

from fastapi import HTTPException

from edge.answers import http_error
from edge.auth import Principal
from services.access import AccessNotRecorded, Reader
from services.errors import CaseNotFound

__all__ = ["not_found", "not_recorded", "reader"]


def not_found(reference: str) -> HTTPException:
    return http_error(CaseNotFound(reference))


def reader(principal: Principal) -> Reader:
    return Reader(principal.user_id, tuple(principal.roles), principal.landlord)


def not_recorded() -> HTTPException:
    return http_error(AccessNotRecorded())
