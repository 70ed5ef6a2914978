"""Serve the API: ``python -m api.main``."""

from __future__ import annotations

import uvicorn

from api.app import create_app
from core import logs
from core.settings import get_settings


def main() -> None:
    settings = get_settings()
    logs.configure("api")
    # Each request is logged once, as JSON with its request id (api/observability.py).
    uvicorn.run(
        create_app(settings),
        host=settings.api_host,
        port=settings.api_port,
        log_config=None,
        access_log=False,
    )


if __name__ == "__main__":
    main()
