"""From a provider's verified claims to a :class:`~edge.auth.Principal` and a staff entry.

Pure: no I/O. Roles and the landlord come from the landlord's identity provider, where its IT
team manages them as groups (or app roles); the settings say which group means what
(``ASB_OIDC_ROLE_MAP``, ``ASB_OIDC_LANDLORD_MAP`` or ``ASB_OIDC_LANDLORD_CLAIM``). A user the
mapping gives no role, or no single landlord, is refused with the reason: guessing one would
show a stranger a landlord's cases.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.policies import known_landlords
from core.settings import Settings
from domain.vocabulary import is_staff_id
from edge.principal import ROLES, Principal, Role

# Shown when a token's subject is outside the staff-id vocabulary (domain/vocabulary.py).
SUBJECT_RULE = (
    "the token's subject ('sub') is not a staff id of this service (letters, digits, '.', '-' "
    "and '_', up to 100): ask your administrator to issue staff ids, not email addresses, as "
    "the subject"
)


class NotMapped(Exception):
    """The token is genuine but its claims give no role or no landlord here (HTTP 403)."""


def parse_map(text: str, setting: str, allowed: tuple[str, ...] | list[str]) -> dict[str, set[str]]:
    """``'group=value,group=value'`` -> group -> values; a value outside ``allowed`` fails."""
    mapping: dict[str, set[str]] = {}
    for item in text.split(","):
        if not item.strip():
            continue
        group, separator, value = item.rpartition("=")
        if not separator or not group.strip() or value.strip() not in allowed:
            raise ValueError(
                f"{setting}: {item.strip()!r} is not 'group=value' with a value among "
                f"{', '.join(allowed)}"
            )
        mapping.setdefault(group.strip(), set()).add(value.strip())
    return mapping


def check_maps(settings: Settings) -> None:
    """Fail at start-up, naming the setting, rather than at every sign-in."""
    parse_map(settings.oidc_role_map, "ASB_OIDC_ROLE_MAP", ROLES)
    parse_map(settings.oidc_landlord_map, "ASB_OIDC_LANDLORD_MAP", known_landlords())


def _groups(claims: Mapping[str, Any], claim: str) -> list[str]:
    value = claims.get(claim, [])
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(item) for item in value]
    return []


def _landlord(claims: Mapping[str, Any], groups: list[str], settings: Settings) -> str:
    if settings.oidc_landlord_claim:
        code = str(claims.get(settings.oidc_landlord_claim, ""))
        if code not in known_landlords():
            raise NotMapped(
                f"the token's {settings.oidc_landlord_claim!r} claim ({code or 'missing'}) "
                f"names no landlord of this service ({', '.join(known_landlords())})"
            )
        return code
    mapping = parse_map(settings.oidc_landlord_map, "ASB_OIDC_LANDLORD_MAP", known_landlords())
    found = sorted({code for group in groups for code in mapping.get(group, set())})
    if len(found) != 1:
        problem = "no landlord" if not found else f"more than one landlord ({', '.join(found)})"
        raise NotMapped(f"the token's groups map to {problem}: ASB_OIDC_LANDLORD_MAP")
    return found[0]


def principal_from_claims(claims: Mapping[str, Any], settings: Settings) -> Principal:
    """Who the verified claims say the caller is here; :class:`NotMapped` when nobody."""
    subject = str(claims.get("sub") or "")
    if not subject:
        raise NotMapped("the token names no subject ('sub')")
    if not is_staff_id(subject):
        raise NotMapped(SUBJECT_RULE)
    groups = _groups(claims, settings.oidc_groups_claim)
    role_map = parse_map(settings.oidc_role_map, "ASB_OIDC_ROLE_MAP", ROLES)
    roles: list[Role] = [
        role for role in ROLES if any(role in role_map.get(group, set()) for group in groups)
    ]
    if not roles:
        shown = ", ".join(groups) if groups else "none"
        raise NotMapped(
            f"the token's groups ({settings.oidc_groups_claim!r}: {shown}) map to no role of "
            "this service (officer, supervisor, admin): ask your administrator to add you to "
            "a group named in ASB_OIDC_ROLE_MAP"
        )
    return Principal(user_id=subject, roles=roles, landlord=_landlord(claims, groups, settings))


def staff_values(claims: Mapping[str, Any], settings: Settings) -> dict[str, str]:
    """The staff directory's fields the claims hold, blanks left out: a missing claim never
    overwrites what an officer entered (letters print these)."""
    sources = {
        "display_name": claims.get("name"),
        "email": claims.get("email"),
        "job_title": claims.get(settings.oidc_job_title_claim)
        if settings.oidc_job_title_claim
        else None,
    }
    return {
        field: str(value).strip()[:200]
        for field, value in sources.items()
        if isinstance(value, str) and value.strip()
    }
