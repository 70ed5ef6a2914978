"""Three model families meet at explicit conversions: the API's response (edge/schemas.py), the
workflow's payload (the case view in its history) and the read-model row (db/models.py). The
API's schema is its own contract, in the domain's enums, which its OpenAPI document names."""

from __future__ import annotations

from typing import Any

from contracts.view import build_view as view
from core.policies import known_landlords, load_policy
from core.settings import Settings
from domain.actions import ACTION_TYPES
from domain.case import Awaited, Clock, Stage
from domain.commands import SendLetter
from domain.policy import ClosureReason
from domain.vocabulary import PartyRole
from edge.schemas import CaseOut, case_out
from tests.unit.machine_support import T0, start
from web.app import create_app


def test_the_api_response_carries_the_case_in_the_domains_words() -> None:
    state = start("C")[0]
    response = case_out(view(state, T0))
    assert isinstance(response, CaseOut)
    assert response.reference == state.reference and response.stage is Stage.RECEIVED
    assert response.tier == state.tier and response.categories == list(state.categories)
    assert Clock.FIRST_CONTACT in [d.clock for d in response.deadlines]
    assert "acknowledge" in response.allowed_actions


def _enum(schemas: dict[str, Any], prop: dict[str, Any]) -> list[Any]:
    """The values a property may take, through a $ref or an optional's anyOf."""
    if "$ref" in prop:
        return _enum(schemas, schemas[prop["$ref"].rsplit("/", 1)[-1]])
    if "anyOf" in prop:
        return [v for option in prop["anyOf"] if option != {"type": "null"} for v in
                _enum(schemas, option)]  # fmt: skip
    return list(prop["enum"])


def test_the_openapi_document_names_every_value_of_the_case_and_the_report() -> None:
    """Clients generated from the OpenAPI document know every stage, tier, clock, party role
    and closure reason the API can send or accept."""
    schemas = create_app(Settings()).openapi()["components"]["schemas"]
    case = schemas["CaseOut"]["properties"]
    assert _enum(schemas, case["stage"]) == [stage.value for stage in Stage]
    tiers = {code for landlord in known_landlords() for code in load_policy(landlord).tier_codes}
    assert set(_enum(schemas, case["tier"])) == tiers
    assert _enum(schemas, case["landlord"]) == list(known_landlords())
    assert _enum(schemas, case["overdue_clocks"]["items"]) == [clock.value for clock in Clock]
    assert _enum(schemas, case["awaiting"]["items"]) == [a.value for a in Awaited]
    assert _enum(schemas, case["closure_reason"]) == [r.value for r in ClosureReason]
    assert _enum(schemas, case["allowed_actions"]["items"]) == list(ACTION_TYPES)
    deadline = _enum(schemas, schemas["DeadlineOut"]["properties"]["clock"])
    assert deadline == [clock.value for clock in Clock]
    party = schemas["PartyIn"]["properties"]
    assert _enum(schemas, party["role"]) == [role.value for role in PartyRole]


def test_a_letter_command_recorded_with_the_old_template_field_still_decodes() -> None:
    # Histories and in-flight activities from before the field was dropped carry it.
    old = {
        "type": "send_letter",
        "key": "ASB-1:letter:1",
        "reference": "ASB-1",
        "kind": "acknowledgement",
        "to_role": "complainant",
        "party_id": "ASB-1-P1",
        "template": "C/acknowledgement",
    }
    letter = SendLetter.model_validate(old)
    assert "template" not in letter.model_dump()
