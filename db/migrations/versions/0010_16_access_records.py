"""Access records (who read which case's personal data, when, through which route) and
restricted cases with their named users (issue 16).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "access_records",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("landlord", sa.String(8), nullable=False),
        sa.Column("reference", sa.String(40), nullable=False),
        sa.Column("user_id", sa.String(100), nullable=False),
        sa.Column("role", sa.String(60), nullable=False),
        sa.Column("route", sa.String(40), nullable=False),
        sa.Column("workflow_id", sa.String(60), nullable=True),
        sa.Column("accessed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_access_records_case", "access_records", ["landlord", "reference", "id"])
    op.create_index("ix_access_records_user", "access_records", ["landlord", "user_id", "id"])
    op.create_table(
        "case_restrictions",
        sa.Column("reference", sa.String(40), primary_key=True),
        sa.Column("landlord", sa.String(8), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("restricted_by", sa.String(100), nullable=False),
        sa.Column("restricted_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "case_restriction_users",
        sa.Column("reference", sa.String(40), primary_key=True),
        sa.Column("user_id", sa.String(100), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("case_restriction_users")
    op.drop_table("case_restrictions")
    op.drop_index("ix_access_records_user", "access_records")
    op.drop_index("ix_access_records_case", "access_records")
    op.drop_table("access_records")
