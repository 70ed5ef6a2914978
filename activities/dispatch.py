"""Render, store and send letters exactly once; tell supervisors about escalations.

A letter row is written (status ``pending``) in the same transaction as the rest of a decision.
Here it is rendered, its PDF stored with the case, and it goes out by the party's preferred
channel: email over SMTP, or queued for post. Referrals go by email to the agency
(``activities/referrals.py``). A transient mail failure raises so the activity
retries; the row's status means a retry never sends twice. A permanent failure (an invalid
address, a letter the confidentiality check refuses) becomes a task for the officer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from activities.compose import LetterSources, compose, letterhead
from activities.letters import (
    AnonymousRecipientError,
    LetterError,
    MissingFactsError,
    RenderedLetter,
    render_letter,
    render_pdf,
)
from activities.referrals import Referrals
from core.agencies import AgencyCatalogue, load_agencies
from core.mailer import (
    Attachment,
    Mailer,
    OutgoingEmail,
    PermanentMailError,
    TransientMailError,
)
from core.policies import load_policy, load_profile
from db import repository as repo
from db.letters import close_unsent_task, unsent_task_key
from db.models import (
    Case,
    Letter,
    LetterDocument,
    LetterStatus,
    OfficerTask,
    Party,
    ReferralStatus,
    TaskKind,
)
from db.repository import insert_once
from db.staff import find_staff
from domain.commands import MakeReferral, NotifySupervisor, SendLetter
from domain.errors import DomainError

log = logging.getLogger(__name__)

# A letter the dispatcher may (still) work on; the others are done or with an officer.
_UNFINISHED = frozenset({LetterStatus.PENDING, LetterStatus.RENDERED, LetterStatus.SENDING})


class LetterDispatcher:
    def __init__(
        self,
        sessions: async_sessionmaker[Any],
        mailer: Mailer,
        survey_url: str,
        supervisor_email: str,
        agencies: AgencyCatalogue | None = None,
        referral_chase_days: int = 10,
        referral_max_chases: int = 3,
    ) -> None:
        self._sessions = sessions
        self._mailer = mailer
        self._survey_url = survey_url
        self._supervisor_email = supervisor_email
        self.referrals = Referrals(
            sessions,
            mailer,
            agencies or load_agencies(),
            chase_days=referral_chase_days,
            max_chases=referral_max_chases,
        )

    async def dispatch(self, command: SendLetter) -> None:
        """Render and store the letter, then send it: never twice, never silently lost.

        The row is marked ``sending`` (committed) before the SMTP conversation. A worker killed
        during it leaves ``sending`` behind; the retry then cannot know whether the email left,
        so it does not send again but marks the letter ``unconfirmed`` and gives the officer a
        task to check. A transient failure (the server down) is certain not to have sent, so the
        row goes back to ``rendered`` and the activity retries.
        """
        async with self._sessions() as session, session.begin():
            letter = await repo.letter(session, lock=True, key=command.key)
            if letter is None or letter.status not in _UNFINISHED:
                return  # already sent, queued for post, suppressed or failed: never twice
            if letter.status is LetterStatus.SENDING:
                await _unconfirmed(session, letter)
                return
            email = await self._render(session, command, letter)
            if email is None:
                return
            letter.status = LetterStatus.SENDING
        await self._send(command.key, email)

    async def _send(self, key: str, email: OutgoingEmail) -> None:
        try:
            message_id = await self._mailer.send(email)
        except PermanentMailError as bounced:
            why = f"email refused: {bounced}"
            await self._settle(key, lambda session, letter: _fail(session, letter, why))
            return
        except TransientMailError:
            await self._settle(key, _back_to_rendered)
            raise

        async def sent(session: AsyncSession, letter: Letter) -> None:
            letter.message_id = message_id
            letter.channel = "email"
            letter.status = LetterStatus.SENT
            letter.sent_at = datetime.now(UTC)
            await close_unsent_task(session, letter.key)

        await self._settle(key, sent)

    async def _settle(
        self, key: str, outcome: Callable[[AsyncSession, Letter], Awaitable[None]]
    ) -> None:
        async with self._sessions() as session, session.begin():
            letter = await repo.letter(session, lock=True, key=key)
            if letter is not None:
                await outcome(session, letter)

    async def _render(
        self, session: AsyncSession, command: SendLetter, letter: Letter
    ) -> OutgoingEmail | None:
        """The email to send, or None when the letter goes by post, is suppressed or failed."""
        case = await session.get(Case, command.reference)
        recipient = await session.get(Party, command.party_id)
        if case is None or recipient is None:
            await _fail(session, letter, "the case or the recipient is missing from the record")
            return None
        by_post = recipient.preferred_channel != "email" or not recipient.email
        try:
            policy = load_policy(case.landlord, case.policy_version)  # R58: the case's version
            profile = load_profile(case.landlord)
        except DomainError as unknown:
            await _fail(session, letter, f"letter not produced: {unknown}")
            return None
        sources = LetterSources(
            case=case,
            recipient=recipient,
            complainant=await repo.complainant(session, command.reference),
            policy=policy,
            profile=profile,
            officer=await find_staff(session, case.landlord, case.officer_id or ""),
            local_authority=await _local_authority(session, command.reference),
            today=_today(policy.office_hours.timezone),
            survey_url=self._survey_url,
            by_post=by_post,
        )
        try:
            rendered = render_letter(command.kind, compose(command, sources))
            pdf = await self._store(session, letter, rendered, letterhead(policy, profile))
        except AnonymousRecipientError:
            letter.status = LetterStatus.SUPPRESSED  # R8: an anonymous complainant receives nothing
            return None
        except MissingFactsError as missing:
            await _missing_facts(session, letter, missing)
            return None
        except (LetterError, ValueError) as refused:
            await _fail(session, letter, f"letter not produced: {refused}")
            return None
        if by_post or recipient.email is None:
            letter.status = LetterStatus.QUEUED_FOR_POST
            letter.channel = "post"
            letter.batch_day = sources.today  # the day's print batch (api/letters.py)
            return None
        return OutgoingEmail(
            key=letter.key,
            to=recipient.email,
            to_name=recipient.name,
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            attachments=(Attachment(f"{letter.key.replace(':', '-')}.pdf", pdf),),
        )

    async def _store(
        self, session: AsyncSession, letter: Letter, rendered: RenderedLetter, letterhead: str
    ) -> bytes:
        # ~0.1 s of CPU: off the event loop, so other activities and workflows keep moving.
        pdf = await asyncio.to_thread(render_pdf, rendered, letterhead, created=letter.created_at)
        letter.subject = rendered.subject[:200]
        letter.body = rendered.text
        letter.status = LetterStatus.RENDERED
        await insert_once(session, LetterDocument(letter_key=letter.key, pdf=pdf))
        return pdf

    async def refer(self, command: MakeReferral) -> None:
        """Email a recorded referral to its agency, exactly once (R38; activities/referrals.py)."""
        await self.referrals.refer(command)

    async def report_unsent(self, command: SendLetter | MakeReferral, hours: int) -> None:
        """A letter or referral still waiting for the mail server after ``hours`` (the case's
        policy, PolicyProfile.unsent_letter_task_hours) becomes an officer task, once."""
        async with self._sessions() as session, session.begin():
            if isinstance(command, SendLetter):
                letter = await repo.letter(session, key=command.key)
                if letter is None or letter.status not in _UNFINISHED:
                    return  # sent, posted or already with the officer for another reason
                what, kind = f"{letter.kind.replace('_', ' ')} letter", TaskKind.LETTER
            else:
                referral = await repo.lock_referral(session, command.key)
                if referral is None or referral.status is not ReferralStatus.PENDING:
                    return
                what, kind = f"referral to {referral.agency}", TaskKind.REFERRAL
            summary = (
                f"The {what} could not be sent yet: the mail server has not accepted it in "
                f"{hours} hour{'s' if hours != 1 else ''}. It will keep trying and send it "
                "once. If the letter cannot wait, contact the recipient another way and close "
                "this task saying how."
            )
            await insert_once(
                session, _task(unsent_task_key(command.key), command.reference, summary, kind)
            )

    async def notify_supervisor(self, command: NotifySupervisor) -> None:
        """An escalation email; its Message-ID comes from the key, so a resend is recognisable."""
        message = OutgoingEmail(
            key=command.key,
            to=self._supervisor_email,
            subject=f"[{command.reference}] {command.reason.replace('_', ' ')}",
            text=f"{command.summary}\n\nCase {command.reference}, officer "
            f"{command.officer_id or 'unassigned'}.",
        )
        async with self._sessions() as session, session.begin():
            if not await insert_once(session, _task(command.key + ":sent", command.reference)):
                return
            try:
                await self._mailer.send(message)
            except PermanentMailError as bounced:
                log.error("escalation email for %s refused: %s", command.reference, bounced)


def _task(
    key: str, reference: str, summary: str = "", kind: TaskKind = TaskKind.NOTIFICATION
) -> OfficerTask:
    done = datetime.now(UTC) if kind is TaskKind.NOTIFICATION else None
    return OfficerTask(
        key=key,
        reference=reference,
        kind=kind,
        summary=summary or "escalation email sent",
        created_at=datetime.now(UTC),
        done_at=done,
    )


async def _fail(session: AsyncSession, letter: Letter, why: str) -> None:
    letter.status = LetterStatus.FAILED
    letter.error = why
    summary = f"The {letter.kind.replace('_', ' ')} letter could not be sent: {why}"
    await insert_once(
        session, _task(f"{letter.key}:task", letter.reference, summary, TaskKind.LETTER)
    )


async def _missing_facts(session: AsyncSession, letter: Letter, missing: MissingFactsError) -> None:
    """The letter is not sent: the officer is told exactly which facts the record lacks."""
    letter.status = LetterStatus.MISSING_FACTS
    letter.error = str(missing)
    what = letter.kind.replace("_", " ")
    summary = (
        f"The {what} letter was not sent: the record lacks "
        + "; ".join(missing.facts)
        + ". Record them and take the action again so the letter is produced, or deal with it"
        " another way and close this task saying how."
    )
    await insert_once(
        session, _task(f"{letter.key}:task", letter.reference, summary, TaskKind.LETTER)
    )


async def _back_to_rendered(_: AsyncSession, letter: Letter) -> None:
    letter.status = LetterStatus.RENDERED


async def _unconfirmed(session: AsyncSession, letter: Letter) -> None:
    letter.status = LetterStatus.UNCONFIRMED
    summary = (
        f"The {letter.kind.replace('_', ' ')} email may not have left: the system stopped while "
        "sending it. Check with the recipient and resend from the case if it did not arrive."
    )
    await insert_once(
        session, _task(f"{letter.key}:task", letter.reference, summary, TaskKind.LETTER)
    )


async def _local_authority(session: AsyncSession, reference: str) -> str | None:
    return await repo.local_authority(session, reference)


def _today(timezone: str) -> date:
    """The letter's date: today where the landlord works (a letter dated tomorrow misleads)."""
    return datetime.now(ZoneInfo(timezone)).date()
