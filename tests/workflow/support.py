"""Driving whole cases through the real CaseWorkflow on a Temporal server.

Shared by the workflow tests and ``scripts/record_histories.py``. A case is opened by the
service the API calls (``services.cases.open_case``): the parties go to the record first, then
update-with-start; officers act through updates named after the action type. Nothing here
knows a business rule: the tests say what a user should see.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import EventType, IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionRequest
from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
)
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from contracts.case import SENDING_QUERY, workflow_id
from contracts.search_attributes import ALL as SEARCH_ATTRIBUTES
from contracts.view import CaseView, DeadlineView
from core.mailer import Mailer
from core.settings import Settings
from db.models import Case as CaseRow
from db.models import (
    CaseEvent,
    Escalation,
    Letter,
    OfficerTask,
    Referral,
)
from domain.actions import (
    Acknowledge,
    Action,
    Actor,
    AgreeActionPlan,
    ApplyRemedy,
    RecordContact,
    RecordRiskAssessment,
    RemedyKind,
    WarningTerms,
)
from domain.policy import ClosureReason
from domain.vocabulary import PartyRole
from services.cases import CaseServices, NewParty, NewReport, open_case
from workers.build import build_worker

TEST_BUILD_ID = "asb-workflow-tests"
SETTLE_WAIT = timedelta(seconds=60)  # generous: a loaded 2-core machine
LANDLORDS = ("C", "Y", "X", "B", "P")
WORKFLOW_TASK_EVENTS = frozenset(
    {
        EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
    }
)
OFFICER = Actor(user_id="officer.jones", role="officer")
SUPERVISOR = Actor(user_id="supervisor.khan", role="supervisor")

# R48: a closure reason each seed policy recognises for a case where the ASB has stopped.
CLOSE_REASON = {
    "C": ClosureReason.ASB_STOPPED,
    "Y": ClosureReason.ASB_STOPPED,
    "X": ClosureReason.COMPLAINANT_REPORTS_CEASED,
    "B": ClosureReason.ASB_STOPPED,
    "P": ClosureReason.ASB_STOPPED,
}
CONSULT_BEFORE_CLOSE = {"C": True, "Y": True, "X": False, "B": True, "P": True}  # R46
SURVEY = {"C": True, "Y": True, "X": False, "B": True, "P": True}  # R51
# R46 (Y: written confirmation of completed actions), R50 (told it is closed).
CLOSURE_LETTER = {
    "C": "closure_notice",
    "Y": "closure_confirmation",
    "X": None,
    "B": None,
    "P": "closure_notice",
}


@dataclass(frozen=True)
class Refusal:
    """An action the workflow refused: the reason the caller was given."""

    reason: str


@dataclass
class OpenedCase:
    reference: str
    landlord: str
    handle: WorkflowHandle[Any, Any]
    view: CaseView  # as it was when it opened
    report: NewReport

    @property
    def complainant_id(self) -> str:
        return f"{self.reference}-P1"

    @property
    def perpetrator_id(self) -> str:
        return f"{self.reference}-P2"

    @property
    def counter_allegation_id(self) -> str:
        """R31: the workflow id of the first case opened from a counter-allegation."""
        return workflow_id(f"{self.reference}-C1")


class CaseDriver:
    """Opens cases, acts on them, skips time and reads what they left in the record."""

    def __init__(
        self,
        env: WorkflowEnvironment,
        task_queue: str,
        sessions: async_sessionmaker[Any],
        mail_dir: Path,
        prefix: str = "ASB-WF",
    ) -> None:
        self.env = env
        self.client = env.client
        self.task_queue = task_queue
        self.sessions = sessions
        self.mail_dir = mail_dir
        self.prefix = prefix
        self.opened: list[OpenedCase] = []

    # ---- cases -----------------------------------------------------------------------------

    def new_reference(self, landlord: str) -> str:
        return f"{self.prefix}-{landlord}-{uuid.uuid4().hex[:8].upper()}"

    async def open(
        self,
        landlord: str,
        categories: tuple[str, ...] = ("noise",),
        *,
        reference: str | None = None,
        anonymous: bool = False,
        received_at: datetime | None = None,
    ) -> OpenedCase:
        """Open a case through the service the API uses (services.cases.open_case)."""
        reference = reference or self.new_reference(landlord)
        report = NewReport(
            landlord=landlord,
            categories=list(categories),
            description="Loud music at night.",
            channel="phone",
            received_at=received_at,
            parties=[
                NewParty(
                    role=PartyRole.COMPLAINANT,
                    name=None if anonymous else "Siobhan O'Brien",
                    address=None if anonymous else "Flat 2, 14 Acacia Avenue, Leeds LS6 2AB",
                    email=None if anonymous else f"{reference.lower()}@example.org",
                    preferred_channel="post" if anonymous else "email",
                    anonymous=anonymous,
                ),
                NewParty(
                    role=PartyRole.ALLEGED_PERPETRATOR,
                    name="Dale Hughes",
                    address="16 Acacia Avenue, Leeds LS6 2AB",
                    preferred_channel="post",
                ),
            ],
        )
        view = await self.submit(reference, report)
        await self.settle(self.client.get_workflow_handle(workflow_id(reference)))
        # Like the API, address the case by workflow id: the latest run, across continue-as-new.
        handle = self.client.get_workflow_handle(workflow_id(reference))
        case = OpenedCase(reference, landlord, handle, view, report)
        self.opened.append(case)
        return case

    async def submit(self, reference: str, report: NewReport) -> CaseView:
        """Open (or, sent again, find) the case: update-with-start, ``USE_EXISTING``."""
        deps = CaseServices(self.client, self.sessions, self.task_queue)
        now = await self.env.get_current_time()
        try:
            return await open_case(deps, report, now, reference=reference)
        except WorkflowUpdateFailedError as failed:
            why = await self.failure(workflow_id(reference))
            raise AssertionError(f"case {reference} did not open: {why}") from failed

    async def failure(self, workflow: str) -> str:
        """Why a workflow failed or its tasks fail, decoded (for a test's failure message)."""
        history = await self.client.get_workflow_handle(workflow).fetch_history()
        reasons = []
        for event in history.events:
            if event.HasField("workflow_task_failed_event_attributes"):
                raw = event.workflow_task_failed_event_attributes.failure
            elif event.HasField("workflow_execution_failed_event_attributes"):
                raw = event.workflow_execution_failed_event_attributes.failure
            else:
                continue
            error = await self.client.data_converter.decode_failure(raw)
            reasons.append(f"{EventType.Name(event.event_type)}: {error!r}")
        return "; ".join(reasons) or "no failure in its history"

    async def act(self, case: OpenedCase, action: Action) -> CaseView:
        return await self.act_on(case.handle, action)

    async def act_on(self, handle: WorkflowHandle[Any, Any], action: Action) -> CaseView:
        """An officer action: an update named after the action type, carrying the action."""
        view: CaseView = await handle.execute_update(action.type, action, result_type=CaseView)
        await self.settle(handle)
        return view

    async def settle(self, handle: WorkflowHandle[Any, Any]) -> None:
        await settle(handle)

    async def settle_all(self) -> None:
        for case in self.opened:
            if await self.status(case.handle.id) == WorkflowExecutionStatus.RUNNING:
                await self.settle(case.handle)

    async def refuse(self, case: OpenedCase, action: Action) -> Refusal:
        """Assert the action is refused with a reason (``WorkflowUpdateFailedError`` whose cause
        is an ``ActionRefused`` application error), leaving the case and its history unchanged."""
        before = await self.view(case)
        events_before = await self.event_count(case.handle)
        try:
            await case.handle.execute_update(action.type, action, result_type=CaseView)
        except WorkflowUpdateFailedError as failed:
            cause = failed.cause
        else:
            raise AssertionError(f"{action.type} was accepted; a refusal was expected")
        assert isinstance(cause, ApplicationError), f"unexpected failure {cause!r}"
        assert cause.type == "ActionRefused", f"{action.type} failed, not refused: {cause!r}"
        assert await self.view(case) == before, f"refused {action.type} changed the case"
        # A real server keeps no trace of a rejected update; the time-skipping server records
        # the workflow task that ran the validator, and nothing else.
        added = (await self.event_types(case.handle))[events_before:]
        assert set(added) <= WORKFLOW_TASK_EVENTS, f"a refusal left history: {added}"
        return Refusal(cause.message)

    async def view(self, case: OpenedCase | WorkflowHandle[Any, Any]) -> CaseView:
        handle = case.handle if isinstance(case, OpenedCase) else case
        view: CaseView = await handle.query("view", result_type=CaseView)
        return view

    async def status(self, workflow: str) -> WorkflowExecutionStatus | None:
        """The workflow's status, or None when no such workflow exists."""
        # The raw call: the SDK's describe() cannot decode a Datetime search attribute the
        # time-skipping server keeps as null after an unset (it drops it on a real server).
        request = DescribeWorkflowExecutionRequest(
            namespace=self.client.namespace, execution=WorkflowExecution(workflow_id=workflow)
        )
        try:
            described = await self.client.workflow_service.describe_workflow_execution(request)
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                return None
            raise
        return WorkflowExecutionStatus(described.workflow_execution_info.status)

    async def event_count(self, handle: WorkflowHandle[Any, Any]) -> int:
        return len((await handle.fetch_history()).events)

    async def event_types(self, handle: WorkflowHandle[Any, Any]) -> list[EventType.ValueType]:
        return [event.event_type for event in (await handle.fetch_history()).events]

    # ---- time ------------------------------------------------------------------------------

    async def now(self) -> datetime:
        return await self.env.get_current_time()

    async def skip(self, **duration: float) -> None:
        """Let simulated time pass (the time-skipping server fires every timer on the way)."""
        await self.settle_all()
        await self.env.sleep(timedelta(**duration))
        await self.settle_all()

    async def skip_past(self, instant: datetime, margin: timedelta = timedelta(minutes=5)) -> None:
        """Skip to just after ``instant``."""
        gap = instant + margin - await self.now()
        if gap > timedelta(0):
            await self.settle_all()
            await self.env.sleep(gap)
            await self.settle_all()

    # ---- the record ------------------------------------------------------------------------

    async def events(self, reference: str) -> list[CaseEvent]:
        """The case's audit trail (``case_events``), oldest first."""
        async with self.sessions() as session:
            rows = await session.scalars(
                select(CaseEvent).where(CaseEvent.reference == reference).order_by(CaseEvent.id)
            )
            return list(rows)

    async def letters(self, reference: str) -> list[Letter]:
        async with self.sessions() as session:
            rows = await session.scalars(
                select(Letter).where(Letter.reference == reference).order_by(Letter.id)
            )
            return list(rows)

    async def letter_kinds(self, reference: str) -> list[str]:
        return [letter.kind for letter in await self.letters(reference)]

    async def escalations(self, reference: str) -> list[Escalation]:
        async with self.sessions() as session:
            rows = await session.scalars(
                select(Escalation).where(Escalation.reference == reference).order_by(Escalation.id)
            )
            return list(rows)

    async def referrals(self, reference: str) -> list[Referral]:
        async with self.sessions() as session:
            rows = await session.scalars(
                select(Referral).where(Referral.reference == reference).order_by(Referral.id)
            )
            return list(rows)

    async def officer_tasks(self, reference: str) -> list[OfficerTask]:
        async with self.sessions() as session:
            rows = await session.scalars(
                select(OfficerTask)
                .where(OfficerTask.reference == reference)
                .order_by(OfficerTask.id)
            )
            return list(rows)

    async def read_model(self, reference: str) -> CaseRow | None:
        async with self.sessions() as session:
            return await session.get(CaseRow, reference)

    def mails(self, reference: str) -> list[Path]:
        """Emails the worker wrote for this case (letters and supervisor escalations)."""
        return sorted(self.mail_dir.glob(f"{reference}.*.eml"))

    # ---- housekeeping ----------------------------------------------------------------------

    async def terminate_open_cases(self) -> None:
        """Stop what a test left running so its timers do not fire in later tests."""
        if self.env.supports_time_skipping:
            # Simulated time stands still while an activity runs, so a second of it passes only
            # once in-flight activities are done. Terminating a workflow under a running
            # activity leaves the test server's time locked for good (measured).
            await self.env.sleep(timedelta(seconds=1))
        ids = [case.handle.id for case in self.opened]
        ids += [case.counter_allegation_id for case in self.opened]
        for workflow in ids:
            if await self.status(workflow) is WorkflowExecutionStatus.RUNNING:
                await self.client.get_workflow_handle(workflow).terminate("test finished")


async def settle(handle: WorkflowHandle[Any, Any]) -> None:
    """Wait until the case has sent what its decisions recorded: letters, referrals and
    supervisors' emails go out in the background once the action has answered (polled with a
    deadline; the worker sends them in real time, while simulated time stands still)."""
    deadline = asyncio.get_running_loop().time() + SETTLE_WAIT.total_seconds()
    while True:
        try:
            sending: int = await handle.query(SENDING_QUERY, result_type=int)
        except (RPCError, WorkflowQueryFailedError):
            return  # a run that ended (e.g. terminated) sends nothing more
        if not sending:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{handle.id} still sending {sending} after {SETTLE_WAIT}")
        await asyncio.sleep(0.05)


def case_worker(
    client: Client,
    settings: Settings,
    sessions: async_sessionmaker[Any],
    mailer: Mailer,
    **worker_options: Any,
) -> Worker:
    """The production worker (``build_worker``) with a fixed build id: without one the SDK
    hashes the source of every loaded module, which takes seconds when no bytecode is cached
    (PYTHONDONTWRITEBYTECODE, as here and in the Dockerfile)."""
    return build_worker(
        client, settings, sessions, mailer=mailer, build_id=TEST_BUILD_ID, **worker_options
    )


def binary(name: str) -> str:
    """A Temporal binary installed in the virtualenv (never downloaded at run time)."""
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} is not installed; run `make test`, which installs it")
    return found


# ---- common steps -------------------------------------------------------------------------------


def deadline(view: CaseView, clock: str) -> DeadlineView:
    found = [d for d in view.deadlines if d.clock == clock]
    assert found, f"no {clock} clock in {[d.clock.value for d in view.deadlines]}"
    return found[0]


async def through_action_plan(d: CaseDriver, case: OpenedCase, interval_days: int = 14) -> CaseView:
    """R13, R14, R18, R36: acknowledge, first contact, risk assessment, agreed action plan."""
    await d.skip(hours=1)
    await d.act(case, Acknowledge(actor=OFFICER))
    if not case.view.anonymous:
        await d.act(case, RecordContact(actor=OFFICER, outcome="made", channel="phone"))
    await d.act(case, RecordRiskAssessment(actor=OFFICER, tier=case.view.tier))
    return await d.act(
        case,
        AgreeActionPlan(
            actor=OFFICER,
            agreed_contact_interval_days=interval_days,
            summary_ref="plan-1",
            actions=PLAN_ACTIONS,
        ),
    )


# R28: the actions an officer agrees with the complainant, as the action-plan letter lists them.
PLAN_ACTIONS = [
    "We will write to the household at the address you gave about the noise.",
    "You will keep diary sheets for the next two weeks.",
]
# R46, R50: what the closure letter confirms was done.
ACTIONS_TAKEN = ["We interviewed the household responsible and gave a written warning."]


def report_day(case: OpenedCase) -> date:
    """The UK date of the report: the case's first logged incident (R56)."""
    return case.view.received_at.astimezone(ZoneInfo("Europe/London")).date()


def written_warning(case: OpenedCase) -> ApplyRemedy:
    """R40: a written warning as an officer gives one: behaviour, incidents, clauses breached."""
    return ApplyRemedy(
        actor=OFFICER,
        kind=RemedyKind.WRITTEN_WARNING,
        warning=WarningTerms(
            behaviour="loud music played after midnight",
            incident_dates=[report_day(case)],
            tenancy_clauses=["Clause 4.1: not to cause a nuisance or annoyance to neighbours"],
        ),
    )


async def weekly_contact(d: CaseDriver, case: OpenedCase, weeks: int) -> CaseView:
    """R37: the officer keeps in touch every week as agreed."""
    view = await d.view(case)
    for _ in range(weeks):
        await d.skip(days=7)
        view = await d.act(case, RecordContact(actor=OFFICER, outcome="made", channel="email"))
    return view


async def register_search_attributes(env: WorkflowEnvironment) -> None:
    """The time-skipping server starts without our search attributes, and a workflow that
    upserts an unknown attribute fails its task forever: register them (idempotent)."""
    request = AddSearchAttributesRequest(
        namespace=env.client.namespace,
        search_attributes={
            key.name: IndexedValueType.ValueType(key.indexed_value_type)
            for key in SEARCH_ATTRIBUTES
        },
    )
    try:
        await env.client.operator_service.add_search_attributes(request)
    except RPCError as error:
        if error.status != RPCStatusCode.ALREADY_EXISTS:
            raise
