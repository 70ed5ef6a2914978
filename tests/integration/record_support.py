"""Seeding the case record directly, and a real SMTP server that also counts refused attempts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker

from activities.dispatch import LetterDispatcher
from activities.effects import CaseEffects
from core.mailer import Mailer
from core.policies import load_policy
from db.models import Case, Party, ReportDetails
from tests.integration.test_mailer_smtp import BUSY, REFUSED

__all__ = ["BUSY", "REFUSED", "CountingHandler", "Seeded", "body_text", "effects", "seed_case"]

COMPLAINANT: dict[str, Any] = {
    "name": "Siobhan O'Brien",
    "address": "Flat 2, 14 Acacia Avenue\nLeeds\nLS6 2AB",
    "email": "siobhan.obrien@example.org",
    "phone": "07700 900123",
}
PERPETRATOR: dict[str, Any] = {
    "name": "Mr Dale Hughes",
    "address": "16 Acacia Avenue, Leeds, LS6 2AB",
    "email": "dale@example.net",
}
NARRATIVE = "Siobhan says the music from number 16 keeps her awake every night."


@dataclass
class CountingHandler:
    """An SMTP relay (aiosmtpd handler) that records deliveries and every recipient tried."""

    received: list[tuple[list[str], bytes]] = field(default_factory=list)
    attempts: list[str] = field(default_factory=list)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        self.attempts.append(address)
        if address == REFUSED:
            return "550 5.1.1 Mailbox unavailable"
        if address == BUSY:
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((list(envelope.rcpt_tos), bytes(envelope.original_content)))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [_parse(raw) for rcpts, raw in self.received if address in rcpts]

    def about(self, reference: str) -> list[EmailMessage]:
        """Messages whose Message-ID belongs to this case (keys start with the reference)."""
        found = [_parse(raw) for _, raw in self.received]
        return [m for m in found if str(m["Message-ID"]).startswith(f"<{reference}.")]


def _parse(raw: bytes) -> EmailMessage:
    parsed = message_from_bytes(raw, policy=default_policy)
    assert isinstance(parsed, EmailMessage)
    return parsed


def body_text(message: EmailMessage) -> str:
    """Subject, plain text and HTML of a message, for searching."""
    parts = [str(message["Subject"])]
    for kind in ("plain", "html"):
        part = message.get_body(preferencelist=(kind,))
        if part is not None:
            parts.append(part.get_content())
    return "\n".join(parts)


def effects(
    sessions: async_sessionmaker[Any], mailer: Mailer, **dispatcher_options: Any
) -> CaseEffects:
    """The worker's CaseEffects over these sessions and this mailer (no Temporal client)."""
    dispatcher = LetterDispatcher(
        sessions,
        mailer,
        "https://landlord.example/survey",
        "supervisors@landlord.example",
        **dispatcher_options,
    )
    return CaseEffects(sessions, dispatcher, client=None)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Seeded:
    reference: str
    complainant_id: str
    perpetrator_id: str


async def seed_case(
    sessions: async_sessionmaker[Any],
    *,
    complainant: dict[str, Any] | None = None,
    perpetrator: dict[str, Any] | None = None,
    confidential: bool = False,
    anonymous: bool = False,
    closed_at: datetime | None = None,
    landlord: str = "X",
) -> Seeded:
    """A case as intake and the workflow leave it: read model, narrative and two parties."""
    reference = f"ASB-2026-{uuid.uuid4().hex[:8].upper()}"
    now = datetime.now(UTC)
    seeded = Seeded(reference, f"{reference}-P1", f"{reference}-P2")
    async with sessions() as session, session.begin():
        session.add(
            Case(
                reference=reference, landlord=landlord,
                policy_version=load_policy(landlord).policy_version,
                stage="investigation", tier="standard", categories=["noise"], channel="phone",
                officer_id="officer.jones",
                hate_incident=False, domestic_abuse=False, anonymous=anonymous, escalated=False,
                received_at=now, opened_at=now, closed_at=closed_at, updated_at=now,
            )
        )  # fmt: skip
        session.add(ReportDetails(reference=reference, description=NARRATIVE))
        session.add(
            Party(
                id=seeded.complainant_id, reference=reference, role="complainant",
                preferred_channel="email", confidential=confidential, anonymous=anonymous,
                **(COMPLAINANT if complainant is None else complainant),
            )
        )  # fmt: skip
        session.add(
            Party(
                id=seeded.perpetrator_id, reference=reference, role="alleged_perpetrator",
                preferred_channel="email", **(PERPETRATOR if perpetrator is None else perpetrator),
            )
        )  # fmt: skip
    return seeded
