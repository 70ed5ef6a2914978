"""Opening a case: the one way the product does it, for the API, the public intake, a linked
case (R31, through the case activity's injected opener) and tests.

The personal part of the report goes to the record first; the workflow gets ids, flags and the
setup (policy and bank holidays, computed here so they are fixed in its history), and is
started by update-with-start, so a retried request never opens a case twice.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio.client import Client, WithStartWorkflowOperation, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from contracts import search_attributes
from contracts.case import CASE_WORKFLOW, OPEN_UPDATE, VIEW_QUERY, new_case, workflow_id
from contracts.view import CaseView, build_view
from core.case_setup import case_setup
from core.policies import load_policy, load_profile
from db.models import Case, Party, ReportDetails
from db.repository import get_case, insert_new, recorded_report
from domain import machine
from domain.case import CaseSetup, CaseState, OpenCase, PartyRef
from domain.errors import DomainError, UnknownValueError
from domain.policy import PolicyProfile
from domain.triage import VulnerabilityAnswers
from domain.vocabulary import PartyRole
from services import idempotency
from services.access import Reader, Route, read_case_row
from services.context import Services
from services.errors import CaseFinished, InvalidInput

__all__ = [
    "CaseServices",
    "NewParty",
    "NewReport",
    "case_handle",
    "case_services",
    "case_view",
    "find_case",
    "open_case",
    "open_linked_case",
    "read_case",
    "start_case",
]


@dataclass(frozen=True)
class CaseServices:
    """What opening and addressing cases needs from the process."""

    client: Client
    sessions: async_sessionmaker[Any]
    task_queue: str
    wait: timedelta | None = None  # how long to wait for the worker (None: no limit)


@dataclass(frozen=True)
class NewParty:
    """A party as reported: the personal part stays in the record (``parties``)."""

    role: PartyRole
    name: str | None = None
    address: str | None = None
    email: str | None = None
    phone: str | None = None
    preferred_channel: str = "post"
    confidential: bool = False  # R9
    anonymous: bool = False  # R8


@dataclass(frozen=True)
class NewReport:
    """A report to open a case from, however it arrived (staff, the public form, a test)."""

    landlord: str
    categories: list[str]
    description: str
    channel: str
    parties: list[NewParty]
    vulnerability: VulnerabilityAnswers = field(default_factory=VulnerabilityAnswers)
    received_at: datetime | None = None
    local_authority: str | None = None  # R56: whose ASB Case Review applies


def new_reference(now: datetime) -> str:
    """A fresh, unguessable reference; ``open_case`` makes sure no case holds it yet. A retried
    request finds its reference through its Idempotency-Key (edge/idempotency.py), never by
    deriving it from the key, so one caller's key can never name another's case."""
    return f"ASB-{now.year}-{secrets.token_hex(4).upper()}"


def check_policy(report: NewReport) -> PolicyProfile:
    """R1, R15: the landlord and each category must be the policy's own."""
    try:
        policy = load_policy(report.landlord)
    except UnknownValueError as unknown:
        raise InvalidInput("landlord", str(unknown)) from None
    for code in report.categories:
        try:
            policy.category(code)
        except UnknownValueError as unknown:
            raise InvalidInput("categories", str(unknown)) from None
    if report.local_authority is not None:
        profile = load_profile(report.landlord)
        if profile.case_review_for(report.local_authority) is None:
            not_known = UnknownValueError(
                "local_authority", report.local_authority, profile.local_authorities
            )
            raise InvalidInput("local_authority", str(not_known))
    return policy


async def open_case(
    deps: CaseServices,
    report: NewReport,
    now: datetime,
    *,
    reference: str | None = None,
    fresh: bool = False,
    on_new_reference: Callable[[str], Awaitable[None]] | None = None,
    resume_own: bool = False,
) -> CaseView:
    """Record the personal part, then open the workflow by update-with-start (never twice).

    ``reference`` is the one the caller holds for this request; otherwise a new one is drawn.
    With ``fresh``, a reference another report already holds is drawn again (and passed to
    ``on_new_reference``); without it, as for a resumed request, that report is this one's.
    With ``resume_own`` (a report kept in the outbox, services/outbox.py), a reference whose
    recorded report is this one's is resumed even when ``fresh``: a drain that stopped after
    recording the report starts its case, rather than opening it again under a new reference.
    Raises :class:`InvalidInput` for a report that cannot
    open a case and :class:`CaseFinished` when the reference's case has finished.
    """
    check_policy(report)
    if reference is None:
        reference, fresh = new_reference(now), True
    opened, setup, state = _opening(report, reference, now)
    while (
        not await _save_report(deps, reference, report)
        and fresh
        and not (resume_own and await _is_own_report(deps, reference, report))
    ):
        # A new reference another case already holds (one chance in four billion per case):
        # draw again, so a new report never joins, or is dropped in favour of, another case.
        reference = new_reference(now)
        opened, setup, state = _opening(report, reference, now)
        if on_new_reference is not None:
            await on_new_reference(reference)
    start: WithStartWorkflowOperation[Any, Any] = WithStartWorkflowOperation(
        CASE_WORKFLOW, new_case(opened, setup), **_start_options(deps, opened, state, now)
    )
    try:
        view: CaseView = await deps.client.execute_update_with_start_workflow(
            OPEN_UPDATE, start_workflow_operation=start, result_type=CaseView, rpc_timeout=deps.wait
        )
    except WorkflowAlreadyStartedError:
        raise CaseFinished(reference) from None
    return view


async def open_linked_case(deps: CaseServices, opened: OpenCase, now: datetime) -> None:
    """R31: open a case linked to another (a counter-allegation) the way every case opens.

    Its parties are already in the record (the case it comes from reported them), so only the
    workflow is started. Called from the case's side-effects activity, it does not wait for the
    new case to open (that case's first decision needs an activity slot of its own); a retried
    activity joins the case its first attempt started, or finds it finished and does nothing.
    """
    setup = case_setup(opened.landlord, opened.received_at, now)
    state, _ = machine.open_case(setup, opened, now)
    with contextlib.suppress(WorkflowAlreadyStartedError):
        await deps.client.start_workflow(
            CASE_WORKFLOW, new_case(opened, setup), **_start_options(deps, opened, state, now)
        )


def _start_options(
    deps: CaseServices, opened: OpenCase, state: CaseState, now: datetime
) -> dict[str, Any]:
    """How every case's workflow is started: by its reference's id, never twice."""
    return {
        "id": workflow_id(opened.reference),
        "task_queue": deps.task_queue,
        # A retry of a request whose first attempt started the case joins it; a finished case's
        # id is never run again (Temporal would otherwise start a second run under it).
        "id_conflict_policy": WorkflowIDConflictPolicy.USE_EXISTING,
        "id_reuse_policy": WorkflowIDReusePolicy.REJECT_DUPLICATE,
        "search_attributes": search_attributes.typed(build_view(state, now)),
    }


def check_opening(report: NewReport, now: datetime) -> None:
    """Raises :class:`InvalidInput` for a report that could never open a case (the policy's
    and the domain's own rules), without touching the record or Temporal: a report is kept
    for later (services/outbox.py) only when it can open."""
    check_policy(report)
    _opening(report, new_reference(now), now)


def _opening(
    report: NewReport, reference: str, now: datetime
) -> tuple[OpenCase, CaseSetup, CaseState]:
    opened = OpenCase(
        reference=reference,
        landlord=report.landlord,
        categories=report.categories,
        vulnerability=report.vulnerability,
        channel=report.channel,
        received_at=report.received_at or now,
        parties=[_party_ref(reference, n, party) for n, party in enumerate(report.parties, 1)],
    )
    setup = case_setup(report.landlord, opened.received_at, now)
    try:  # the domain's own opening rules, so a case that cannot open is refused, not a crash
        state, _ = machine.open_case(setup, opened, now)
    except DomainError as invalid:
        raise InvalidInput("body", str(invalid)) from None
    return opened, setup, state


def _party_id(reference: str, n: int) -> str:
    return f"{reference}-P{n}"


def _party_ref(reference: str, n: int, party: NewParty) -> PartyRef:
    return PartyRef(
        id=_party_id(reference, n),
        role=party.role,
        anonymous=party.anonymous,
        confidential=party.confidential,
        preferred_channel=party.preferred_channel,
    )


async def _save_report(deps: CaseServices, reference: str, report: NewReport) -> bool:
    """The personal part of the report goes to the record, never into the workflow. False when
    the reference already has a report: a resumed request's own (the same request, by its
    key's fingerprint), which its case already knows, or another case's, for a new reference."""
    parties = [
        {
            "id": _party_id(reference, n),
            "reference": reference,
            "role": party.role,
            "name": party.name,
            "address": party.address,
            "email": party.email,
            "phone": party.phone,
            "preferred_channel": party.preferred_channel,
            "confidential": party.confidential,
            "anonymous": party.anonymous,
        }
        for n, party in enumerate(report.parties, start=1)
    ]
    details = {
        "reference": reference,
        "description": report.description,
        "local_authority": report.local_authority,
    }
    async with deps.sessions() as session, session.begin():
        if not await insert_new(session, ReportDetails, [details]):
            return False
        await insert_new(session, Party, parties)
    return True


async def _is_own_report(deps: CaseServices, reference: str, report: NewReport) -> bool:
    """The report recorded under ``reference`` is ``report`` (by its narrative and parties)."""
    async with deps.sessions() as session:
        recorded = await recorded_report(session, reference)
    if recorded is None or recorded[0] != report.description:
        return False
    return sorted(map(str, recorded[1])) == sorted(str(party.name) for party in report.parties)


async def find_case(sessions: async_sessionmaker[Any], reference: str) -> Case | None:
    """The case's read-model row, if the record has one."""
    async with sessions() as session:
        return await get_case(session, reference)


def case_handle(client: Client, reference: str) -> WorkflowHandle[Any, Any]:
    """The case's workflow, by id: the latest run, across continue-as-new."""
    return client.get_workflow_handle(workflow_id(reference))


def case_services(svc: Services) -> CaseServices:
    return CaseServices(svc.client, svc.sessions, svc.settings.task_queue, svc.wait)


async def start_case(
    svc: Services,
    report: NewReport,
    scope: str,
    key: str | None,
    request: str,
    *,
    kept: tuple[str, datetime] | None = None,
) -> CaseView:
    """Open a case from a report, at most once per caller (``scope``) and Idempotency-Key;
    ``request`` is the request's fingerprint (services/idempotency.py). The API's ``POST /cases``
    and ``POST /public/reports`` and the console's forms all open cases here.

    ``kept``: the reference and arrival of a report kept in the outbox (services/outbox.py): its
    case opens under that reference, received when the resident sent it, once however often
    this is called."""
    now = datetime.now(UTC)
    reference = new_reference(now)
    if kept is not None:
        reference = kept[0]
        if report.received_at is None:  # the request's fingerprint is still of what was sent
            report = replace(report, received_at=kept[1])
    check_policy(report)  # a report that cannot open a case claims no key

    async def open_it(attempt: idempotency.Attempt) -> CaseView:
        async def moved(reference: str) -> None:
            if attempt.key_hash is not None:
                await idempotency.set_reference(svc, attempt.key_hash, reference)

        return await open_case(
            case_services(svc), report, now,
            reference=attempt.reference, fresh=attempt.fresh, on_new_reference=moved,
            resume_own=kept is not None,
        )  # fmt: skip

    return await idempotency.once(svc, scope, key, request, reference, open_it, 201)


async def case_view(svc: Services, reference: str) -> CaseView:
    """The workflow's current view of the case (raises RPCError when it cannot answer)."""
    view: CaseView = await case_handle(svc.client, reference).query(
        VIEW_QUERY, result_type=CaseView, rpc_timeout=svc.wait
    )
    return view


async def read_case(svc: Services, reader: Reader, reference: str, route: Route) -> CaseView:
    """``GET /cases/{reference}``: the read recorded first (issue 16), then the workflow's view."""
    await read_case_row(svc.sessions, reader, reference, route)
    return await case_view(svc, reference)
