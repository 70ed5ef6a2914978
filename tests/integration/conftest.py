"""Integration fixtures: a real SMTP relay (aiosmtpd), and an SMTP server that is down."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from tests.integration.record_support import CountingHandler
from tests.integration.test_mailer_smtp import serving


@pytest.fixture
def relay() -> Iterator[tuple[CountingHandler, int]]:
    """A real SMTP server on a free port: (handler with what it received, port)."""
    handler = CountingHandler()
    with serving(handler) as port:
        yield handler, port


@pytest.fixture
def down_port() -> Iterator[int]:
    """The SMTP server is down: the port is bound but nothing listens."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]
