"""Sending email: over SMTP in production, into a folder of .eml files in development.

Every message carries a stable Message-ID derived from the business key the workflow chose
(e.g. ``ASB-2026-000123:letter:7`` -> ``<ASB-2026-000123.letter.7@asb-case-engine>``), so a
message sent twice by a retried activity is recognisably the same message.

Failures are classified for the retry policy:
- `PermanentMailError`: retrying cannot help (SMTP 5xx such as 550 mailbox unavailable, an
  invalid address, a server lacking a required feature).
- `TransientMailError`: try again later (connection refused or dropped, timeouts, SMTP 4xx).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import tempfile
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formatdate
from pathlib import Path
from typing import Protocol

import aiosmtplib

MESSAGE_ID_DOMAIN = "asb-case-engine"
_KEY_SAFE = re.compile(r"[A-Za-z0-9_-]")
_ADDRESS = re.compile(r"^[^@\s<>()\[\],;:\"\\]+@[^@\s<>()\[\],;:\"\\]+$")


class MailError(Exception):
    """A message was not accepted. `code` is the SMTP reply code when there was one."""

    def __init__(self, message: str, *, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class PermanentMailError(MailError):
    """Do not retry: the address or the message is refused for good."""


class TransientMailError(MailError):
    """Retry later: the server was unreachable, slow, or asked us to come back."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str = "application/pdf"


@dataclass(frozen=True)
class OutgoingEmail:
    """One message to one recipient (never a list: a letter must not be copied to others)."""

    key: str  # business key, unique per message, e.g. "ASB-2026-000123:letter:7"
    to: str
    subject: str
    text: str
    html: str | None = None
    attachments: tuple[Attachment, ...] = ()
    to_name: str | None = None
    reply_to: str | None = None


class Mailer(Protocol):
    async def send(self, message: OutgoingEmail) -> str:
        """Hand the message over for delivery; return its Message-ID."""
        ...


def encode_key(key: str) -> str:
    """The key as a Message-ID left part (and file name): ':' becomes '.', letters, digits,
    '-' and '_' stay, anything else becomes =XX. Distinct keys stay distinct."""
    if not key or any(not part for part in key.split(":")):
        raise ValueError(f"unusable message key {key!r}")
    return ".".join(_encode_part(part) for part in key.split(":"))


def _encode_part(part: str) -> str:
    return "".join(
        ch if _KEY_SAFE.fullmatch(ch) else "".join(f"={b:02X}" for b in ch.encode()) for ch in part
    )


def message_id_for(key: str, domain: str = MESSAGE_ID_DOMAIN) -> str:
    return f"<{encode_key(key)}@{domain}>"


def build_message(message: OutgoingEmail, sender: str) -> EmailMessage:
    """The MIME message: text, optional HTML alternative, attachments; stable Message-ID."""
    for address in (message.to, sender, message.reply_to):
        if address is not None and not _ADDRESS.fullmatch(address):
            raise PermanentMailError(f"{message.key}: invalid email address")
    email = EmailMessage()
    try:
        email["From"] = sender
        email["To"] = f"{message.to_name} <{message.to}>" if message.to_name else message.to
        email["Subject"] = message.subject
        if message.reply_to:
            email["Reply-To"] = message.reply_to
    except ValueError as error:  # e.g. a line break smuggled into a header
        raise PermanentMailError(f"{message.key}: invalid header: {error}") from error
    email["Date"] = formatdate(localtime=False, usegmt=True)
    email["Message-ID"] = message_id_for(message.key)
    email.set_content(message.text)
    if message.html is not None:
        email.add_alternative(message.html, subtype="html")
    for attachment in message.attachments:
        maintype, _, subtype = attachment.mime_type.partition("/")
        email.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return email


class SmtpMailer:
    """Delivers through an SMTP relay with aiosmtplib."""

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 10,
        use_tls: bool = False,
        deadline: float = 60,
    ) -> None:
        self.host = host
        self.port = port
        self.sender = sender
        self._username = username
        self._password = password
        self._starttls = starttls
        self._use_tls = use_tls
        # ``timeout``: connecting and each SMTP reply (a port where nothing answers, a relay
        # that accepts and never greets). ``deadline``: the whole conversation, so a relay that
        # trickles replies cannot hold a send for long either. Both fail as transient: the
        # delivery activity retries with backoff, and no officer waits for it.
        self.timeout = timeout
        self.deadline = deadline

    async def send(self, message: OutgoingEmail) -> str:
        email = build_message(message, self.sender)
        try:
            refused, _ = await asyncio.wait_for(self._send(email, message.to), self.deadline)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            raise classify(error, message.key) from error
        if refused:  # only possible with several recipients; kept for safety
            code = min(response.code for response in refused.values())
            raise _by_code(code, f"{message.key}: recipient refused ({code})")
        return str(email["Message-ID"])

    async def _send(
        self, email: EmailMessage, to: str
    ) -> tuple[dict[str, aiosmtplib.SMTPResponse], str]:
        return await aiosmtplib.send(
            email,
            sender=self.sender,
            recipients=[to],
            hostname=self.host,
            port=self.port,
            username=self._username,
            password=self._password,
            start_tls=self._starttls,
            use_tls=self._use_tls,
            timeout=self.timeout,
        )


def classify(error: BaseException, key: str = "") -> MailError:
    """Map an aiosmtplib or socket failure to a permanent or transient mail error."""
    prefix = f"{key}: " if key else ""
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        codes = [refusal.code for refusal in error.recipients]
        code = min(codes) if all(c >= 500 for c in codes) else max(c for c in codes if c < 500)
        return _by_code(code, f"{prefix}recipient refused ({code})")
    if isinstance(error, aiosmtplib.SMTPResponseException):
        return _by_code(error.code, f"{prefix}SMTP {error.code}: {error.message}")
    if isinstance(error, aiosmtplib.SMTPNotSupported):
        return PermanentMailError(f"{prefix}server does not support: {error}")
    return TransientMailError(f"{prefix}{type(error).__name__}: {error}")


def _by_code(code: int, text: str) -> MailError:
    if 500 <= code < 600:
        return PermanentMailError(text, code=code)
    return TransientMailError(text, code=code)


class FolderMailer:
    """Development default: each message becomes ``<folder>/<key>.eml``, readable in any mail
    client or text editor. Sending the same key twice keeps the first file."""

    def __init__(self, folder: Path | str, sender: str = "asb-case-engine@localhost") -> None:
        self.folder = Path(folder)
        self.sender = sender

    def path_for(self, key: str) -> Path:
        return self.folder / f"{encode_key(key)}.eml"

    async def send(self, message: OutgoingEmail) -> str:
        email = build_message(message, self.sender)
        path = self.path_for(message.key)
        await asyncio.to_thread(self._write_once, path, email.as_bytes(policy=SMTP_POLICY))
        return str(email["Message-ID"])

    def _write_once(self, path: Path, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=self.folder, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            with contextlib.suppress(FileExistsError):  # a duplicate: the first copy stands
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
