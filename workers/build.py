"""``build_worker``: the one way to assemble the case worker, for production and tests alike."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.digest import SupervisorDigests
from activities.dispatch import LetterDispatcher
from activities.effects import CaseEffects
from activities.idempotency import IdempotencyKeys
from activities.retention import Retention
from core.agencies import load_agencies
from core.mailer import FolderMailer, Mailer, SmtpMailer
from core.settings import Settings
from domain.case import OpenCase
from services.cases import CaseServices, open_linked_case
from workflows.case import CaseWorkflow
from workflows.digest import EscalationDigestWorkflow
from workflows.housekeeping import HousekeepingWorkflow

WORKFLOWS = [CaseWorkflow, HousekeepingWorkflow, EscalationDigestWorkflow]
# The sandbox runs each workflow's module afresh and guards against non-determinism. It passes
# through only the pure domain and the contracts (besides the standard library and temporalio);
# this is the one place that says so (the workflows' modules import them plainly, and
# scripts/sandbox_imports.py keeps both packages to what may run in the sandbox):
# re-importing their pydantic models per new case was a quarter of the worker's CPU (profiled
# with py-spy under the benchmark), and anything else a workflow imported (a database driver,
# an HTTP client) is re-imported under the sandbox's restrictions, which refuse its I/O.
BUILD_ID = "asb-case-engine-1"
SANDBOX_PASSTHROUGH = ("domain", "contracts")
RUNNER = SandboxedWorkflowRunner(
    restrictions=SandboxRestrictions.default.with_passthrough_modules(*SANDBOX_PASSTHROUGH)
)


def mailer_for(settings: Settings) -> Mailer:
    if settings.mail_mode == "smtp":
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        return SmtpMailer(
            settings.smtp_host,
            settings.smtp_port,
            settings.mail_from,
            username=settings.smtp_username,
            password=password,
            starttls=settings.smtp_starttls,
        )
    return FolderMailer(settings.mail_dir, sender=settings.mail_from)


def build_worker(
    client: Client,
    settings: Settings,
    sessions: async_sessionmaker[Any],
    mailer: Mailer | None = None,
    **worker_options: Any,
) -> Worker:
    mailer = mailer or mailer_for(settings)
    dispatcher = LetterDispatcher(
        sessions,
        mailer,
        settings.survey_url,
        settings.supervisor_email,
        agencies=load_agencies(settings.agencies_file),
        referral_chase_days=settings.referral_chase_days,
        referral_max_chases=settings.referral_max_chases,
    )
    digest_to = settings.supervisor_email if settings.escalation_digest_minutes else None
    cases = CaseServices(client, sessions, settings.task_queue)

    async def open_linked(opened: OpenCase) -> None:  # R31: as every case opens
        await open_linked_case(cases, opened, datetime.now(UTC))

    effects = CaseEffects(sessions, dispatcher, open_linked, digest_to)
    digests = SupervisorDigests(sessions, mailer)
    retention = Retention(sessions, settings.retention_days)
    keys = IdempotencyKeys(sessions, settings.idempotency_key_days)
    return Worker(
        client,
        task_queue=settings.task_queue,
        workflows=WORKFLOWS,
        workflow_runner=RUNNER,
        activities=[
            effects.prepare_case,
            effects.carry_out,
            effects.deliver,  # letters, referrals, supervisors' emails: in the background
            effects.report_unsent,
            # Housekeeping (workflows/housekeeping.py, scheduled daily): chase unanswered
            # referrals (R38), anonymise cases past retention, forget old Idempotency-Keys.
            dispatcher.referrals.chase_overdue_referrals,
            retention.anonymise_closed_cases,
            keys.forget_idempotency_keys,
            digests.send_escalation_digests,  # the supervisors' digest (workflows/digest.py)
        ],
        # An explicit build id: otherwise the SDK hashes every loaded module's code at start-up
        # (5-12 s here). Worker versioning is not used; bump it with the workflow code.
        **{
            "build_id": BUILD_ID,
            # A storm of deadlines wakes every case at once: a case still cached does not
            # replay its history first (docs/performance.md, Deadline storms).
            "max_cached_workflows": settings.worker_cached_workflows,
            **worker_options,
        },
    )
