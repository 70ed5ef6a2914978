"""A case's workflow history in plain language, decoded on the server (supervisors only).

Payloads are decrypted with the client's own data converter, here in the product, so no key or
token ever reaches a browser. Workflow-task bookkeeping is left out: it says nothing about the
case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client

from console.labels import words

HIDDEN = {
    EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
    EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED,
}


@dataclass(frozen=True)
class Line:
    id: int
    at: datetime
    what: str
    detail: str


async def _decoded(client: Client, payloads: Any) -> list[Any]:
    try:
        return list(await client.data_converter.decode(list(payloads)))
    except Exception as failure:  # a key rotated out: say so rather than fail the page
        return [f"(could not be decoded: {failure})"]


def _actor(value: Any) -> str:
    if isinstance(value, dict) and isinstance(value.get("actor"), dict):
        actor = value["actor"]
        return f" by {actor.get('user_id')} ({actor.get('role')})"
    return ""


def _command(command: dict[str, Any]) -> str:
    kind = str(command.get("type", ""))
    if kind == "record_event":
        return str(command.get("summary", ""))
    if kind == "send_letter":
        to = str(command.get("to_role", "")).replace("_", " ")
        return f"Letter: {words(str(command.get('kind')))} to the {to}"
    if kind == "update_read_model":
        return ""
    return words(kind)


def _commands(value: Any) -> str:
    if isinstance(value, dict) and isinstance(value.get("commands"), list):
        said = [_command(c) for c in value["commands"] if isinstance(c, dict)]
        return "; ".join(s for s in said if s)
    return ""


async def describe(client: Client, event: HistoryEvent) -> Line | None:
    kind = event.event_type
    if kind in HIDDEN:
        return None
    at = event.event_time.ToDatetime()
    what = words(EventType.Name(kind).removeprefix("EVENT_TYPE_").lower())
    detail = ""
    if kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
        request = event.workflow_execution_update_accepted_event_attributes.accepted_request
        name = request.input.name
        values = await _decoded(client, request.input.args.payloads)
        what = "Officer action received" if name != "open" else "Case opened"
        detail = words(name) + (_actor(values[0]) if values else "")
    elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
        outcome = event.workflow_execution_update_completed_event_attributes.outcome
        what = "Action refused" if outcome.HasField("failure") else "Action completed"
        detail = outcome.failure.message if outcome.HasField("failure") else ""
    elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        attributes = event.activity_task_scheduled_event_attributes
        values = await _decoded(client, attributes.input.payloads)
        what = "Work sent to the worker"
        detail = words(attributes.activity_type.name)
        listed = _commands(values[0]) if values else ""
        if listed:
            detail += f": {listed}"
    elif kind == EventType.EVENT_TYPE_TIMER_STARTED:
        wait = event.timer_started_event_attributes.start_to_fire_timeout.ToTimedelta()
        fires = event.event_time.ToDatetime() + wait
        what = "Waiting for the next deadline"
        detail = f"until {fires:%d %b %Y %H:%M} UTC"
        if event.HasField("user_metadata") and event.user_metadata.HasField("summary"):
            # The clock the timer waits for (domain/summaries.py); older histories have none.
            [named] = await _decoded(client, [event.user_metadata.summary])
            detail = f"{named}, {detail}"
    elif kind == EventType.EVENT_TYPE_TIMER_FIRED:
        what = "A deadline came due"
    elif kind == EventType.EVENT_TYPE_TIMER_CANCELED:
        what = "Deadline wait replaced (the case changed)"
    elif kind == EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
        what = "Case list fields updated"
    elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
        what = "Worker finished the work"
    elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED:
        failure = event.activity_task_failed_event_attributes.failure
        what, detail = "Worker failed (it will retry)", failure.message
    return Line(event.event_id, at, what, detail)
