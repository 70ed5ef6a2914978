"""Read model columns for oversight: approvals awaited and the first-contact SLA.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("awaiting", sa.String(120), nullable=False, server_default=""))
        batch.add_column(sa.Column("first_contact_due_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("first_contact_met_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("first_contact_met_at")
        batch.drop_column("first_contact_due_at")
        batch.drop_column("awaiting")
