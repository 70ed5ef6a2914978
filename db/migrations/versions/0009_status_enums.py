"""Letter and referral statuses are enums, stored as their values with a CHECK constraint.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

LETTER = ("pending", "sending", "sent", "rendered", "queued_for_post", "posted", "suppressed",
          "unconfirmed", "missing_facts", "failed")  # fmt: skip
REFERRAL = ("pending", "sent", "withheld", "failed", "responded")


def _allowed(values: tuple[str, ...]) -> str:
    return "status IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade() -> None:
    with op.batch_alter_table("letters") as batch:
        batch.create_check_constraint("letter_status", _allowed(LETTER))
    with op.batch_alter_table("referrals") as batch:
        batch.create_check_constraint("referral_status", _allowed(REFERRAL))


def downgrade() -> None:
    with op.batch_alter_table("referrals") as batch:
        batch.drop_constraint("referral_status", type_="check")
    with op.batch_alter_table("letters") as batch:
        batch.drop_constraint("letter_status", type_="check")
