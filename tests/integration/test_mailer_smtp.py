"""The mailer against a real SMTP server (aiosmtpd) on a free port, and the folder mailer."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any, cast

import pytest
from aiosmtpd.controller import Controller

from activities.letters import (
    LetterContext,
    LetterKind,
    Recipient,
    RecipientRole,
    render_letter,
    render_pdf,
)
from core.mailer import (
    Attachment,
    FolderMailer,
    OutgoingEmail,
    PermanentMailError,
    SmtpMailer,
    TransientMailError,
    encode_key,
    message_id_for,
)
from core.settings import Settings
from workers.build import mailer_for

SENDER = "asb-team@northgate.example"
REFUSED = "gone@example.org"  # the server answers 550
BUSY = "busy@example.org"  # the server answers 451


@dataclass
class RecordingHandler:
    """Accepts mail like a relay, but refuses two special recipients."""

    received: list[tuple[list[str], bytes]] = field(default_factory=list)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address == REFUSED:
            return "550 5.1.1 Mailbox unavailable"
        if address == BUSY:
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((list(envelope.rcpt_tos), bytes(envelope.original_content)))
        return "250 Message accepted for delivery"


class EphemeralController(Controller):
    """A Controller bound to port 0: learns the port the OS chose before its self-check."""

    def _trigger_server(self) -> None:
        server = cast(asyncio.Server, self.server)
        self.port = server.sockets[0].getsockname()[1]
        super()._trigger_server()


@contextmanager
def serving(handler: Any) -> Iterator[int]:
    """A real SMTP server on a free port for ``handler``; yields the port."""
    controller = EphemeralController(handler, hostname="127.0.0.1", port=0)
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


@pytest.fixture
def smtp() -> Iterator[tuple[RecordingHandler, int]]:
    handler = RecordingHandler()
    with serving(handler) as port:
        yield handler, port


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port that is bound (so nobody else takes it) but not listening: connections fail."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.fixture
async def silent_port() -> AsyncIterator[int]:
    """A server that accepts connections and never says a word."""
    hold = asyncio.Event()

    async def mute(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await hold.wait()
        writer.close()

    server = await asyncio.start_server(mute, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        hold.set()
        server.close()
        await server.wait_closed()


def letter_email(
    key: str = "ASB-2026-000123:letter:7",
    to: str = "dale@example.net",
) -> OutgoingEmail:
    context = LetterContext(
        reference="ASB-2026-000123",
        landlord_name="Northgate Homes",
        letter_date=date(2026, 3, 3),
        recipient=Recipient(name="Mr Dale Hughes", salutation="Mr Hughes", email=to),
        recipient_role=RecipientRole.ALLEGED_PERPETRATOR,
        officer_name="Tom Reid",
        officer_contact="0113 496 0000",
        monitoring_method="the Noise App",
        monitoring_start=date(2026, 3, 16),
    )
    letter = render_letter(LetterKind.NOISE_MONITORING_NOTICE, context)
    pdf = render_pdf(letter, "Northgate Homes\n1 High Street, Leeds LS1 1AA")
    return OutgoingEmail(
        key=key,
        to=to,
        to_name="Mr Dale Hughes",
        subject=letter.subject,
        text=letter.text,
        html=letter.html,
        attachments=(Attachment("ASB-2026-000123-noise-monitoring.pdf", pdf),),
    )


def parse(raw: bytes) -> EmailMessage:
    return message_from_bytes(raw, policy=default_policy)


def mailer(port: int, timeout: float = 5) -> SmtpMailer:
    return SmtpMailer("127.0.0.1", port, SENDER, timeout=timeout)


async def test_sent_letter_arrives_with_pdf_and_stable_message_id(
    smtp: tuple[RecordingHandler, int],
) -> None:
    handler, port = smtp
    outgoing = letter_email()
    message_id = await mailer(port).send(outgoing)

    assert message_id == "<ASB-2026-000123.letter.7@asb-case-engine>"
    [(recipients, raw)] = handler.received
    assert recipients == ["dale@example.net"]
    received = parse(raw)
    assert received["Message-ID"] == message_id
    assert received["To"] == "Mr Dale Hughes <dale@example.net>"
    assert received["From"] == SENDER
    assert received["Subject"] == outgoing.subject
    body = received.get_body(preferencelist=("plain",))
    html = received.get_body(preferencelist=("html",))
    assert body is not None and "Dear Mr Hughes," in body.get_content()
    assert html is not None and "<strong>Notice of noise monitoring" in html.get_content()
    [attachment] = list(received.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "ASB-2026-000123-noise-monitoring.pdf"
    pdf = attachment.get_content()
    assert pdf == outgoing.attachments[0].content and pdf.startswith(b"%PDF-")


async def test_the_same_key_always_gives_the_same_message_id(
    smtp: tuple[RecordingHandler, int],
) -> None:
    handler, port = smtp
    first = await mailer(port).send(letter_email())
    second = await mailer(port).send(letter_email())  # e.g. a retried activity
    assert first == second
    ids = {parse(raw)["Message-ID"] for _, raw in handler.received}
    assert ids == {first}  # the duplicate is recognisable downstream


async def test_550_mailbox_unavailable_is_permanent(smtp: tuple[RecordingHandler, int]) -> None:
    handler, port = smtp
    with pytest.raises(PermanentMailError) as caught:
        await mailer(port).send(letter_email(to=REFUSED))
    assert caught.value.code == 550
    assert handler.received == []


async def test_451_try_again_later_is_transient(smtp: tuple[RecordingHandler, int]) -> None:
    _, port = smtp
    with pytest.raises(TransientMailError) as caught:
        await mailer(port).send(letter_email(to=BUSY))
    assert caught.value.code == 451


async def test_connection_refused_is_transient(closed_port: int) -> None:
    with pytest.raises(TransientMailError):
        await mailer(closed_port).send(letter_email())


async def test_a_server_that_never_answers_is_transient(silent_port: int) -> None:
    with pytest.raises(TransientMailError, match=r"(?i)time"):
        await mailer(silent_port, timeout=0.3).send(letter_email())


async def test_a_relay_slower_than_the_whole_deadline_is_transient(silent_port: int) -> None:
    """The per-reply timeout is generous here; the deadline for the whole conversation still
    ends the attempt (issue 22: a relay that accepts and hangs must not hold a send)."""
    slow = SmtpMailer("127.0.0.1", silent_port, SENDER, timeout=600, deadline=0.5)
    with pytest.raises(TransientMailError, match=r"(?i)time"):
        await slow.send(letter_email())


def test_the_production_mailer_gives_up_on_a_silent_relay() -> None:
    """Built from settings, the mailer bounds connecting, each reply and the whole send."""
    built = mailer_for(Settings(environment="test", mail_mode="smtp", smtp_host="127.0.0.1"))
    assert isinstance(built, SmtpMailer)
    assert 0 < built.timeout <= 30 and built.timeout <= built.deadline <= 120


@pytest.mark.parametrize("address", ["not-an-address", "a@b@c", "x@example.org\r\nBcc: y@z"])
async def test_an_invalid_address_is_permanent_without_connecting(
    address: str, closed_port: int
) -> None:
    outgoing = letter_email()
    bad = OutgoingEmail(key=outgoing.key, to=address, subject="s", text="t")
    with pytest.raises(PermanentMailError):
        await mailer(closed_port).send(bad)


async def test_a_header_injection_in_the_subject_is_refused(closed_port: int) -> None:
    bad = OutgoingEmail(key="k:1", to="a@example.org", subject="Hi\r\nBcc: x@example.org", text="t")
    with pytest.raises(PermanentMailError):
        await mailer(closed_port).send(bad)


async def test_folder_mailer_writes_a_readable_eml_once(tmp_path: Path) -> None:
    folder = FolderMailer(tmp_path / "outbox")
    outgoing = letter_email()
    message_id = await folder.send(outgoing)
    again = await folder.send(outgoing)  # a retried activity

    assert again == message_id == message_id_for(outgoing.key)
    [eml] = list((tmp_path / "outbox").iterdir())
    assert eml.name == "ASB-2026-000123.letter.7.eml"
    raw = eml.read_bytes()
    assert b"Subject: Notice of noise monitoring (ASB-2026-000123)" in raw
    stored = parse(raw)
    assert stored["Message-ID"] == message_id
    body = stored.get_body(preferencelist=("plain",))
    assert body is not None and "the Noise App" in body.get_content()
    [attachment] = list(stored.iter_attachments())
    assert attachment.get_content() == outgoing.attachments[0].content


def test_keys_encode_readably_and_distinctly() -> None:
    assert message_id_for("ASB-2026-000123:letter:7") == (
        "<ASB-2026-000123.letter.7@asb-case-engine>"
    )
    keys = ["a:b", "a.b", "a_b", "a b", "a/b", "a=2Eb", "caf\u00e9:1"]
    encoded = [encode_key(key) for key in keys]
    assert len(set(encoded)) == len(keys)
    for value in encoded:
        assert all(ch.isalnum() or ch in "-_.=" for ch in value), value
    for bad in ["", "a::b", ":a", "a:"]:
        with pytest.raises(ValueError):
            encode_key(bad)
