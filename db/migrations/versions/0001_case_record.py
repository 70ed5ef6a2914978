"""Case read model, report details, parties, audit trail and letters.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("reference", sa.String(40), primary_key=True),
        sa.Column("landlord", sa.String(8), nullable=False, index=True),
        sa.Column("policy_version", sa.String(40), nullable=False),
        sa.Column("stage", sa.String(40), nullable=False, index=True),
        sa.Column("tier", sa.String(20), nullable=False, index=True),
        sa.Column("categories", sa.JSON, nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("officer_id", sa.String(80), index=True),
        sa.Column("hate_incident", sa.Boolean, nullable=False),
        sa.Column("domestic_abuse", sa.Boolean, nullable=False),
        sa.Column("anonymous", sa.Boolean, nullable=False),
        sa.Column("escalated", sa.Boolean, nullable=False, index=True),
        sa.Column("received_at", TS, nullable=False, index=True),
        sa.Column("opened_at", TS, nullable=False),
        sa.Column("next_deadline_at", TS, index=True),
        sa.Column("closed_at", TS),
        sa.Column("closure_reason", sa.String(60)),
        sa.Column("linked_reference", sa.String(40)),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "report_details",
        sa.Column("reference", sa.String(40), primary_key=True),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("anonymised_at", TS),
    )
    op.create_table(
        "parties",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("reference", sa.String(40), nullable=False, index=True),
        sa.Column("role", sa.String(30), nullable=False),
        sa.Column("name", sa.String(200)),
        sa.Column("address", sa.Text),
        sa.Column("email", sa.String(320)),
        sa.Column("phone", sa.String(40)),
        sa.Column("preferred_channel", sa.String(20), nullable=False),
        sa.Column("confidential", sa.Boolean, nullable=False),
        sa.Column("anonymous", sa.Boolean, nullable=False),
    )
    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(160), nullable=False, unique=True),
        sa.Column("reference", sa.String(40), nullable=False, index=True),
        sa.Column("occurred_at", TS, nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
    )
    op.create_table(
        "letters",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(160), nullable=False, unique=True),
        sa.Column("reference", sa.String(40), nullable=False, index=True),
        sa.Column("party_id", sa.String(40)),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("sent_at", TS),
    )


def downgrade() -> None:
    for table in ("letters", "case_events", "parties", "report_details", "cases"):
        op.drop_table(table)
