"""A case's stage is an enum (domain.case.Stage), stored as its value with a CHECK constraint,
like the statuses and kinds of 0009 and 0011.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# The stages as this revision knows them; a later member needs a migration of its own.
STAGE = ("received", "risk_assessment", "action_plan", "investigation", "non_legal_remedies",
         "peia", "legal_action", "closure_review", "closed", "survey", "finished")  # fmt: skip


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.create_check_constraint(
            "case_stage", "stage IN (" + ", ".join(f"'{s}'" for s in STAGE) + ")"
        )


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_constraint("case_stage", type_="check")
