"""Custom search attributes of a case workflow (no personal data: docs/design.md, Search
attributes).

SQL visibility allows at most 10 Keyword and 3 each of Datetime/Bool/Int per namespace, so these
stay few. They must be registered before a workflow upserts them (the run command and test
fixtures pass ``REGISTRATION`` to the dev server).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from temporalio.common import SearchAttributeKey, SearchAttributePair, TypedSearchAttributes

from contracts.view import CaseView

CASE_STAGE = SearchAttributeKey.for_keyword("CaseStage")
CASE_TIER = SearchAttributeKey.for_keyword("CaseTier")
LANDLORD = SearchAttributeKey.for_keyword("Landlord")
CASE_OFFICER = SearchAttributeKey.for_keyword("CaseOfficer")
ESCALATED = SearchAttributeKey.for_bool("Escalated")
NEXT_DEADLINE_AT = SearchAttributeKey.for_datetime("NextDeadlineAt")

ALL = (CASE_STAGE, CASE_TIER, LANDLORD, CASE_OFFICER, ESCALATED, NEXT_DEADLINE_AT)

_CLI_TYPES = {"KEYWORD": "Keyword", "BOOL": "Bool", "DATETIME": "Datetime"}


def cli_flags() -> list[str]:
    """``--search-attribute Name=Type`` flags for ``temporal server start-dev``."""
    flags: list[str] = []
    for key in ALL:
        flags += ["--search-attribute", f"{key.name}={_CLI_TYPES[key.indexed_value_type.name]}"]
    return flags


def values_for(view: CaseView) -> list[tuple[SearchAttributeKey[Any], Any]]:
    """The attributes of a case as it stands (None: unset)."""
    # The earliest deadline still to be met (in the past once missed), not the instant the
    # engine next wakes (after a miss, the next re-escalation): "overdue" is the query
    # ``NextDeadlineAt < now`` (docs/design.md, Search attributes). Paused clocks (R17) do not run.
    running = [d.due_at for d in view.deadlines if not (d.met_at or d.stopped or d.paused)]
    next_deadline: datetime | None = min(running, default=None)
    return [
        (CASE_STAGE, view.stage.value),
        (CASE_TIER, view.tier),
        (LANDLORD, view.landlord),
        (ESCALATED, bool(view.overdue_clocks)),
        (CASE_OFFICER, view.officer_id),
        (NEXT_DEADLINE_AT, next_deadline),
    ]


def typed(view: CaseView) -> TypedSearchAttributes:
    """For starting a workflow with its attributes already set (one visibility write fewer)."""
    return TypedSearchAttributes(
        [SearchAttributePair(key, value) for key, value in values_for(view) if value is not None]
    )
