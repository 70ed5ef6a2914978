"""Staff directory, the print batch of postal letters, closing officer tasks, the case's local
authority (issue 12).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff",
        sa.Column("landlord", sa.String(8), primary_key=True),
        sa.Column("staff_id", sa.String(100), primary_key=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("job_title", sa.String(200), nullable=False),
        sa.Column("phone", sa.String(40), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("letters") as batch:
        batch.add_column(sa.Column("batch_day", sa.Date))
        batch.add_column(sa.Column("posted_by", sa.String(80)))
        batch.create_index("ix_letters_batch_day", ["batch_day"])
    with op.batch_alter_table("officer_tasks") as batch:
        batch.add_column(sa.Column("closed_by", sa.String(80)))
        batch.add_column(sa.Column("close_reason", sa.Text))
    with op.batch_alter_table("report_details") as batch:
        batch.add_column(sa.Column("local_authority", sa.String(200)))


def downgrade() -> None:
    with op.batch_alter_table("report_details") as batch:
        batch.drop_column("local_authority")
    with op.batch_alter_table("officer_tasks") as batch:
        batch.drop_column("close_reason")
        batch.drop_column("closed_by")
    with op.batch_alter_table("letters") as batch:
        batch.drop_index("ix_letters_batch_day")
        batch.drop_column("posted_by")
        batch.drop_column("batch_day")
    op.drop_table("staff")
