"""Request metrics, request ids and JSON request logs for the API; the /metrics endpoint.

``install(app)`` wraps the app in one ASGI middleware that, for each HTTP request:
- takes the caller's ``X-Request-ID`` (if well formed) or makes one, returns it on the response
  and puts it, with the case reference from the path, on every log line of the request;
- counts the request and times it under its route template (never the raw path: a reference
  in a label would make one time series per case);
- logs one line when the response is sent.

Labels are bounded: the route is the template, and a method outside the standard ones is
``other`` (a made-up method string per request would otherwise add a time series each).

``/metrics`` (Prometheus text format, not in the OpenAPI description) serves those and the case
figures counted from the record (``db/metrics.py``). It carries no personal data, yet it is not
public. With ``ASB_API_METRICS_ADDRESS`` set it is served on that address alone, as the worker's
are (Prometheus scrapes it inside the network; ``web.main`` runs the second listener), and the API
port answers 404. Otherwise, on the API port, ``ASB_METRICS_TOKEN`` makes it answer only
``Authorization: Bearer <token>`` (Prometheus' ``authorization.credentials_file``); with neither
it answers nobody in production and anybody in development. The reverse proxy does not publish
it either (deploy/caddy/Caddyfile).
"""

from __future__ import annotations

import logging
import re
import secrets
import time
import uuid
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, status
from fastapi.responses import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.logs import CASE_REFERENCE, REQUEST_ID
from edge.deps import Services, services
from services.health import CaseFigures, figures

log = logging.getLogger("api.requests")
REQUESTS = Counter("asb_http_requests", "HTTP requests answered", ["method", "route", "status"])
DURATION = Histogram(
    "asb_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_CASE_PATH = re.compile(r"^/cases/([^/]+)")
UNMATCHED = "unmatched"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
OTHER_METHOD = "other"

router = APIRouter(include_in_schema=False)


class Observe:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        case = _CASE_PATH.match(scope.get("path", ""))
        tokens = (REQUEST_ID.set(request_id), CASE_REFERENCE.set(case[1] if case else None))
        started, status = time.perf_counter(), 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self._record(scope, status, time.perf_counter() - started)
            REQUEST_ID.reset(tokens[0])
            CASE_REFERENCE.reset(tokens[1])

    @staticmethod
    def _record(scope: Scope, status: int, seconds: float) -> None:
        route = getattr(scope.get("route"), "path", UNMATCHED)
        method = scope.get("method", "")
        if method not in METHODS:
            method = OTHER_METHOD
        REQUESTS.labels(method, route, str(status)).inc()
        DURATION.labels(method, route).observe(seconds)
        log.info(
            "%s %s %s",
            method,
            route,
            status,
            extra={
                "method": method,
                "route": route,
                "status": status,
                "ms": round(seconds * 1000, 1),
            },
        )


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            candidate = value.decode("latin-1")
            if _REQUEST_ID.fullmatch(candidate):
                return candidate
    return uuid.uuid4().hex


def _scraper_only(request: Request, svc: Services = Depends(services)) -> None:
    if svc.settings.api_metrics_address:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, "metrics are served on ASB_API_METRICS_ADDRESS"
        )
    expected = svc.settings.metrics_token.get_secret_value()
    if not expected:
        if svc.settings.environment == "production":
            raise HTTPException(
                status.HTTP_404_NOT_FOUND,
                "metrics are not published: set ASB_METRICS_TOKEN and give Prometheus the token",
            )
        return
    given = request.headers.get("authorization", "")
    if not secrets.compare_digest(given.encode(), f"Bearer {expected}".encode()):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "metrics need the scraper's bearer token (ASB_METRICS_TOKEN)",
            headers={"WWW-Authenticate": "Bearer"},
        )


@router.get("/metrics", dependencies=[Depends(_scraper_only)])
async def metrics(svc: Services = Depends(services)) -> Response:
    return await metrics_response(svc)


def metrics_app(main: FastAPI) -> FastAPI:
    """The /metrics listener of ``ASB_API_METRICS_ADDRESS``: the main app's metrics, and
    nothing else, on a port only Prometheus reaches."""
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/metrics")
    async def scrape() -> Response:
        return await metrics_response(main.state.services)

    return app


async def metrics_response(svc: Services) -> Response:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_CaseCollector(await _figures(svc)))
    body = generate_latest(REGISTRY) + generate_latest(registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST)


async def _figures(svc: Services) -> CaseFigures | None:
    try:
        return await figures(svc)
    except Exception:  # the request metrics still answer while the database is down
        log.exception("case metrics unavailable")
        return None


class _CaseCollector(Collector):
    def __init__(self, figures: CaseFigures | None) -> None:
        self.figures = figures

    def collect(self) -> Any:
        up = GaugeMetricFamily("asb_case_metrics_up", "1 if the case figures could be read")
        up.add_metric([], 0 if self.figures is None else 1)
        yield up
        if self.figures is None:
            return
        f = self.figures
        yield _family(GaugeMetricFamily, "asb_open_cases", "Open cases",
                      ["landlord", "stage", "tier"], f.open_cases)  # fmt: skip
        yield _family(GaugeMetricFamily, "asb_overdue_deadlines", "Overdue deadlines of open cases",
                      ["landlord", "clock"], f.overdue_deadlines)  # fmt: skip
        yield _family(CounterMetricFamily, "asb_escalations_raised", "Escalations raised",
                      ["landlord", "reason", "clock"], f.escalations)  # fmt: skip
        yield _family(GaugeMetricFamily, "asb_letters", "Letters and emails by status",
                      ["landlord", "kind", "status"], f.letters)  # fmt: skip


def _family(kind: Any, name: str, doc: str, labels: list[str], values: dict[Any, int]) -> Any:
    family = kind(name, doc, labels=labels)
    for label_values, value in sorted(values.items()):
        family.add_metric(list(label_values), value)
    return family


def install(app: FastAPI) -> None:
    app.add_middleware(Observe)
    app.include_router(router)
