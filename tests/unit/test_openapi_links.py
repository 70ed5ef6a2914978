"""The OpenAPI description links a case-opening answer to the case's operations, so a client or
the stateful fuzz run can follow a real reference into real actions (issue 13)."""

from __future__ import annotations

from core.settings import Settings
from web.app import create_app


def test_opening_a_case_links_its_reference_to_every_case_operation() -> None:
    paths = create_app(Settings()).openapi()["paths"]
    opened = paths["/cases"]["post"]["responses"]["201"]["links"]
    acknowledge = opened["action_acknowledge"]
    assert acknowledge == {
        "operationId": "action_acknowledge",
        "parameters": {"reference": "$response.body#/reference"},
    }
    case_operations = {
        operation["operationId"]
        for path, operations in paths.items()
        if "{reference}" in path
        for operation in operations.values()
    }
    assert set(opened) == case_operations
    assert set(paths["/public/reports"]["post"]["responses"]["201"]["links"]) == case_operations
    acted = paths["/cases/{reference}/actions/acknowledge"]["post"]["responses"]["200"]
    assert set(acted["links"]) == case_operations  # an action's answer carries the case on


def test_the_report_schema_names_the_allowed_landlords() -> None:
    schema = create_app(Settings()).openapi()["components"]["schemas"]["OpenCaseIn"]
    assert schema["properties"]["landlord"]["enum"] == ["B", "C", "P", "X", "Y"]
    assert "noise" in schema["properties"]["categories"]["items"]["enum"]
