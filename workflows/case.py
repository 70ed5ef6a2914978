"""The case workflow: one per ASB case (``contracts.case.workflow_id``), a thin interpreter of
``domain.machine``. Officer actions arrive as updates named after the action type; the
validator asks the domain whether the action is allowed, the handler applies ``decide`` and
runs the resulting commands as one activity. One deadline loop drives every clock.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RawValue, RetryPolicy, SearchAttributeUpdate
from temporalio.exceptions import ActivityError, ApplicationError

from contracts import search_attributes as sa
from contracts.case import (
    CARRY_OUT,
    CASE_WORKFLOW,
    DELIVER,
    OPEN_UPDATE,
    PREPARE_CASE,
    REPORT_UNSENT,
    SENDING_QUERY,
    VIEW_QUERY,
    CaseStart,
    CommandBatch,
    Deliverable,
    Delivery,
    PrepareCase,
)
from contracts.view import (
    CaseView,
    UpdateReadModel,
    WireCommand,
    build_view,
    with_read_model,
)
from domain import machine
from domain.actions import ACTION_TYPES, Action
from domain.case import CaseSetup, CaseState
from domain.commands import MakeReferral, NotifySupervisor, RecordEvent, SendLetter
from domain.errors import DomainError
from domain.summaries import batch_summary, due_summary

# workflow.patched marker: cases started before it upsert every attribute on every change.
# Cases started since carry CaseStart.upserts_changes_only instead (contracts.new_case).
UPSERT_CHANGES_ONLY = "upsert-changed-search-attributes-only"
ACTION_TYPE_HINT: Any = Action  # a discriminated union; the pydantic converter validates it
# A case's own update ids, kept across continue-as-new to deduplicate retried actions.
MAX_REMEMBERED_UPDATES = 1000
ACTIVITY_TIMEOUT = timedelta(minutes=2)
# What an escalation does (domain.machine.tick): rows in the record and the supervisor told.
LOCAL_COMMANDS = (RecordEvent, UpdateReadModel, NotifySupervisor)
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=5))
# workflow.patched marker for runs started before CaseStart.delivers_in_background: past it,
# they record a decision (letters and referrals as pending rows) and answer the officer at
# once; the mail goes out from DELIVER activities in the background. Earlier histories sent it
# inside carry_out, before the update returned.
DELIVERS_IN_BACKGROUND = "deliver-letters-in-background"
# One attempt: rendering, the PDF and an SMTP conversation the mailer bounds (core/mailer.py).
DELIVERY_TIMEOUT = timedelta(minutes=2)
# Retried until the mail server takes it (no attempt limit): the row's status is the guard.
DELIVERY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=5),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=10),
)


@workflow.defn(name=CASE_WORKFLOW)
class CaseWorkflow:
    carry_out_activity = CARRY_OUT

    @workflow.init
    def __init__(self, start: CaseStart) -> None:
        self._state: CaseState | None = start.state
        self._processed: list[str] = list(start.processed_update_ids)
        self._changes_only = start.upserts_changes_only
        self._local_escalations = start.local_escalations
        self._in_background = start.delivers_in_background
        self._lock = asyncio.Lock()
        self._changed = False
        # Background deliveries of this run, oldest last; each waits for the one before, so
        # a case's letters go out in the order its decisions made them.
        self._deliveries: list[asyncio.Task[None]] = []

    @workflow.run
    async def run(self, start: CaseStart) -> None:
        if self._state is None:
            await self._open(start)
        while not self.state.finished:
            await self._wait_for_next_deadline()
            if workflow.info().is_continue_as_new_suggested():
                await workflow.wait_condition(workflow.all_handlers_finished)
                if self._delivering:
                    continue  # a new run would abandon them; deadlines keep ticking meanwhile
                workflow.continue_as_new(
                    CaseStart(
                        state=self.state,
                        processed_update_ids=self._processed,
                        upserts_changes_only=self._changes_only,
                        local_escalations=self._local_escalations,
                        delivers_in_background=self._in_background,
                    )
                )
        # A closed case's last letters still go out before the run ends.
        await workflow.wait_condition(
            lambda: workflow.all_handlers_finished() and not self._delivering
        )

    @property
    def state(self) -> CaseState:
        assert self._state is not None, "the case is not open yet"
        return self._state

    async def _open(self, start: CaseStart) -> None:
        assert start.opened is not None, "a new case needs its intake"
        setup = start.setup or await workflow.execute_local_activity(
            PREPARE_CASE,
            PrepareCase(landlord=start.opened.landlord, received_at=start.opened.received_at),
            start_to_close_timeout=timedelta(seconds=30),
            result_type=CaseSetup,
            summary=f"prepare case: policy of landlord {start.opened.landlord}",
        )
        async with self._lock:
            now = workflow.now()
            try:
                state, commands = machine.open_case(setup, start.opened, now)
            except DomainError as invalid:  # bad intake: fail this case, not the task forever
                raise ApplicationError(
                    str(invalid), type="InvalidCase", non_retryable=True
                ) from None
            await self._carry_out(state, with_read_model(state, commands, now))

    async def _wait_for_next_deadline(self) -> None:
        due = machine.next_due(self.state)
        self._changed = False
        if due is not None:
            timeout = max((due - workflow.now()).total_seconds(), 0.0)
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(
                    self._should_wake,
                    timeout=timedelta(seconds=timeout),
                    timeout_summary=due_summary(self.state),  # names the clock (R13-R52)
                )
        else:
            await workflow.wait_condition(self._should_wake)
        if due is not None and workflow.now() >= due:
            async with self._lock:
                now = workflow.now()
                state, commands = machine.tick(self.state, now)
                # A tick with nothing due changes nothing, so the read model is left alone.
                await self._carry_out(
                    state,
                    with_read_model(state, commands, now) if commands else [],
                    local=self._local_escalations,
                )

    def _should_wake(self) -> bool:
        can = workflow.info().is_continue_as_new_suggested() and not self._delivering
        return self._changed or can

    @property
    def _delivering(self) -> bool:
        return any(not task.done() for task in self._deliveries)

    async def _carry_out(
        self, state: CaseState, commands: list[WireCommand], local: bool = False
    ) -> None:
        """Run the side effects first: the new state stands only once they are recorded.

        ``local``: a deadline's outcome that only writes the record and tells the supervisor
        runs as a local activity (CaseStart.local_escalations); letters, referrals and linked
        cases always go through the activity queue."""
        if commands:
            # New runs carry the flag (no marker to write); older ones decide by the marker.
            later = self._in_background or workflow.patched(DELIVERS_IN_BACKGROUND)
            self._in_background = later
            batch = CommandBatch(reference=state.reference, commands=commands, deliver_later=later)
            # names the letters for the Temporal UI (every batch updates the read model)
            summary = batch_summary([c for c in commands if not isinstance(c, UpdateReadModel)])
            deliver: list[str] | None
            if local and all(isinstance(c, LOCAL_COMMANDS) for c in commands):
                deliver = await workflow.execute_local_activity(
                    self.carry_out_activity, batch, summary=summary, result_type=list[str],
                    start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=RETRY,
                )  # fmt: skip
            else:
                deliver = await workflow.execute_activity(
                    self.carry_out_activity, batch, summary=summary, result_type=list[str],
                    start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=RETRY,
                )  # fmt: skip
            if later and deliver:
                self._deliver_in_background(state, commands, set(deliver))
        self._state = state
        self._changed = True
        self._upsert_search_attributes()

    def _deliver_in_background(
        self, state: CaseState, commands: list[WireCommand], keys: set[str]
    ) -> None:
        """Start sending what carry_out recorded, in command order, without waiting for it."""
        wait = timedelta(hours=state.policy.unsent_letter_task_hours)
        for command in commands:
            if not isinstance(command, SendLetter | MakeReferral | NotifySupervisor):
                continue
            if command.key not in keys:
                continue  # e.g. a missed deadline the supervisors' digest reports instead
            after = self._deliveries[-1] if self._deliveries else None
            self._deliveries = [t for t in self._deliveries if not t.done()]
            delivery = Delivery(reference=state.reference, command=command)
            self._deliveries.append(asyncio.create_task(self._deliver(delivery, after, wait)))

    async def _deliver(
        self, delivery: Delivery, after: asyncio.Task[None] | None, wait: timedelta
    ) -> None:
        """Send one, retried with backoff until the mail server takes it. If it is still
        waiting after the policy's hours, the officer gets a task (once; the row decides)."""
        command: Deliverable = delivery.command
        sending = asyncio.create_task(self._send(delivery, after))
        if isinstance(command, SendLetter | MakeReferral):
            try:
                await workflow.wait_condition(
                    sending.done, timeout=wait, timeout_summary=f"unsent after {wait}"
                )
            except TimeoutError:
                hours = int(wait.total_seconds() // 3600)
                await workflow.execute_activity(
                    REPORT_UNSENT, delivery.model_copy(update={"waited_hours": hours}),
                    start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=RETRY,
                    summary=f"not sent yet: {command.key}",
                )  # fmt: skip
        await sending

    async def _send(self, delivery: Delivery, after: asyncio.Task[None] | None) -> None:
        if after is not None:
            await workflow.wait([after])  # the one before first (its outcome is its own)
        try:
            await workflow.execute_activity(
                DELIVER, delivery, summary=f"send {delivery.command.key}",
                start_to_close_timeout=DELIVERY_TIMEOUT, retry_policy=DELIVERY_RETRY,
            )  # fmt: skip
        except ActivityError as failed:  # only a non-retryable failure ends the retries
            workflow.logger.error("delivery %s failed: %s", delivery.command.key, failed)

    def _upsert_search_attributes(self) -> None:
        wanted = sa.values_for(build_view(self.state, workflow.now()))
        # Only what changed: each upsert is a visibility write on the server, which is the
        # bottleneck (docs/design.md), and most officer actions change none of these.
        current = workflow.info().typed_search_attributes
        self._changes_only = self._changes_only or workflow.patched(UPSERT_CHANGES_ONLY)
        updates: list[SearchAttributeUpdate[Any]] = [
            key.value_set(value) if value is not None else key.value_unset()
            for key, value in wanted
            if current.get(key) != value or not self._changes_only
        ]
        if updates:
            workflow.upsert_search_attributes(updates)

    # ---- messages -----------------------------------------------------------------------------

    @workflow.update(name=OPEN_UPDATE)
    async def opened(self) -> CaseView:
        """Used with update-with-start: returns once the case is open (or at once if it was)."""
        await workflow.wait_condition(lambda: self._state is not None)
        return build_view(self.state, workflow.now())

    @workflow.update(dynamic=True)
    async def act(self, name: str, args: Sequence[RawValue]) -> CaseView:
        update_id = workflow.current_update_info().id  # type: ignore[union-attr]
        if update_id in self._processed:
            return build_view(self.state, workflow.now())
        action = _decode(name, args)
        async with self._lock:
            now = workflow.now()
            try:
                state, commands = machine.decide(self.state, action, now)
            except DomainError as refused:  # the state moved on while this update waited
                raise ApplicationError(
                    str(refused), type="ActionRefused", non_retryable=True
                ) from None
            await self._carry_out(state, with_read_model(state, commands, now))
        self._remember(update_id)
        return build_view(self.state, workflow.now())

    @act.validator
    def check_action(self, name: str, args: Sequence[RawValue]) -> None:
        if self._state is None:
            raise ApplicationError("the case is still being opened", type="ActionRefused")
        if workflow.current_update_info().id in self._processed:  # type: ignore[union-attr]
            return
        try:
            machine.check(self.state, _decode(name, args), workflow.now())
        except DomainError as refused:
            raise ApplicationError(str(refused), type="ActionRefused") from None

    @workflow.query(name=VIEW_QUERY)
    def view(self) -> CaseView:
        return build_view(self.state, workflow.now())

    @workflow.query(name=SENDING_QUERY)
    def sending(self) -> int:
        return sum(1 for task in self._deliveries if not task.done())

    def _remember(self, update_id: str) -> None:
        self._processed.append(update_id)
        del self._processed[:-MAX_REMEMBERED_UPDATES]


def _decode(name: str, args: Sequence[RawValue]) -> Action:
    if name not in ACTION_TYPES:
        raise ApplicationError(
            f"unknown action {name!r}; allowed: {', '.join(ACTION_TYPES)}", type="ActionRefused"
        )
    if len(args) != 1:
        raise ApplicationError(f"action {name} takes exactly one argument", type="ActionRefused")
    try:
        converter = workflow.payload_converter()
        action: Action = converter.from_payload(args[0].payload, ACTION_TYPE_HINT)
    except Exception as invalid:
        raise ApplicationError(f"invalid {name}: {invalid}", type="ActionRefused") from None
    if action.type != name:
        raise ApplicationError(f"update {name} carried {action.type}", type="ActionRefused")
    return action
