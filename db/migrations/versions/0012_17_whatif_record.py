"""Intakes and action inputs kept for the policy what-if (issue 17).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "case_intakes",
        sa.Column("reference", sa.String(40), primary_key=True),
        sa.Column("landlord", sa.String(8), nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("opened_at", TS, nullable=False),
        sa.Column("policy_version", sa.String(40), nullable=False),
        sa.Column("rules_revision", sa.Integer, nullable=False),
        sa.Column("holidays_from", sa.Date),
        sa.Column("holidays_to", sa.Date),
        sa.Column("intake", sa.JSON, nullable=False),
    )
    op.create_index("ix_case_intakes_period", "case_intakes", ["landlord", "received_at"])
    op.create_table(
        "case_actions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(160), nullable=False, unique=True),
        sa.Column("reference", sa.String(40), nullable=False),
        sa.Column("occurred_at", TS, nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
    )
    op.create_index("ix_case_actions_reference", "case_actions", ["reference"])


def downgrade() -> None:
    op.drop_index("ix_case_actions_reference", table_name="case_actions")
    op.drop_table("case_actions")
    op.drop_index("ix_case_intakes_period", table_name="case_intakes")
    op.drop_table("case_intakes")
