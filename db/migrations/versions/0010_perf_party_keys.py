"""NM01's party key stored on PostgreSQL: ``parties.party_key``, a generated column.

NM01 (R25) groups the period's alleged perpetrators by a normalised name and address
(db/party_keys.py). Computing that key per row with a regular expression over every whitespace
character was most of the report's time at a million cases; a stored generated column is computed
once, when the party is written or changed (anonymised too), with no change to any writer. The
perpetrators' index carries it, so NM01 still reads parties from the index alone. SQLite computes
the key in process (a registered function) and keeps its table as it is.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from db.party_keys import generated_key_sql

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

PERPETRATORS = sa.text("role = 'alleged_perpetrator'")


def upgrade() -> None:
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
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_parties_perpetrators", table_name="parties")
    op.create_index(
        "ix_parties_perpetrators", "parties", ["reference"], postgresql_where=PERPETRATORS,
        postgresql_include=["name", "address"],
    )  # fmt: skip
    op.drop_column("parties", "party_key")
