"""Referrals to partner agencies (R20-R24, R38): the referral email, exactly once, and chasing.

``carry_out`` records a ``MakeReferral`` as a ``referrals`` row (status ``pending``, with consent
and the information-sharing basis, R38). :meth:`Referrals.refer` then emails the agency from the
catalogue (``core/agencies.toml``) with the ``referral`` letter, stores its PDF, and writes
a disclosure entry to the audit trail. The row's status makes a retry harmless; a transient mail
failure raises so that Temporal retries; anything permanent becomes an officer task.

R9/R38: a referral *of the complainant* carries their details, so it is emailed only with their
recorded consent; without it the referral is ``withheld`` and the officer decides (a safeguarding
referral may be justified without consent, R21, but is made by the agency's secure route). A
referral of anyone else never carries the complainant's details: they are scanned for.

:meth:`Referrals.chase_overdue_referrals` chases referrals an agency has not answered within
``ASB_REFERRAL_CHASE_DAYS``: an officer task and a reminder email that repeats no personal
data, exactly once per referral per chase (keys ``<referral key>:chase:<n>``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from activities.compose import party_details, signature
from activities.letters import (
    Consent,
    LetterContext,
    LetterError,
    LetterKind,
    Recipient,
    RecipientRole,
    RenderedLetter,
    render_letter,
    render_pdf,
)
from contracts.housekeeping import CHASE_OVERDUE_REFERRALS
from core.agencies import Agency, AgencyCatalogue
from core.mailer import Attachment, Mailer, OutgoingEmail, PermanentMailError
from core.policies import load_policy, load_profile
from db import repository as repo
from db.letters import close_unsent_task
from db.models import (
    Case,
    CaseEvent,
    Letter,
    LetterDocument,
    LetterStatus,
    OfficerTask,
    Referral,
    ReferralStatus,
    TaskKind,
)
from db.models import Party as PartyRow
from db.repository import insert_once
from db.staff import find_staff
from domain.commands import MakeReferral
from domain.vocabulary import PartyRole

log = logging.getLogger(__name__)

# R38: the information-sharing basis, as the agency reads it.
SHARING_BASES = {
    "consent": "the consent of the person referred",
    "safeguarding": "safeguarding: a child or an adult may be at risk of harm",
    "s115": "section 115 of the Crime and Disorder Act 1998",
    "legal_obligation": "a legal obligation to share this information",
}
CONSENT_SCOPE = "their contact details and the reason for this referral, for this referral only"


@dataclass(frozen=True)
class _SetAside:
    status: ReferralStatus  # withheld (the officer decides) or failed
    why: str


class Referrals:
    """Referral emails and chases for the case record's ``referrals`` rows."""

    def __init__(
        self,
        sessions: async_sessionmaker[Any],
        mailer: Mailer,
        agencies: AgencyCatalogue,
        chase_days: int = 10,
        max_chases: int = 3,
    ) -> None:
        self._sessions = sessions
        self._mailer = mailer
        self._agencies = agencies
        self._chase_after = timedelta(days=chase_days)
        self._max_chases = max_chases

    # ---- the referral email ---------------------------------------------------------------

    async def refer(self, command: MakeReferral) -> None:
        """Email the referral recorded for ``command`` unless that is done (or set aside)."""
        async with self._sessions() as session, session.begin():
            referral = await repo.lock_referral(session, command.key)
            if referral is None or referral.status is not ReferralStatus.PENDING:
                return  # sent, withheld, failed or answered: never twice
            await self._refer(session, referral)

    async def _refer(self, session: AsyncSession, referral: Referral) -> None:
        case = await session.get(Case, referral.reference)
        subject = await session.get(PartyRow, referral.party_id) if referral.party_id else None
        agency = self._agencies.find(referral.agency, case.landlord if case else None)
        refused = _refusal(referral, case, subject, agency)
        if refused is not None:
            await _set_aside(session, referral, refused)
            return
        assert case is not None and subject is not None and agency is not None  # by _refusal
        complainant = await repo.complainant(session, referral.reference)
        signer = await _signer(session, case)
        context = referral_context(referral, case, subject, complainant, agency, _today(), signer)
        letter = await _letter_row(session, f"{referral.key}:email", referral, LetterKind.REFERRAL)
        try:
            rendered = render_letter(LetterKind.REFERRAL, context)
        except LetterError as error:  # R9: the second lock found the complainant's details
            await _set_aside(
                session, referral, _SetAside(ReferralStatus.FAILED, f"not produced: {error}")
            )
            _mark_failed(letter, str(error))
            return
        if not await self._send(session, letter, agency, rendered, context.landlord_name):
            await _set_aside(
                session,
                referral,
                _SetAside(ReferralStatus.FAILED, f"email refused: {letter.error}"),
            )
            return
        referral.status = ReferralStatus.SENT
        referral.chase_due_at = datetime.now(UTC) + self._chase_after
        await close_unsent_task(session, referral.key)
        await insert_once(session, _disclosure_event(referral, agency, letter))

    # ---- chasing ----------------------------------------------------------------------------

    @activity.defn(name=CHASE_OVERDUE_REFERRALS)
    async def chase_overdue_referrals(self, now: datetime) -> list[str]:
        """Chase every referral unanswered past its chase date; returns the chase keys made."""
        async with self._sessions() as session:
            keys = await repo.overdue_referrals(session, now)
        made: list[str] = []
        for key in keys:  # one transaction each: a failure leaves the others chased
            async with self._sessions() as session, session.begin():
                chase_key = await self._chase(session, key, now)
            if chase_key:
                made.append(chase_key)
        return made

    async def _chase(self, session: AsyncSession, key: str, now: datetime) -> str | None:
        referral = await repo.lock_referral(session, key)
        if referral is None or not _is_overdue(referral, now):
            return None  # answered or chased meanwhile
        number = referral.chases + 1
        chase_key = f"{referral.key}:chase:{number}"
        case = await session.get(Case, referral.reference)
        agency = self._agencies.find(referral.agency, case.landlord if case else None)
        task = _chase_task(referral, chase_key, number, now)
        if not await insert_once(session, task):
            return None  # this chase exists already
        problem = await self._chase_email(session, referral, case, agency, chase_key)
        if problem:
            task.summary = task.summary.replace("a reminder was emailed", problem)
        referral.chases = number
        last = number >= self._max_chases
        referral.chase_due_at = None if last else now + self._chase_after
        await insert_once(session, _chase_event(referral, chase_key, number, now))
        return chase_key

    async def _chase_email(
        self,
        session: AsyncSession,
        referral: Referral,
        case: Case | None,
        agency: Agency | None,
        key: str,
    ) -> str | None:
        """Email the reminder; None when sent, else why not (for the officer's task)."""
        if case is None or agency is None:
            return f"no reminder could be emailed: {referral.agency!r} is not in the catalogue"
        policy = load_policy(case.landlord, case.policy_version)  # R58
        context = LetterContext(
            reference=case.reference,
            landlord_name=policy.name,
            letter_date=_today(),
            recipient=Recipient(name=agency.name, email=agency.email),
            recipient_role=RecipientRole.AGENCY,
            **await _signer(session, case),
            agency_name=agency.name,
            referral_made_on=referral.made_at.date(),
        )
        letter = await _letter_row(session, key, referral, LetterKind.REFERRAL_CHASE)
        try:
            rendered = render_letter(LetterKind.REFERRAL_CHASE, context)
        except LetterError as error:
            _mark_failed(letter, str(error))
            return f"the reminder email was not produced ({error})"
        if not await self._send(session, letter, agency, rendered, policy.name):
            return f"the reminder email was refused ({letter.error})"
        return None

    # ---- shared -----------------------------------------------------------------------------

    async def _send(
        self,
        session: AsyncSession,
        letter: Letter,
        agency: Agency,
        rendered: RenderedLetter,
        letterhead: str,
    ) -> bool:
        """Store the PDF and email it; False when the address is refused for good.

        A transient failure raises: the transaction (letter, PDF, status) rolls back and the
        activity is retried, so the agency gets one email (with a stable Message-ID)."""
        letter.subject = rendered.subject[:200]
        letter.body = rendered.text
        pdf = render_pdf(rendered, letterhead, created=letter.created_at)
        await insert_once(session, LetterDocument(letter_key=letter.key, pdf=pdf))
        message = OutgoingEmail(
            key=letter.key,
            to=agency.email,
            to_name=agency.name,
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            attachments=(Attachment(f"{letter.key.replace(':', '-')}.pdf", pdf),),
        )
        try:
            letter.message_id = await self._mailer.send(message)
        except PermanentMailError as bounced:
            _mark_failed(letter, str(bounced))
            return False
        letter.status = LetterStatus.SENT
        letter.sent_at = datetime.now(UTC)
        return True


def referral_context(
    referral: Referral,
    case: Case,
    subject: PartyRow,
    complainant: PartyRow | None,
    agency: Agency,
    today: date,
    signer: dict[str, str],
) -> LetterContext:
    """The referral letter's context. R9: the complainant is protected unless they are the
    person referred, with consent (checked before this is called, and again by render)."""
    policy = load_policy(case.landlord, case.policy_version)  # R58: the case's own version
    role = RecipientRole(subject.role)
    others = None if complainant is None or complainant.id == subject.id else complainant
    hidden = party_details(others)  # R9: scanned for in the rendered letter
    person = party_details(subject)
    assert person is not None and subject.name  # by _refusal: a name is a fact it needs
    consent = (
        Consent(given_by_role=role, given_on=referral.made_at.date(), scope=CONSENT_SCOPE)
        if referral.consent
        else None
    )
    return LetterContext(
        reference=case.reference,
        landlord_name=policy.name,
        letter_date=today,
        recipient=Recipient(name=agency.name, email=agency.email),
        recipient_role=RecipientRole.AGENCY,
        confidential_parties=[hidden] if hidden else [],
        **signer,
        agency_name=agency.name,
        referral_reason=referral.reason,
        referral_subject=person,
        referral_subject_role=role,
        sharing_basis=SHARING_BASES.get(referral.sharing_basis, referral.sharing_basis),
        consent=consent,
    )


def _refusal(
    referral: Referral, case: Case | None, subject: PartyRow | None, agency: Agency | None
) -> _SetAside | None:
    if case is None:
        return _SetAside(ReferralStatus.FAILED, "the case is missing from the record")
    if agency is None:
        return _SetAside(
            ReferralStatus.FAILED, f"the agency {referral.agency!r} is not in the catalogue"
        )
    if subject is None:
        return _SetAside(ReferralStatus.FAILED, "no person to refer is recorded on the case")
    if not subject.name:
        # A letter states only what the record holds: the agency is not sent a stand-in name.
        return _SetAside(
            ReferralStatus.WITHHELD,
            f"the name of the {subject.role.replace('_', ' ')} referred is not recorded; "
            "record it and make the referral again",
        )
    if subject.role == PartyRole.COMPLAINANT and not referral.consent:
        # R9, R38: the complainant's details leave the landlord only with their consent.
        return _SetAside(
            ReferralStatus.WITHHELD,
            f"a referral of the complainant to {agency.name} would share their details and "
            "no consent is recorded; if sharing without consent is justified (safeguarding, "
            "R21, R38), make it through the agency's secure route and record it",
        )
    return None


async def _set_aside(session: AsyncSession, referral: Referral, refusal: _SetAside) -> None:
    referral.status = refusal.status
    referral.chase_due_at = None
    summary = f"Referral to {referral.agency.replace('_', ' ')} not emailed: {refusal.why}."
    await insert_once(session, _task(f"{referral.key}:task", referral.reference, summary))


def _mark_failed(letter: Letter, why: str) -> None:
    letter.status = LetterStatus.FAILED
    letter.error = why


async def _letter_row(
    session: AsyncSession, key: str, referral: Referral, kind: LetterKind
) -> Letter:
    row = Letter(
        key=key,
        reference=referral.reference,
        party_id=None,  # to an agency; the person referred is on the referral row
        kind=kind,
        channel="email",
        status=LetterStatus.PENDING,
        subject="",
        body="",
        created_at=datetime.now(UTC),
    )
    if await insert_once(session, row):
        return row
    found = await repo.letter(session, key)
    assert found is not None  # it was there: the insert met its key
    return found


def _disclosure_event(referral: Referral, agency: Agency, letter: Letter) -> CaseEvent:
    """R38: an audit entry for every disclosure (no personal data in the entry itself)."""
    consent = "with" if referral.consent else "without"
    return CaseEvent(
        key=f"{referral.key}:disclosed",
        reference=referral.reference,
        occurred_at=letter.sent_at or datetime.now(UTC),
        actor="system",
        action="referral_sent",
        summary=f"Referral emailed to {agency.name} on the basis {referral.sharing_basis}, "
        f"{consent} consent (R38).",
        data={
            "agency": agency.code,
            "basis": referral.sharing_basis,
            "consent": referral.consent,
            "letter_key": letter.key,
        },
    )


def _chase_task(referral: Referral, key: str, number: int, now: datetime) -> OfficerTask:
    summary = (
        f"The {referral.agency.replace('_', ' ')} referral made on "
        f"{referral.made_at.date().isoformat()} has had no response (chase {number}); a "
        "reminder was emailed. Follow it up and record the response."
    )
    return _task(f"{key}:task", referral.reference, summary, now)


def _chase_event(referral: Referral, key: str, number: int, now: datetime) -> CaseEvent:
    return CaseEvent(
        key=key,
        reference=referral.reference,
        occurred_at=now,
        actor="system",
        action="referral_chased",
        summary=f"No response to the referral to {referral.agency.replace('_', ' ')}: "
        f"chase {number} sent (R38).",
        data={"referral": referral.key, "chase": number},
    )


def _task(key: str, reference: str, summary: str, now: datetime | None = None) -> OfficerTask:
    return OfficerTask(
        key=key,
        reference=reference,
        kind=TaskKind.REFERRAL,
        summary=summary,
        created_at=now or datetime.now(UTC),
        done_at=None,
    )


def _is_overdue(referral: Referral, now: datetime) -> bool:
    due = referral.chase_due_at
    return (
        referral.status is ReferralStatus.SENT
        and referral.responded_at is None
        and due is not None
        and due <= now
    )


async def _signer(session: AsyncSession, case: Case) -> dict[str, str]:
    """The case's officer from the staff directory, or the team: never a user name."""
    officer = await find_staff(session, case.landlord, case.officer_id) if case.officer_id else None
    return signature(load_profile(case.landlord), officer)


def _today() -> date:
    return datetime.now(UTC).date()
