"""Security headers on every response of the API and the console (issue 22).

- ``Content-Security-Policy``: scripts, styles, fonts and images only from this origin, no inline
  script or style (the console's templates and /docs load theirs from served files), no plugins,
  and ``frame-ancestors 'none'`` so no other site can frame a page (clickjacking);
  ``X-Frame-Options: DENY`` says the same to older browsers.
- ``X-Content-Type-Options: nosniff``: a served file is only ever what its type says.
- ``Referrer-Policy: no-referrer``: a case reference in a console URL never leaves in a Referer.
- ``Permissions-Policy``: no camera, microphone, location, payment or USB for any page.
- ``Cache-Control: no-store`` on everything but the static bundles under ``/assets/``: console
  pages and API answers carry personal data, which no browser or proxy cache may keep.

A response that sets one of these itself (e.g. ReDoc's looser style policy) keeps its own.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
STATIC_PREFIX = "/assets/"

_ALWAYS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"permissions-policy", PERMISSIONS.encode()),
]
_NO_STORE = (b"cache-control", b"no-store")


class SecurityHeaders:
    """Pure ASGI middleware: adds the headers above unless the response set them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wanted = list(_ALWAYS)
        if not str(scope.get("path", "")).startswith(STATIC_PREFIX):
            wanted.append(_NO_STORE)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend((name, value) for name, value in wanted if name not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
