"""Development defaults: emailed letters land in ``<data dir>/mail`` as .eml files with the PDF
attached; every PDF (posted letters too) can be written out with ``python -m db.export``."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio.testing import ActivityEnvironment

from contracts.case import CommandBatch
from core.mailer import FolderMailer
from core.settings import Settings
from db.export import export_letters, main
from db.models import Letter, LetterDocument, Party
from domain.actions import Actor
from domain.commands import LetterKind, RecordEvent, SendLetter
from tests.integration.record_support import effects, seed_case
from workers.build import mailer_for


async def test_the_acknowledgement_is_an_eml_in_the_mail_folder_with_its_pdf(
    sessions: async_sessionmaker[Any], tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path)  # mail_mode defaults to "folder"
    mailer = mailer_for(settings)
    assert isinstance(mailer, FolderMailer) and mailer.folder == tmp_path / "mail"
    case = await seed_case(sessions)
    async with sessions() as session, session.begin():  # the perpetrator prefers post
        perpetrator = await session.get(Party, case.perpetrator_id)
        assert perpetrator is not None
        perpetrator.preferred_channel = "post"
    commands = [
        RecordEvent(key=f"{case.reference}:event:1", reference=case.reference,
                    action="acknowledge", summary="Acknowledged (R13).",
                    actor=Actor(user_id="officer.jones", role="officer"), at=datetime.now(UTC)),
        SendLetter(key=f"{case.reference}:letter:1", reference=case.reference,
                   kind=LetterKind.ACKNOWLEDGEMENT, to_role="complainant",
                   party_id=case.complainant_id, channel="email"),
        SendLetter(key=f"{case.reference}:letter:2", reference=case.reference,
                   kind=LetterKind.WARNING, to_role="alleged_perpetrator",
                   party_id=case.perpetrator_id, channel="post",
                   data={"behaviour": "loud music after midnight",
                         "incident_dates": ["2026-11-20"],
                         "tenancy_clauses": ["Clause 4.1: not to cause nuisance"]}),
    ]  # fmt: skip
    activity = effects(sessions, mailer).carry_out
    await ActivityEnvironment().run(
        activity, CommandBatch(reference=case.reference, commands=commands)
    )

    eml = tmp_path / "mail" / f"{case.reference}.letter.1.eml"
    assert sorted(p.name for p in (tmp_path / "mail").iterdir()) == [eml.name]  # post: no email
    message = message_from_bytes(eml.read_bytes(), policy=default_policy)
    assert message["Subject"] == f"We have received your report ({case.reference})"
    [attachment] = list(message.iter_attachments())  # type: ignore[attr-defined]
    assert attachment.get_filename() == f"{case.reference}-letter-1.pdf"

    async with sessions() as session:
        statuses = dict(
            (await session.execute(
                select(Letter.key, Letter.status).where(Letter.reference == case.reference)
            )).all()
        )  # fmt: skip
        stored = await session.get(LetterDocument, f"{case.reference}:letter:1")
    assert statuses == {f"{case.reference}:letter:1": "sent",
                        f"{case.reference}:letter:2": "queued_for_post"}  # fmt: skip
    assert stored is not None and attachment.get_content() == stored.pdf

    written = await export_letters(sessions, case.reference, tmp_path / "letters")
    assert [p.name for p in written] == [
        f"{case.reference}-letter-1.pdf",
        f"{case.reference}-letter-2.pdf",
    ]
    assert all(p.read_bytes().startswith(b"%PDF-") for p in written)


def test_the_export_command_explains_its_usage() -> None:
    assert main([]) == 2
