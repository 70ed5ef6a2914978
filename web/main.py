"""Serve the API: ``python -m web.main``."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

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


def main() -> None:
    settings = get_settings()
    logs.configure("api")
    uvicorn.Server(server_config(settings)).run()


if __name__ == "__main__":
    main()
