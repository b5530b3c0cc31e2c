"""the team lead's tasks that no case's workflow holds (a case a bulk reassignment could not hand over)

Revision ID: 0008_h5_lead_tasks
Revises: 0006_issue20b
Create Date: 2026-12-05 00:30:00

Bulk work: anything not done becomes someone's task. A new table only; nothing existing changes.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_h5_lead_tasks"
down_revision = "0006_issue20b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lead_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality", sa.String(length=3), nullable=False),
        sa.Column("team_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=120), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("caseworker_id", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("request_reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handling", sa.String(length=160), nullable=True),
        sa.Column("handling_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(length=100), nullable=False),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "reference", "kind", name="uq_lead_task_source"),
    )
    op.create_index("ix_lead_tasks_open", "lead_tasks", ["municipality", "team_id", "resolved_at"])


def downgrade() -> None:
    op.drop_index("ix_lead_tasks_open", table_name="lead_tasks")
    op.drop_table("lead_tasks")
