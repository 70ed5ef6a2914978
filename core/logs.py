"""Structured logs: one JSON object a line, carrying the request id and the case reference.

The API sets both for the request it serves (``api/observability.py``); in the worker the case
reference comes from the workflow id (``case-<reference>``): the one temporalio's workflow and
activity loggers attach to each record, or the running activity's. A log shipper (Loki,
CloudWatch, Elastic) can then find every line about one case or one request without parsing
free text.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import IO, Any

from pythonjsonlogger.json import JsonFormatter
from temporalio import activity

REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
CASE_REFERENCE: ContextVar[str | None] = ContextVar("case_reference", default=None)
WORKFLOW_ID_PREFIX = "case-"
_FIELDS = "%(levelname)s %(name)s %(message)s %(request_id)s %(case_reference)s"


class ContextFilter(logging.Filter):
    """Adds ``request_id`` and ``case_reference`` to every record (None when there is none)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = REQUEST_ID.get()
        if getattr(record, "case_reference", None) is None:
            record.case_reference = CASE_REFERENCE.get() or _temporal_case(record)
        return True


def _temporal_case(record: logging.LogRecord) -> str | None:
    for attribute in ("temporal_workflow", "temporal_activity"):
        info: Any = getattr(record, attribute, None)
        if isinstance(info, dict):
            return _case(info.get("workflow_id"))
    # A module logger called inside an activity (activities/*): the activity's own context.
    return _case(activity.info().workflow_id) if activity.in_activity() else None


def _case(workflow_id: object) -> str | None:
    if isinstance(workflow_id, str) and workflow_id.startswith(WORKFLOW_ID_PREFIX):
        return workflow_id.removeprefix(WORKFLOW_ID_PREFIX)
    return None


def json_handler(service: str, stream: IO[str] | None = None) -> logging.Handler:
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    handler.setFormatter(
        JsonFormatter(
            _FIELDS,
            rename_fields={"levelname": "level", "name": "logger"},
            static_fields={"service": service},
            timestamp="time",  # ISO 8601, UTC
        )
    )
    return handler


def configure(service: str, level: int = logging.INFO) -> None:
    """Send every log record of the process, as JSON, to stderr."""
    root = logging.getLogger()
    root.handlers[:] = [json_handler(service)]
    root.setLevel(level)
