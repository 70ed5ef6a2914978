"""Letter PDFs and delivery, escalations, referrals and officer tasks.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("letters") as batch:
        batch.add_column(sa.Column("message_id", sa.String(300)))
        batch.add_column(sa.Column("error", sa.Text))
    with op.batch_alter_table("cases") as batch:
        batch.alter_column("channel", existing_type=sa.String(20), type_=sa.String(40), nullable=True)
    op.create_table(
        "letter_documents",
        sa.Column("letter_key", sa.String(160), primary_key=True),
        sa.Column("pdf", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "escalations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(160), nullable=False, unique=True),
        sa.Column("reference", sa.String(40), nullable=False, index=True),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("clock", sa.String(40)),
        sa.Column("due_at", TS),
        sa.Column("breached_by_seconds", sa.Integer),
        sa.Column("level", sa.Integer),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("officer_id", sa.String(80)),
        sa.Column("raised_at", TS, nullable=False),
        sa.Column("resolved_at", TS),
    )
    op.create_table(
        "referrals",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(160), nullable=False, unique=True),
        sa.Column("reference", sa.String(40), nullable=False, index=True),
        sa.Column("agency", sa.String(60), nullable=False),
        sa.Column("party_id", sa.String(40)),
        sa.Column("consent", sa.Boolean, nullable=False),
        sa.Column("sharing_basis", sa.String(40), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("made_at", TS, nullable=False),
        sa.Column("response", sa.Text),
        sa.Column("responded_at", TS),
    )
    op.create_table(
        "officer_tasks",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(160), nullable=False, unique=True),
        sa.Column("reference", sa.String(40), nullable=False, index=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("done_at", TS),
    )


def downgrade() -> None:
    for table in ("officer_tasks", "referrals", "escalations", "letter_documents"):
        op.drop_table(table)
    with op.batch_alter_table("letters") as batch:
        batch.drop_column("error")
        batch.drop_column("message_id")
