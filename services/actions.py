"""An officer's or supervisor's action on a case: the one way down from a request to the
workflow, for the API (``POST /cases/{reference}/actions/{action}``) and the console alike.

:func:`take_action` reads the case's row once (who may open it, its officer), checks what the
workflow cannot check itself (the actor's role from the action's declaration, R38 agencies, the
landlord's staff directory), validates the action's own model, and sends it as an update named
after its type, at most once per caller and Idempotency-Key. The workflow validates the action
against the case's stage and policy (R19, R43, R46): a refusal is :class:`Refused`.
"""

from __future__ import annotations

from typing import Any

from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from contracts.view import CaseView
from db.models import Case
from db.staff import is_active_staff
from domain.actions import ActionBase, ActionRules, Actor
from domain.vocabulary import is_staff_id
from services import idempotency
from services.access import Reader, may_be_given, visible_case_row
from services.cases import case_handle
from services.context import Services
from services.errors import InvalidInput, NotPermitted, Refused
from services.referrals import check_agency

__all__ = ["actor_for", "take_action"]

SUPERVISING = ("supervisor", "admin")
ACTING = ("officer", "supervisor", "admin")


def actor_for(reader: Reader, rules: ActionRules) -> Actor:
    """The roles come from the action's declaration; the domain checks again (R19, R43, R46)."""
    if rules.supervisor_only:
        if not reader.supervises:
            raise NotPermitted(f"{rules.name} needs a supervisor")
        return Actor(user_id=reader.user_id, role="supervisor")
    if not any(role in ACTING for role in reader.roles):
        raise NotPermitted("officer actions need the officer, supervisor or admin role")
    role = "supervisor" if reader.supervises else "officer"
    return Actor(user_id=reader.user_id, role=role)


class _CaseRow:
    """The case's row, read at most once for the whole action (who may open it, its officer)."""

    def __init__(self, svc: Services, reader: Reader, reference: str) -> None:
        self._svc, self._reader, self._reference = svc, reader, reference
        self._row: Case | None = None

    async def get(self) -> Case:
        if self._row is None:
            self._row = await visible_case_row(self._svc.sessions, self._reader, self._reference)
        return self._row


def _check_agency(svc: Services, fields: dict[str, Any]) -> None:
    agency = fields.get("agency")
    if agency is not None:
        check_agency(svc.settings.agencies_file, agency)  # R38


async def _check_officer(
    svc: Services,
    reader: Reader,
    reference: str,
    case: _CaseRow,
    action_type: str,
    fields: dict[str, Any],
) -> None:
    """A case is given only to an active member of its landlord's staff directory, so that
    every letter can name its officer (R13, R19) and the CaseOfficer attribute is a person.
    Reassign names the officer; acknowledging an unassigned case makes the actor its officer."""
    if action_type == "reassign":
        officer_id = str(fields["officer_id"])
    elif action_type == "acknowledge":
        if (await case.get()).officer_id is not None:
            return
        officer_id = reader.user_id
    else:
        return
    if not is_staff_id(officer_id):  # a directory entry made before the rule (domain/vocabulary.py)
        raise InvalidInput(
            "officer_id",
            f"{officer_id!r} is not a staff id (letters, digits, '.', '-' and '_'): a case's "
            "officer is never an email address or free text",
        )
    async with svc.sessions() as session:
        known = await is_active_staff(session, reader.landlord, officer_id)
    if not known:
        raise InvalidInput(
            "officer_id",
            f"{officer_id!r} is not an active member of landlord {reader.landlord}'s staff "
            "directory (GET /staff); add them with PUT /staff/{staff_id} first",
        )
    if action_type == "reassign" and not await may_be_given(svc.sessions, reference, officer_id):
        raise InvalidInput(
            "officer_id",
            f"case {reference} is restricted and {officer_id!r} is not named on it, so they could "
            f"not open it; a supervisor names them first (PUT /cases/{reference}/restriction)",
        )


async def _update(
    svc: Services, reference: str, action: tuple[str, ActionBase], update_id: str | None
) -> CaseView:
    action_type, payload = action
    try:
        view: CaseView = await case_handle(svc.client, reference).execute_update(
            action_type, payload, id=update_id, result_type=CaseView, rpc_timeout=svc.wait
        )
    except WorkflowUpdateFailedError as error:
        cause = error.cause
        raise Refused(
            cause.message if isinstance(cause, ApplicationError) else str(cause or error)
        ) from None
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:  # the case exists: its workflow finished
            raise Refused("This case is finished; it takes no actions.") from None
        raise
    return view


async def take_action(
    svc: Services,
    reader: Reader,
    reference: str,
    rules: ActionRules,
    fields: dict[str, Any],
    key: str | None,
) -> CaseView:
    """Take the action ``rules`` declares with the caller's ``fields`` (the action's model
    without ``actor`` and ``type``). Raises :class:`NotPermitted`, :class:`InvalidInput`,
    :class:`CaseNotFound`, :class:`Refused`, the Idempotency-Key's refusals, and the model's own
    ``ValidationError`` (its cross-field checks) for each caller to word for its own page."""
    actor = actor_for(reader, rules)
    _check_agency(svc, fields)
    case = _CaseRow(svc, reader, reference)
    await _check_officer(svc, reader, reference, case, rules.name, fields)
    action = rules.input_model.model_validate({**fields, "actor": actor, "type": rules.name})
    await case.get()  # 404 before the key is claimed, as for any case the caller may not open
    request = idempotency.fingerprint(f"{reference}/{rules.name}", action.model_dump(mode="json"))

    async def act(attempt: idempotency.Attempt) -> CaseView:
        # The update id carries the hashed key, never the key: it is stored in the history.
        update_id = f"{reference}:{attempt.key_hash}" if attempt.key_hash else None
        return await _update(svc, reference, (rules.name, action), update_id)

    scope = idempotency.staff_scope(reader)
    return await idempotency.once(svc, scope, key, request, reference, act)
