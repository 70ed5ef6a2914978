"""One endpoint per officer action: ``POST /cases/{reference}/actions/{action}``.

(No ``from __future__ import annotations`` here: FastAPI must see each generated body model.)

The request body is the domain action without ``actor`` (that comes from the bearer token) and
without ``type`` (that is the path). The action itself is services/actions.py; the case's workflow
validates it: a refusal is a 409 carrying the workflow's reason, and changes nothing.
"""

from typing import Any, cast

from fastapi import APIRouter, Depends, status
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, ValidationError, create_model
from temporalio.service import RPCError

from domain.actions import ACTIONS, ActionRules
from edge.access import reader
from edge.auth import Principal, authenticated
from edge.deps import Services, services
from edge.errors import unavailable
from edge.idempotency import KeyHeader
from edge.schemas import CaseOut, case_out
from services.actions import take_action

router = APIRouter(tags=["officer actions"])


def _body_model(model: type[BaseModel]) -> type[BaseModel]:
    fields: dict[str, Any] = {
        name: (info.annotation, info)
        for name, info in model.model_fields.items()
        if name not in ("actor", "type")
    }
    return create_model(
        f"{model.__name__}Body",
        __config__=ConfigDict(extra="forbid"),
        __doc__=model.__doc__,
        **fields,
    )


def _register(rules: ActionRules) -> None:
    action_type, model = rules.name, rules.input_model
    body_model = _body_model(model)

    async def endpoint(
        reference: str,
        body: body_model,  # type: ignore[valid-type]
        principal: Principal = Depends(authenticated),
        idempotency_key: str | None = KeyHeader,
        svc: Services = Depends(services),
    ) -> CaseOut:
        fields = cast(BaseModel, body).model_dump()
        try:
            view = await take_action(
                svc, reader(principal), reference, rules, fields, idempotency_key
            )
        except ValidationError as invalid:
            raise RequestValidationError(invalid.errors(include_url=False)) from None
        except RPCError as error:
            raise unavailable(error) from None
        return case_out(view)

    router.add_api_route(
        f"/cases/{{reference}}/actions/{action_type}",
        endpoint,
        methods=["POST"],
        response_model=CaseOut,
        status_code=status.HTTP_200_OK,
        summary=action_type.replace("_", " ").capitalize(),
        description=rules.summary,
        operation_id=f"action_{action_type}",
        responses={
            409: {
                "description": "The case's stage or policy forbids this action, or a request "
                "with this Idempotency-Key is still in flight"
            },
            422: {
                "description": "Invalid fields, or an Idempotency-Key reused for another request"
            },
        },
    )


for _rules in ACTIONS:
    _register(_rules)
