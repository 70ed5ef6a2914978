"""Serve the API: ``python -m web.main``."""

from __future__ import annotations

import asyncio

import uvicorn
from fastapi import FastAPI

from api.observability import metrics_app
from core import logs
from core.settings import Settings, get_settings
from web.app import create_app


def server_config(settings: Settings, app: FastAPI | None = None) -> uvicorn.Config:
    """X-Forwarded-For replaces the peer's address only when the peer is a configured proxy
    (``ASB_TRUSTED_PROXIES``): uvicorn's own default believes any loopback peer, which let a
    local caller pick its address and slip the intake's rate limit. Each request is logged
    once, as JSON with its request id (api/observability.py), not by uvicorn."""
    proxies = settings.proxies
    return uvicorn.Config(
        app or create_app(settings),
        host=settings.api_host,
        port=settings.api_port,
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
        log_config=None,
        access_log=False,
    )


def metrics_config(settings: Settings, app: FastAPI) -> uvicorn.Config:
    """The second listener for /metrics alone (``ASB_API_METRICS_ADDRESS``), sharing ``app``'s
    services: Prometheus scrapes it inside the network, as it does the worker's."""
    host, _, port = settings.api_metrics_address.rpartition(":")
    return uvicorn.Config(
        metrics_app(app), host=host or "0.0.0.0", port=int(port), log_config=None,
        access_log=False, lifespan="off",
    )  # fmt: skip


async def serve(settings: Settings) -> None:
    config = server_config(settings)
    servers = [uvicorn.Server(config)]
    if settings.api_metrics_address:
        main_app = config.app
        assert isinstance(main_app, FastAPI)
        servers.append(uvicorn.Server(metrics_config(settings, main_app)))
    running = [asyncio.create_task(server.serve()) for server in servers]
    # A signal stops one listener (the last to install its handler): stop the other with it.
    await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
    for server in servers:
        server.should_exit = True
    await asyncio.gather(*running)


def main() -> None:
    settings = get_settings()
    logs.configure("api")
    asyncio.run(serve(settings))


if __name__ == "__main__":
    main()
