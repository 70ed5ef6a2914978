"""Escalations wait for the supervisors' digest (issue 15): who each goes to, the digest that
claimed it and when it was sent; one row per digest email.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
DIGEST = ("sending", "sent", "unconfirmed", "failed")


def upgrade() -> None:
    with op.batch_alter_table("escalations") as batch:
        batch.add_column(sa.Column("recipient", sa.String(320), nullable=True))
        batch.add_column(sa.Column("digest_key", sa.String(200), nullable=True))
        batch.add_column(sa.Column("notified_at", TS, nullable=True))
        batch.create_index("ix_escalations_waiting", ["recipient", "digest_key"])
    op.create_table(
        "supervisor_digests",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("recipient", sa.String(320), nullable=False, index=True),
        sa.Column(
            "status",
            sa.Enum(*DIGEST, name="digest_status", native_enum=False, create_constraint=True,
                    length=20),
            nullable=False,
        ),  # fmt: skip
        sa.Column("escalations", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("sent_at", TS, nullable=True),
        sa.Column("message_id", sa.String(300), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("supervisor_digests")
    with op.batch_alter_table("escalations") as batch:
        batch.drop_index("ix_escalations_waiting")
        batch.drop_column("notified_at")
        batch.drop_column("digest_key")
        batch.drop_column("recipient")
