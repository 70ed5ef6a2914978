"""Reading policy files: the packaged ones by landlord code and version, or any file a landlord
drafts. Errors name the file and the field (PolicyFileError)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from domain.errors import PolicyFileError, UnknownValueError
from domain.policy.profile import PolicyProfile, _FieldProblem

__all__ = [
    "known_landlords",
    "known_versions",
    "load_policy",
    "load_policy_file",
    "load_policy_text",
    "parse_policy",
    "policy_notes",
]

# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------

# Packaged as data of the ``domain`` package (pyproject: package-data domain = policies/*.toml).
_PACKAGE = "domain"
_DIR = "policies"


def parse_policy(data: Mapping[str, object], file: str) -> PolicyProfile:
    """Validate already-parsed TOML data; errors become PolicyFileError naming file and field."""
    try:
        return PolicyProfile.model_validate(data)
    except ValidationError as exc:
        raise _to_policy_file_error(exc, file) from None


def _to_policy_file_error(exc: ValidationError, file: str) -> PolicyFileError:
    """Name the first problem's field; summarise the others so one run shows them all."""
    problems = [_describe(error) for error in exc.errors(include_url=False)]
    field, problem = problems[0]
    others = [f"{f}: {p}" for f, p in problems[1:4]]
    if len(problems) > 4:
        others.append(f"and {len(problems) - 4} more problems")
    if others:
        problem += f" (also: {'; '.join(others)})"
    return PolicyFileError(file, field, problem)


def _describe(error: ErrorDetails) -> tuple[str, str]:
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, _FieldProblem):
        return cause.field, cause.problem
    return ".".join(str(part) for part in error["loc"]) or "<root>", error["msg"]


def _read_toml(text: str, file: str) -> dict[str, object]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyFileError(file, "<toml>", f"not valid TOML: {exc}") from None
    except RecursionError:  # tables or arrays nested thousands deep (issue 22)
        raise PolicyFileError(file, "<toml>", "is nested too deeply to be a policy") from None


def load_policy_file(path: str | Path) -> PolicyProfile:
    """Load and validate one policy file from anywhere (e.g. a landlord's own draft policy)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyFileError(str(p), "<file>", f"cannot be read: {exc.strerror}") from None
    return load_policy_text(text, str(p))


def load_policy_text(text: str, file: str) -> PolicyProfile:
    """Validate a policy file's text (e.g. one uploaded as a proposal); errors name ``file``."""
    return parse_policy(_read_toml(text, file), file)


_FILE_NAME = re.compile(r"^(?P<code>[A-Z][A-Z0-9]{0,7})(@[A-Za-z0-9.\-]+)?\.toml$")


def _packaged_files() -> list[Traversable]:
    root = resources.files(_PACKAGE) / _DIR
    return sorted((f for f in root.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)


@cache
def _registry() -> dict[str, dict[str, PolicyProfile]]:
    """All packaged profiles: code -> policy_version -> profile. Parsed once per process."""
    registry: dict[str, dict[str, PolicyProfile]] = {}
    for f in _packaged_files():
        file = f"{_PACKAGE}/{_DIR}/{f.name}"
        profile = parse_policy(_read_toml(f.read_text(encoding="utf-8"), file), file)
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
        data = _read_toml(f.read_text(encoding="utf-8"), f.name)
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
