"""the law as written: missed model targets apart from breaches, partial recovery, first meeting's kind

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 22:30:00

A missed target of the model ("Sammen om fastholdelse") is not a breach of the law, so it has its own
table; a partial recovery is an event of a running case (its first date and the latest hours are on the case
row, every change in the audit trail); the case row says whether its week-8 meeting is statutory or the
model's target. Every new column is nullable: rows written before read as "statutory, no partial recovery".
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "missed_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "kind", name="uq_missed_target"),
    )
    with op.batch_alter_table("missed_targets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_missed_targets_case_id"), ["case_id"], unique=False)

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_meeting_kind", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("partial_recovery_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("partial_recovery_hours", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("partial_recovery_hours")
        batch_op.drop_column("partial_recovery_on")
        batch_op.drop_column("first_meeting_kind")

    with op.batch_alter_table("missed_targets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_missed_targets_case_id"))

    op.drop_table("missed_targets")
