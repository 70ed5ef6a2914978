"""The catalogue of partner agencies a case can be referred to (R20-R24, R38, R39).

Plain data in TOML (``core/agencies.toml`` by default, ``ASB_AGENCIES_FILE`` to replace it):
each agency has a code, a name and a referral email address; a landlord may override an
agency's contact; aliases map the codes the engine itself uses (``safeguarding``) to an agency.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

DEFAULT_FILE = Path(__file__).with_name("agencies.toml")


class CatalogueError(ValueError):
    """The agency catalogue file is malformed."""


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    email: str


@dataclass(frozen=True)
class AgencyCatalogue:
    agencies: Mapping[str, Agency]
    by_landlord: Mapping[str, Mapping[str, Agency]] = field(default_factory=dict)
    aliases: Mapping[str, str] = field(default_factory=dict)

    @property
    def codes(self) -> list[str]:
        """Every code a referral may name (the API can validate against this)."""
        return sorted({*self.agencies, *self.aliases})

    def find(self, code: str, landlord: str | None = None) -> Agency | None:
        """The agency for ``code`` (an alias resolved), with the landlord's own contact if any."""
        code = self.aliases.get(code, code)
        own = self.by_landlord.get(landlord or "", {})
        return own.get(code) or self.agencies.get(code)


@cache
def agency_codes(path: Path | None = None) -> tuple[str, ...]:
    """The codes a referral may name, read once per process (the API validates against them)."""
    return tuple(load_agencies(path).codes)


def load_agencies(path: Path | None = None) -> AgencyCatalogue:
    source = path or DEFAULT_FILE
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise CatalogueError(f"cannot read the agency catalogue {source}: {error}") from None
    aliases = _aliases(data.pop("aliases", {}))
    landlords = data.pop("landlord", {})
    agencies = {code: _agency(code, entry) for code, entry in data.items()}
    by_landlord = {
        landlord: {code: _agency(code, entry) for code, entry in entries.items()}
        for landlord, entries in landlords.items()
    }
    unknown = {target for target in aliases.values() if target not in agencies}
    if unknown:
        raise CatalogueError(f"aliases point at unknown agencies: {', '.join(sorted(unknown))}")
    return AgencyCatalogue(agencies, by_landlord, aliases)


def _agency(code: str, entry: Any) -> Agency:
    if not isinstance(entry, dict):
        raise CatalogueError(f"agency {code!r} must be a table with name and email")
    name, email = entry.get("name"), entry.get("email")
    if not isinstance(name, str) or not name.strip():
        raise CatalogueError(f"agency {code!r} needs a name")
    if not isinstance(email, str) or email.count("@") != 1:
        raise CatalogueError(f"agency {code!r} needs one email address")
    return Agency(code, name.strip(), email.strip())


def _aliases(entry: Any) -> dict[str, str]:
    if not isinstance(entry, dict) or not all(isinstance(v, str) for v in entry.values()):
        raise CatalogueError("[aliases] maps codes to agency codes")
    return dict(entry)
