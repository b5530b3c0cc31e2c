"""the list pages' read model: each case's view as its workflow last published it

Revision ID: 0006_issue20b
Revises: 0004_issue19
Create Date: 2026-12-04 22:05:00

The lists' read model. A new table only; nothing existing changes. Cases that are open when this is deployed
appear in it at their workflow's next step or update.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_issue20b"
down_revision = "0004_issue19"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_list",
        sa.Column("workflow_id", sa.String(length=80), nullable=False),
        sa.Column("municipality", sa.String(length=3), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("caseworker_id", sa.String(length=40), nullable=False),
        sa.Column("running", sa.Boolean(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("view", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("workflow_id"),
    )
    op.create_index("ix_case_list_caseworker", "case_list", ["municipality", "caseworker_id", "running"])


def downgrade() -> None:
    op.drop_index("ix_case_list_caseworker", table_name="case_list")
    op.drop_table("case_list")
