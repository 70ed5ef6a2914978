"""Idempotency keys (hashed, caller-scoped, with the request's fingerprint) and the shared
intake rate-limit windows.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("key_hash", sa.String(64), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("reference", sa.String(40)),
        sa.Column("status_code", sa.Integer),
        sa.Column("response", sa.JSON),
        sa.Column("locked_until", TS, nullable=False),
        sa.Column("created_at", TS, nullable=False, index=True),
    )
    op.create_table(
        "intake_windows",
        sa.Column("client_hash", sa.String(64), primary_key=True),
        sa.Column("window", sa.BigInteger, primary_key=True),
        sa.Column("hits", sa.Integer, nullable=False),
    )
    op.create_index("ix_intake_windows_window", "intake_windows", ["window"])


def downgrade() -> None:
    op.drop_index("ix_intake_windows_window", "intake_windows")
    op.drop_table("intake_windows")
    op.drop_table("idempotency_keys")
