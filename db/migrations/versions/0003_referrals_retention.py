"""Referral chasing (R38) and retention (DPA 2018 / UK GDPR, docs/rules.md).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("referrals") as batch:
        batch.add_column(sa.Column("chase_due_at", TS))
        batch.add_column(sa.Column("chases", sa.Integer, nullable=False, server_default="0"))
        batch.create_index("ix_referrals_chase_due_at", ["chase_due_at"])
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("anonymised_at", TS))
        batch.create_index("ix_cases_closed_at", ["closed_at"])


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_closed_at")
        batch.drop_column("anonymised_at")
    with op.batch_alter_table("referrals") as batch:
        batch.drop_index("ix_referrals_chase_due_at")
        batch.drop_column("chases")
        batch.drop_column("chase_due_at")
