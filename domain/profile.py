"""How residents reach each landlord: the contact details its letters print.

One TOML file per landlord and version in ``domain/profiles/`` (``X.toml``, or ``X@<version>.toml``
for an older one kept beside it), read by core/policies.py. Unlike a policy, which a case keeps for
life (R58), letters print the *current* profile: a resident must be told today's phone number, not
the one of the day the case opened. Every field is required: a letter never prints a stand-in
(issue 12).
"""

from __future__ import annotations

import tomllib
from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from domain.errors import DomainError

__all__ = ["CaseReviewContact", "LandlordProfile", "parse_profile"]

Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CaseReviewContact(_Frozen):
    """R56: who runs the ASB Case Review (Community Trigger) in one local authority's area."""

    local_authority: Line
    contact: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class LandlordProfile(_Frozen):
    code: str = Field(pattern=r"^[A-Z][A-Z0-9]{0,7}$")
    profile_version: str = Field(pattern=r"^[A-Z][A-Z0-9]*-[A-Za-z0-9.\-]+$")
    effective_from: date
    team: Line  # the team that signs a letter that names no officer, e.g. "ASB team"
    phone: Line
    email: Line
    website: Line | None = None
    address: list[Line] = Field(min_length=2, max_length=8)  # postal address, one line each
    office_hours: Line  # as a resident reads it: "Monday to Friday, 9am to 5pm"
    case_review: list[CaseReviewContact] = Field(min_length=1)

    def case_review_for(self, local_authority: str | None) -> CaseReviewContact | None:
        """The contact for the case's local authority; the only one when there is one; None
        when the case does not say which of several it is in (a fact to ask the officer)."""
        if local_authority is None:
            return self.case_review[0] if len(self.case_review) == 1 else None
        wanted = local_authority.strip().casefold()
        return next((c for c in self.case_review if c.local_authority.casefold() == wanted), None)

    @property
    def local_authorities(self) -> list[str]:
        return [c.local_authority for c in self.case_review]


def parse_profile(text: str, file: str) -> LandlordProfile:
    """Validate one profile file's text; ``file`` (its path, e.g. ``domain/profiles/X.toml``)
    names it in the error and must be named for the landlord's code. The caller reads the file
    (core/policies.py), so the domain reads none."""
    try:
        profile = LandlordProfile.model_validate(tomllib.loads(text))
    except (tomllib.TOMLDecodeError, ValidationError) as error:
        raise DomainError(f"{file}: {error}") from error
    name = file.rsplit("/", 1)[-1]
    if name.split("@")[0].removesuffix(".toml") != profile.code:
        raise DomainError(f"{file}: file must be named {profile.code}.toml")
    return profile
