"""The console's search by part of a reference or a party's name (db/console_queries.py: ILIKE
'%...%') served by trigram indexes on PostgreSQL; no B-tree index serves a substring match, so
at a million cases the search read every party. SQLite scans, as before.

pg_trgm ships with PostgreSQL (contrib) and is a trusted extension since PostgreSQL 13: a
database owner may create it without superuser rights.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02
"""

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE INDEX ix_parties_name_trgm ON parties USING gin (name gin_trgm_ops)")
    op.execute("CREATE INDEX ix_cases_reference_trgm ON cases USING gin (reference gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_cases_reference_trgm")
    op.execute("DROP INDEX IF EXISTS ix_parties_name_trgm")
