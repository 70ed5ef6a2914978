"""One endpoint per officer action: ``POST /cases/{reference}/actions/{action}``.

(No ``from __future__ import annotations`` here: FastAPI must see each generated body model.)

The request body is the domain action without ``actor`` (that comes from the bearer token) and
without ``type`` (that is the path). The case's workflow validates it: a refusal is a 409 carrying
the workflow's reason, and changes nothing.
"""

from typing import Any, cast

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, ValidationError, create_model
from temporalio.client import WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from contracts.view import CaseView
from domain.actions import ACTIONS, ActionBase, ActionRules, Actor
from edge.access import case_for, case_handle
from edge.auth import Principal, authenticated
from edge.deps import Services, services
from edge.errors import forbidden, refused, unavailable, unprocessable
from edge.idempotency import Attempt, KeyHeader, fingerprint, once, staff_scope
from edge.schemas import CaseOut, case_out
from services.access import may_be_given
from services.errors import InvalidInput
from services.records import is_active_staff
from services.referrals import check_agency

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


def actor_for(principal: Principal, rules: ActionRules) -> Actor:
    """The roles come from the action's declaration; the domain checks again (R19, R43, R46)."""
    if rules.supervisor_only:
        if not principal.has_any("supervisor", "admin"):
            raise forbidden(f"{rules.name} needs a supervisor")
        return Actor(user_id=principal.user_id, role="supervisor")
    if not principal.has_any("officer", "supervisor", "admin"):
        raise forbidden("officer actions need the officer, supervisor or admin role")
    role = "supervisor" if principal.has_any("supervisor", "admin") else "officer"
    return Actor(user_id=principal.user_id, role=role)


async def perform(
    svc: Services,
    principal: Principal,
    reference: str,
    action: tuple[str, ActionBase],
    key: str | None,
) -> CaseOut:
    """Send the action as an update named after its type; the workflow validates it."""
    action_type, payload = action
    await case_for(svc, principal, reference)
    request = fingerprint(f"{reference}/{action_type}", payload.model_dump(mode="json"))

    async def act(attempt: Attempt) -> CaseView:
        # The update id carries the hashed key, never the key: it is stored in the history.
        update_id = f"{reference}:{attempt.key_hash}" if attempt.key_hash else None
        return await _update(svc, reference, action, update_id)

    return case_out(await once(svc, staff_scope(principal), key, request, reference, act))


async def _update(
    svc: Services, reference: str, action: tuple[str, ActionBase], update_id: str | None
) -> CaseView:
    action_type, payload = action
    try:
        view: CaseView = await case_handle(svc, reference).execute_update(
            action_type, payload, id=update_id, result_type=CaseView, rpc_timeout=svc.wait
        )
    except WorkflowUpdateFailedError as error:
        raise refused(error) from None
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:  # the case exists: its workflow finished
            raise HTTPException(
                status.HTTP_409_CONFLICT, {"reason": "This case is finished; it takes no actions."}
            ) from None
        raise unavailable(error) from None
    return view


def _check_agency(svc: Services, fields: dict[str, Any]) -> None:
    agency = fields.get("agency")
    if agency is not None:
        try:
            check_agency(svc.settings.agencies_file, agency)  # R38
        except InvalidInput as invalid:
            raise unprocessable(invalid.field, invalid.message) from None


async def _check_officer(
    svc: Services, principal: Principal, reference: str, action_type: str, fields: dict[str, Any]
) -> None:
    """A case is given only to an active member of its landlord's staff directory, so that
    every letter can name its officer (R13, R19) and the CaseOfficer attribute is a person.
    Reassign names the officer; acknowledging an unassigned case makes the actor its officer."""
    if action_type == "reassign":
        officer_id = str(fields["officer_id"])
    elif action_type == "acknowledge":
        case = await case_for(svc, principal, reference)
        if case.officer_id is not None:
            return
        officer_id = principal.user_id
    else:
        return
    async with svc.sessions() as session:
        known = await is_active_staff(session, principal.landlord, officer_id)
    if not known:
        raise unprocessable(
            "officer_id",
            f"{officer_id!r} is not an active member of landlord {principal.landlord}'s staff "
            "directory (GET /staff); add them with PUT /staff/{staff_id} first",
        )
    if action_type == "reassign" and not await may_be_given(svc.sessions, reference, officer_id):
        raise unprocessable(
            "officer_id",
            f"case {reference} is restricted and {officer_id!r} is not named on it, so they could "
            f"not open it; a supervisor names them first (PUT /cases/{reference}/restriction)",
        )


async def checked_action(
    svc: Services, principal: Principal, reference: str, rules: ActionRules, fields: dict[str, Any]
) -> ActionBase:
    """An action as the API and the console take it: the actor's role from the declaration, the
    R38 agency and staff-directory checks, then the action's own model. Raises the model's
    ValidationError (its cross-field checks) for each caller to word for its own page."""
    actor = actor_for(principal, rules)
    _check_agency(svc, fields)
    await _check_officer(svc, principal, reference, rules.name, fields)
    return rules.input_model.model_validate({**fields, "actor": actor, "type": rules.name})


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
            action = await checked_action(svc, principal, reference, rules, fields)
        except ValidationError as invalid:
            raise RequestValidationError(invalid.errors(include_url=False)) from None
        return await perform(svc, principal, reference, (action_type, action), idempotency_key)

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
