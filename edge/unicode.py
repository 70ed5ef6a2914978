"""Lone surrogates: a JSON string may spell ``"\\ud800"``, a code point no UTF-8 text can hold.

Python decodes it into a ``str`` that cannot be encoded again, so it would fail wherever the
value next meets bytes: the database, a 422 quoting it, a log line. Such a body is refused at
the door with a 422 naming where it was (issue 22). Query strings, form posts, paths and headers
cannot carry one: they arrive as bytes and are decoded with replacement characters.
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from edge.limits import MAX_BODY_BYTES

# An escaped surrogate in JSON text: only then is the body parsed here (cheap otherwise).
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_LONE = re.compile("[\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` with each lone surrogate written as its escape, so it can be shown or sent."""
    return _LONE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def lone_surrogate_at(value: Any, path: tuple[str | int, ...] = ()) -> tuple[str | int, ...] | None:
    """Where in a parsed JSON value a lone surrogate is (a key or a string), if anywhere."""
    if isinstance(value, str):
        return path if _LONE.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            if _LONE.search(key):
                return (*path, printable(key))
            found = lone_surrogate_at(item, (*path, key))
            if found is not None:
                return found
    if isinstance(value, list):
        for n, item in enumerate(value):
            found = lone_surrogate_at(item, (*path, n))
            if found is not None:
                return found
    return None


class LoneSurrogateGuard:
    """Pure ASGI middleware: a JSON body holding a lone surrogate is a 422, before any route."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers", [])) if scope["type"] == "http" else {}
        if b"json" not in headers.get(b"content-type", b""):
            await self.app(scope, receive, send)
            return
        chunks: list[Message] = []
        size, more = 0, True
        while more and size <= self.limit:  # past the limit BodySizeLimit answers 413
            message = await receive()
            chunks.append(message)
            size += len(message.get("body", b""))
            more = message.get("type") == "http.request" and message.get("more_body", False)
        body = b"".join(m.get("body", b"") for m in chunks)
        where = _where(body) if not more else None
        if where is not None:
            await _refuse(send, where)
            return

        async def replay() -> Message:
            return chunks.pop(0) if chunks else await receive()

        await self.app(scope, replay, send)


def _where(body: bytes) -> tuple[str | int, ...] | None:
    if not _ESCAPED_SURROGATE.search(body):
        return None
    try:
        parsed = json.loads(body)
    except ValueError:
        return None  # not JSON at all: the route says so itself
    return lone_surrogate_at(parsed)


async def _refuse(send: Send, where: tuple[str | int, ...]) -> None:
    message = "contains a lone surrogate (\\ud800-\\udfff), which is not text"
    detail = [{"loc": ["body", *where], "type": "value_error", "msg": message}]
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": 422,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})
