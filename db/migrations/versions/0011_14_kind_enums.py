"""Letter kinds, officer task kinds and escalation reasons and clocks are enums, stored as their values
with a CHECK constraint (like the statuses of 0009).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# The values as this revision knows them (domain.commands.LetterKind, db.models.TaskKind,
# domain.commands.NotifyReason, domain.case.Clock); a later member needs a migration of its own.
LETTER_KIND = ("acknowledgement", "officer_changed", "action_plan", "failed_contact",
               "interview_invitation", "noise_monitoring_notice", "warning", "abc",
               "case_review_rights", "closure_notice", "closure_confirmation",
               "survey_invitation", "referral", "referral_chase")  # fmt: skip
TASK_KIND = ("notification", "letter", "referral")
REASON = ("deadline_missed", "closure_review_due", "approval_awaited", "safeguarding")
CLOCK = ("acknowledgement", "first_contact", "next_contact", "risk_review", "closure_review",
         "resolution_target", "survey", "stall")  # fmt: skip

CHECKS = (  # (table, constraint, column, values)
    ("letters", "letter_kind", "kind", LETTER_KIND),
    ("officer_tasks", "task_kind", "kind", TASK_KIND),
    ("escalations", "escalation_reason", "reason", REASON),
    ("escalations", "escalation_clock", "clock", CLOCK),
)


def _allowed(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade() -> None:
    for table, name, column, values in CHECKS:
        with op.batch_alter_table(table) as batch:
            batch.create_check_constraint(name, _allowed(column, values))


def downgrade() -> None:
    for table, name, _, _ in reversed(CHECKS):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(name, type_="check")
