"""Indexes shaped for each list filter and each report; single-column ones they replace go.

Every list reads a range of (landlord[, filter], next_deadline_at, reference) in that order, so
keyset pages cost the same at any depth. Escalations gain their case's landlord. Reports read
their period by (landlord, received_at) or (landlord, closed_at), the open caseload by a partial
index; NM01's perpetrators and the survey's answers have partial covering indexes.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ORDER = ["next_deadline_at", "reference"]
FILTERS = ["stage", "tier", "officer_id", "escalated"]
RECEIVED_COVERS = [
    "reference", "closed_at", "hate_incident", "first_contact_due_at", "first_contact_met_at"
]
PARTIAL = [
    ("ix_cases_open", ["landlord", *ORDER], "closed_at IS NULL"),
    ("ix_cases_caseload", ["landlord", "stage", "tier"], "closed_at IS NULL"),
    ("ix_cases_awaiting", ["landlord", "updated_at"], "awaiting <> ''"),
]
PLAIN = [
    ("ix_cases_list", "cases", ["landlord", *ORDER]),
    *((f"ix_cases_list_{f}", "cases", ["landlord", f, *ORDER]) for f in FILTERS),
    ("ix_cases_received", "cases", ["landlord", "received_at", *RECEIVED_COVERS]),
    ("ix_cases_closed", "cases", ["landlord", "closed_at", "received_at", "reference"]),
]
# NM01's perpetrators and the closure survey's answers, from the index alone on PostgreSQL.
COVERING = [
    ("ix_parties_perpetrators", "parties", ["reference"], "role = 'alleged_perpetrator'",
     ["name", "address"]),
    ("ix_case_events_survey", "case_events", ["occurred_at", "reference"],
     "action = 'record_survey_response'", ["data"]),
]  # fmt: skip
REPLACED = ["landlord", "stage", "tier", "officer_id", "escalated"]


def upgrade() -> None:
    # Escalations carry their case's landlord, so the escalation report reads its own index.
    with op.batch_alter_table("escalations") as batch:
        batch.add_column(sa.Column("landlord", sa.String(8)))
    op.execute(
        "UPDATE escalations SET landlord = "
        "(SELECT landlord FROM cases WHERE cases.reference = escalations.reference)"
    )
    op.create_index("ix_escalations_landlord", "escalations", ["landlord", "raised_at", "clock"])
    for name, table, columns, where, include in COVERING:
        condition = sa.text(where)
        op.create_index(
            name, table, columns, sqlite_where=condition, postgresql_where=condition,
            postgresql_include=include,
        )  # fmt: skip
    for name, table, columns in PLAIN:
        op.create_index(name, table, columns)
    for name, columns, where in PARTIAL:
        condition = sa.text(where)
        op.create_index(
            name, "cases", columns, sqlite_where=condition, postgresql_where=condition
        )
    for column in REPLACED:
        op.drop_index(f"ix_cases_{column}", table_name="cases")


def downgrade() -> None:
    for column in REPLACED:
        op.create_index(f"ix_cases_{column}", "cases", [column])
    for name, _columns, _where in PARTIAL:
        op.drop_index(name, table_name="cases")
    for name, table, _columns in PLAIN:
        op.drop_index(name, table_name=table)
    for name, table, _columns, _where, _include in COVERING:
        op.drop_index(name, table_name=table)
    op.drop_index("ix_escalations_landlord", table_name="escalations")
    with op.batch_alter_table("escalations") as batch:
        batch.drop_column("landlord")
