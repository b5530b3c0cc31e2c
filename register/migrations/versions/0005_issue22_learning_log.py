"""the learning log: what worked, what did not, challenges and ideas, tagged and optionally linked to a case

Revision ID: 0004_issue22
Revises: 0004_issue20
Create Date: 2026-12-04 21:20:00

The learning log (STAR 2025: a pilot succeeds when it gives knowledge and learning). A new table only; nothing existing
changes.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_issue22"
down_revision = "0004_issue20"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "learning_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality", sa.String(length=3), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("author_role", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("tags", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("clear_of_personal_data", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("learning_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_learning_log_municipality"), ["municipality"], unique=False)
        batch_op.create_index(batch_op.f("ix_learning_log_written_at"), ["written_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_learning_log_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("learning_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learning_log_case_id"))
        batch_op.drop_index(batch_op.f("ix_learning_log_written_at"))
        batch_op.drop_index(batch_op.f("ix_learning_log_municipality"))
    op.drop_table("learning_log")
