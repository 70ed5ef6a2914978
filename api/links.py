"""OpenAPI links: how the reference a case-opening answer returns feeds every case operation.

They tell a client (and the stateful fuzz run, ``scripts/hostile.py``) that ``POST /cases``
answers with a ``reference`` that ``GET /cases/{reference}`` and every
``/cases/{reference}/actions/...`` take, and that each action's answer carries it on, so a
generated sequence reaches real case actions instead of guessing references (always 404).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

REFERENCE = "{reference}"
# Operations whose successful answer is a case (or a receipt) carrying its reference.
SOURCES = {("/cases", "post", "201"), ("/public/reports", "post", "201")}


def add_links(schema: dict[str, Any]) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = schema["paths"]
    targets = {
        operation["operationId"]: path
        for path, operations in paths.items()
        if REFERENCE in path
        for operation in operations.values()
    }
    links = {
        operation_id: {
            "operationId": operation_id,
            "parameters": {"reference": "$response.body#/reference"},
        }
        for operation_id in sorted(targets)
    }
    for path, operations in paths.items():
        for method, operation in operations.items():
            for code, response in operation.get("responses", {}).items():
                if (path, method, code) in SOURCES or _answers_a_case(path, code, response):
                    response["links"] = links
    return schema


def _answers_a_case(path: str, code: str, response: dict[str, Any]) -> bool:
    """An action (or a read) of one case that answers with the case's view."""
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return REFERENCE in path and code == "200" and schema.get("$ref", "").endswith("/CaseOut")


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = add_links(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    description=app.description,
                    routes=app.routes,
                )
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
