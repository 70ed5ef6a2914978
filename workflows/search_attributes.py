"""Custom search attributes of a case workflow (no personal data: design.md "Search attributes").

SQL visibility allows at most 10 Keyword and 3 each of Datetime/Bool/Int per namespace, so these
stay few. They must be registered before a workflow upserts them (the run command and test
fixtures pass ``REGISTRATION`` to the dev server).
"""

from __future__ import annotations

from temporalio.common import SearchAttributeKey

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
