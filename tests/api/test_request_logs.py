"""Structured logs: each API request is one JSON line with its request id and case reference,
and a worker's log record about a case carries the case reference from its workflow id."""

from __future__ import annotations

import dataclasses
import io
import json
import logging
from collections.abc import Iterator

import httpx
import pytest
from temporalio.testing import ActivityEnvironment

from core.logs import json_handler
from tests.api.conftest import Headers


@pytest.fixture
def api_log() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = json_handler("api", stream)
    logger = logging.getLogger("api.requests")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)  # setLevel, not assignment: it clears the logger's cache
    yield stream
    logger.removeHandler(handler)
    logger.setLevel(level)


async def test_a_request_is_logged_with_its_id_and_case(
    api: httpx.AsyncClient, auth: Headers, api_log: io.StringIO
) -> None:
    response = await api.get(
        "/cases/ASB-NOSUCH-1/timeline", headers={**auth("officer"), "X-Request-ID": "trace-42"}
    )
    assert response.headers["x-request-id"] == "trace-42"
    line = json.loads(api_log.getvalue().splitlines()[-1])
    assert line["request_id"] == "trace-42"
    assert line["case_reference"] == "ASB-NOSUCH-1"
    assert line["route"] == "/cases/{reference}/timeline"
    assert line["status"] == response.status_code
    assert line["service"] == "api" and line["level"] == "INFO"


async def test_a_malformed_request_id_is_replaced(
    api: httpx.AsyncClient, api_log: io.StringIO
) -> None:
    response = await api.get("/healthz", headers={"X-Request-ID": "no spaces\tor tabs"})
    generated = response.headers["x-request-id"]
    assert generated != "no spaces\tor tabs" and len(generated) == 32
    assert json.loads(api_log.getvalue().splitlines()[-1])["request_id"] == generated


async def test_a_worker_record_names_its_case() -> None:
    stream = io.StringIO()
    logger = logging.getLogger("tests.worker")
    logger.addHandler(json_handler("worker", stream))
    logger.propagate = False
    logger.warning("letter failed", extra={"temporal_activity": {"workflow_id": "case-ASB-7"}})
    logger.warning("housekeeping", extra={"temporal_workflow": {"workflow_id": "housekeeping"}})

    async def an_activity() -> None:  # a module logger inside an activity of case ASB-8
        logger.warning("relay refused the letter")

    env = ActivityEnvironment()
    env.info = dataclasses.replace(env.info, workflow_id="case-ASB-8")
    await env.run(an_activity)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["case_reference"] for line in lines] == ["ASB-7", None, "ASB-8"]
    assert {line["service"] for line in lines} == {"worker"}
