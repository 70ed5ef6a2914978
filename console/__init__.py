"""The web console: server-rendered pages for officers, supervisors and residents.

Pages translate between HTML forms and the same services the HTTP API calls (console/backend.py);
the console holds no business rule.
"""

from __future__ import annotations

from fastapi import FastAPI

from core.settings import Settings


def mount(app: FastAPI, settings: Settings) -> None:
    from console import (
        access,
        assets,
        officer,
        public,
        reports,
        restriction,
        signin,
        supervisor,
        web,
        whatif,
    )

    assets.install(app, settings)
    web.install_handlers(app)
    for module in (signin, officer, supervisor, reports, whatif, public, access, restriction):
        app.include_router(module.router)
