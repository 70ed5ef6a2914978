"""Reading the landlords' files: policy profiles (domain/policies/) and contact profiles
(domain/profiles/), packaged as data of the ``domain`` package and read here through
:mod:`importlib.resources` (so they work from an installed wheel), plus any policy file a landlord
drafts. The domain only validates what it is given (domain/policy/parsing.py,
domain/profile.py): it reads no file, so it stays pure inside the workflow sandbox.

Each packaged file is parsed once per process (cached); a case keeps the policy it opened under
in its history, so the cache is never consulted when a case replays.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from domain.errors import PolicyFileError, UnknownValueError
from domain.policy import PolicyProfile, load_policy_text, parse_policy
from domain.policy.parsing import read_toml
from domain.profile import LandlordProfile, parse_profile

__all__ = [
    "known_landlords",
    "known_versions",
    "load_policy",
    "load_policy_file",
    "load_profile",
    "policy_notes",
    "profile_codes",
]

# Packaged as data of the ``domain`` package (pyproject: package-data domain = policies/*.toml).
_PACKAGE = "domain"
_DIR = "policies"
_PROFILES = "profiles"


def load_policy_file(path: str | Path) -> PolicyProfile:
    """Load and validate one policy file from anywhere (e.g. a landlord's own draft policy)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyFileError(str(p), "<file>", f"cannot be read: {exc.strerror}") from None
    return load_policy_text(text, str(p))


_FILE_NAME = re.compile(r"^(?P<code>[A-Z][A-Z0-9]{0,7})(@[A-Za-z0-9.\-]+)?\.toml$")


def _packaged_files(folder: str = _DIR) -> list[Traversable]:
    root = resources.files(_PACKAGE) / folder
    return sorted((f for f in root.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)


@cache
def _registry() -> dict[str, dict[str, PolicyProfile]]:
    """All packaged profiles: code -> policy_version -> profile. Parsed once per process."""
    registry: dict[str, dict[str, PolicyProfile]] = {}
    for f in _packaged_files():
        file = f"{_PACKAGE}/{_DIR}/{f.name}"
        profile = parse_policy(read_toml(f.read_text(encoding="utf-8"), file), file)
        match = _FILE_NAME.match(f.name)
        if match is None or match["code"] != profile.code:
            raise PolicyFileError(
                file,
                "code",
                f"file must be named {profile.code}.toml or {profile.code}@<version>.toml",
            )
        versions = registry.setdefault(profile.code, {})
        if profile.policy_version in versions:
            raise PolicyFileError(
                file, "policy_version", f"{profile.policy_version!r} is defined by two files"
            )
        versions[profile.policy_version] = profile
    return registry


def known_landlords() -> list[str]:
    """Codes of the landlords that have a packaged policy file, sorted."""
    return sorted(_registry())


def known_versions(code: str) -> list[str]:
    """Policy versions held for a landlord, oldest effective date first."""
    versions = _versions(code)
    return [p.policy_version for p in sorted(versions.values(), key=lambda p: p.effective_from)]


def _versions(code: str) -> dict[str, PolicyProfile]:
    registry = _registry()
    if code not in registry:
        raise UnknownValueError("landlord", code, registry)
    return registry[code]


@cache
def policy_notes(code: str, version: str | None = None) -> tuple[str, ...]:
    """A packaged file's notes: where its seed is silent, what the file assumes and why."""
    wanted = load_policy(code, version).policy_version
    for f in _packaged_files():
        data = read_toml(f.read_text(encoding="utf-8"), f.name)
        notes = data.get("notes", ())
        if data.get("policy_version") == wanted and isinstance(notes, list | tuple):
            return tuple(str(note) for note in notes)
    return ()


def load_policy(code: str, version: str | None = None) -> PolicyProfile:
    """The landlord's policy profile (cached).

    ``version=None`` gives the version with the latest ``effective_from`` (for a new case); pass
    the ``policy_version`` stamped on an existing case to get exactly the rules it opened under.
    """
    versions = _versions(code)
    if version is None:
        return max(versions.values(), key=lambda p: p.effective_from)
    if version not in versions:
        raise UnknownValueError(f"policy_version for landlord {code}", version, versions)
    return versions[version]


@cache
def _profiles() -> dict[str, list[LandlordProfile]]:
    """All packaged contact profiles: code -> versions. Parsed once per process."""
    registry: dict[str, list[LandlordProfile]] = {}
    for f in _packaged_files(_PROFILES):
        profile = parse_profile(f.read_text("utf-8"), f"{_PACKAGE}/{_PROFILES}/{f.name}")
        registry.setdefault(profile.code, []).append(profile)
    return registry


def profile_codes() -> list[str]:
    return sorted(_profiles())


def load_profile(code: str) -> LandlordProfile:
    """The landlord's current contact details (latest ``effective_from``)."""
    versions = _profiles().get(code)
    if not versions:
        raise UnknownValueError("landlord profile", code, profile_codes())
    return max(versions, key=lambda p: p.effective_from)
