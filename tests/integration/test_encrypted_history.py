"""The history a case leaves in the Temporal server is ciphertext (docs/design.md: defence in
depth).

A real case workflow runs on the dev server with the product's converter. Its raw history is then
read through a client *without* the codec: every payload is encrypted under the configured key
id, and neither a party id nor a category appears anywhere in it. The product's client (with the
codec) reads the same payloads back.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from google.protobuf.message import Message
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio.api.common.v1 import Payload
from temporalio.client import Client, WorkflowHandle
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from contracts.case import CaseStart, new_case
from core.case_setup import case_setup
from core.codec import DEV_KEY_ID, ENCODING, KEY_ID_METADATA, WORKFLOW_METADATA
from core.settings import Settings
from domain.case import OpenCase, PartyRef
from workers.build import build_worker

CATEGORY = "vandalism"


def payloads(message: Message) -> Iterator[Payload]:
    """Every payload in a history event, except search attributes (never encrypted)."""
    for field, value in message.ListFields():
        if field.name == "search_attributes" or field.message_type is None:
            continue
        if isinstance(value, Message):
            items: Any = [value]
        else:  # a repeated field, or a map (memo, header fields) whose values are messages
            items = value.values() if hasattr(value, "values") else value
        for item in items:
            if isinstance(item, Payload):
                yield item
            else:
                yield from payloads(item)


def _is_marker_bookkeeping(payload: Payload) -> bool:
    """The SDK's own record of a local activity (sequence number, attempt, activity type and
    times) is plain JSON written by the SDK core, outside the data converter. It carries no
    case data: its keys are checked here; the activity's result beside it is encrypted."""
    if payload.metadata.get("encoding") != b"json/plain":
        return False
    keys = set(json.loads(payload.data))
    return keys <= {"seq", "attempt", "activity_id", "activity_type", "complete_time",
                    "backoff", "original_schedule_time", "activation_index"}  # fmt: skip


async def until_effects_recorded(handle: WorkflowHandle[Any, Any]) -> bool:
    """Long-poll the history (no sleeping) until the first carry_out activity has completed."""
    scheduled: set[int] = set()
    async for event in handle.fetch_history_events(wait_new_event=True):
        started = event.activity_task_scheduled_event_attributes
        if started.activity_type.name == "carry_out":
            scheduled.add(event.event_id)
        done = event.activity_task_completed_event_attributes
        if event.HasField("activity_task_completed_event_attributes") and (
            done.scheduled_event_id in scheduled
        ):
            return True
    return False  # the workflow closed first


async def test_history_holds_only_ciphertext_and_the_codec_reads_it(
    dev_env: WorkflowEnvironment,
    sessions: async_sessionmaker[Any],
    task_queue: str,
    tmp_path: Path,
) -> None:
    reference = f"ASB-2026-{uuid.uuid4().hex[:8].upper()}"
    party = PartyRef(id=f"{reference}-P1", role="complainant", preferred_channel="email")
    opened = OpenCase(
        reference=reference, landlord="X", categories=[CATEGORY], channel="phone",
        received_at=datetime.now(UTC), parties=[party],
    )  # fmt: skip
    settings = Settings(task_queue=task_queue, data_dir=tmp_path)
    async with build_worker(dev_env.client, settings, sessions):
        handle = await dev_env.client.start_workflow(
            "CaseWorkflow",
            new_case(opened, case_setup("X", opened.received_at, datetime.now(UTC))),
            id=f"case-{reference}",
            task_queue=task_queue,
        )
        assert await until_effects_recorded(handle)
        await handle.terminate("test over")

    without_codec = Client(
        dev_env.client.service_client,
        namespace=dev_env.client.namespace,
        data_converter=pydantic_data_converter,
    )
    history = await without_codec.get_workflow_handle(handle.id).fetch_history()
    found = [p for event in history.events for p in payloads(event)]
    bookkeeping = [p for p in found if _is_marker_bookkeeping(p)]
    encrypted = [p for p in found if p not in bookkeeping]
    assert len(encrypted) >= 3  # start input, the local activity's result, carry_out's input
    for payload in encrypted:
        assert payload.metadata["encoding"] == ENCODING
        assert payload.metadata[KEY_ID_METADATA] == DEV_KEY_ID.encode()
        # each names its case, so the codec endpoint can check the landlord (issue 13)
        assert payload.metadata[WORKFLOW_METADATA] == handle.id.encode()
    raw = b"".join(event.SerializeToString() for event in history.events)
    assert party.id.encode() not in raw
    assert CATEGORY.encode() not in raw

    started = history.events[0].workflow_execution_started_event_attributes
    [decoded] = await dev_env.client.data_converter.decode(started.input.payloads, [CaseStart])
    assert decoded.opened.parties[0].id == party.id
    assert decoded.opened.categories == [CATEGORY]
