"""pending identities: the CPR number reaches the register without passing through the workflow

Revision ID: 0004_issue19
Revises: 0004_issue22
Create Date: 2026-12-04 21:30:00

The workflow's input (and so its history) no longer carries the CPR number. The service layer keeps
it here under the case's municipality and reference before it starts the workflow; the workflow's first
register write moves it to citizen_identities beside the new case row, in one transaction.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_issue19"
down_revision = "0004_issue22"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_identities",
        sa.Column("municipality", sa.String(length=3), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("cpr", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("municipality", "reference"),
    )


def downgrade() -> None:
    op.drop_table("pending_identities")
