"""Schemathesis hooks for ``scripts/hostile.py`` (issue 22): beside the requests it generates
from the OpenAPI description, bodies with a lone surrogate in one string (``"\\ud800"``, which
no UTF-8 text can hold), bodies with a value nested hundreds deep, and query dates at the ends of
the calendar. Loaded by schemathesis through ``SCHEMATHESIS_HOOKS``.
"""

from __future__ import annotations

import copy
from typing import Any

import schemathesis
from hypothesis import strategies as st

LONE_SURROGATES = ["\ud800", "\udfff", "report \udc80 text", "\udbff\ud800"]  # last: reversed
EXTREME_DATES = [
    "9999-12-31", "0001-01-01", "2037-01-01", "2100-02-29", "9999-12-31T23:59:59+00:00",
    "0001-01-01T00:00:00-23:59", "2026-13-01", "-0001-01-01",
]  # fmt: skip
DATE_WORDS = ("date", "from", "to", "since", "until", "start", "end", "day", "at", "before")
Path = tuple[str | int, ...]


def _strings(value: Any, path: Path = ()) -> list[Path]:
    """Where the strings of a JSON value are."""
    if isinstance(value, str):
        return [path]
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _strings(item, (*path, key))]
    if isinstance(value, list):
        return [p for n, item in enumerate(value) for p in _strings(item, (*path, n))]
    return []


def _replace(value: Any, path: Path, new: Any) -> Any:
    if not path:
        return new
    changed = copy.deepcopy(value)
    container = changed
    for step in path[:-1]:
        container = container[step]
    container[path[-1]] = new
    return changed


def _nested(depth: int) -> Any:
    value: Any = "deep"
    for n in range(depth):
        value = [value] if n % 2 else {"n": value}
    return value


@schemathesis.hook
def flatmap_body(context: Any, body: Any) -> st.SearchStrategy[Any]:
    choices: list[st.SearchStrategy[Any]] = [st.just(body)]
    strings = _strings(body)
    if strings:
        choices.append(
            st.tuples(st.sampled_from(strings), st.sampled_from(LONE_SURROGATES)).map(
                lambda found: _replace(body, found[0], found[1])
            )
        )
    if isinstance(body, dict) and body:
        # The client's own JSON encoder recurses too: deep, but not past its limit.
        choices.append(
            st.tuples(st.sampled_from(sorted(body)), st.integers(50, 400)).map(
                lambda found: _replace(body, (found[0],), _nested(found[1]))
            )
        )
    return st.one_of(choices)


@schemathesis.hook
def flatmap_query(context: Any, query: dict[str, Any] | None) -> st.SearchStrategy[Any]:
    dated = [key for key in (query or {}) if any(word in key.lower() for word in DATE_WORDS)]
    if not query or not dated:
        return st.just(query)
    extreme = st.tuples(st.sampled_from(dated), st.sampled_from(EXTREME_DATES)).map(
        lambda found: {**query, found[0]: found[1]}
    )
    return st.one_of(st.just(query), extreme)
