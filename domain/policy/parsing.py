"""Turning a policy file's text into a validated PolicyProfile. Pure: the caller reads the file
(core/policies.py for the packaged ones and a landlord's drafts) and passes the text or the
parsed TOML in. Errors name the file and the field (PolicyFileError)."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from domain.errors import PolicyFileError
from domain.policy.profile import PolicyProfile, _FieldProblem

__all__ = ["load_policy_text", "parse_policy", "read_toml"]


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


def read_toml(text: str, file: str) -> dict[str, object]:
    """A policy file's TOML, or a PolicyFileError naming ``file`` when it is not valid TOML."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyFileError(file, "<toml>", f"not valid TOML: {exc}") from None
    except RecursionError:  # tables or arrays nested thousands deep (issue 22)
        raise PolicyFileError(file, "<toml>", "is nested too deeply to be a policy") from None


def load_policy_text(text: str, file: str) -> PolicyProfile:
    """Validate a policy file's text (e.g. one uploaded as a proposal); errors name ``file``."""
    return parse_policy(read_toml(text, file), file)
