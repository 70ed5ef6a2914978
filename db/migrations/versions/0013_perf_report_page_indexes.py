"""NM01's party key stored on PostgreSQL; an index for the console's My cases.

NM01 (R25) groups the period's alleged perpetrators by a normalised name and address
(db/party_keys.py). Computing that key per row with a regular expression over every whitespace
character was most of the report's time at a million cases; a stored generated column is computed
once, when the party is written or changed (anonymised too), with no change to any writer. The
perpetrators' index carries it, so NM01 still reads parties from the index alone. SQLite computes
the key in process (a registered function) and keeps its table as it is.

My cases lists an officer's open cases, counted by deadline window and paged by deadline: a
partial index of open cases by (landlord, officer, next deadline, reference) serves the counts
and the page from the index alone, on both databases.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from db.party_keys import generated_key_sql

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

PERPETRATORS = sa.text("role = 'alleged_perpetrator'")
OPEN = sa.text("closed_at IS NULL")
OFFICER_OPEN = ["landlord", "officer_id", "next_deadline_at", "reference"]


def upgrade() -> None:
    op.create_index(
        "ix_cases_open_officer", "cases", OFFICER_OPEN, sqlite_where=OPEN, postgresql_where=OPEN
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE parties ADD COLUMN party_key text "
        f"GENERATED ALWAYS AS ({generated_key_sql()}) STORED"
    )
    op.drop_index("ix_parties_perpetrators", table_name="parties")
    op.create_index(
        "ix_parties_perpetrators", "parties", ["reference"], postgresql_where=PERPETRATORS,
        postgresql_include=["name", "address", "party_key"],
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_cases_open_officer", table_name="cases")
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_parties_perpetrators", table_name="parties")
    op.create_index(
        "ix_parties_perpetrators", "parties", ["reference"], postgresql_where=PERPETRATORS,
        postgresql_include=["name", "address"],
    )  # fmt: skip
    op.drop_column("parties", "party_key")
