"""web sessions that end: sign-out and an idle timeout revoke a workbench session on the server

Revision ID: 0004_issue20
Revises: 0003
Create Date: 2026-12-04 21:10:00

A copied session cookie opened cases for its full eight hours after "Log ud". The workbench now
keeps each session's state here (a hash of its id only) and refuses a cookie whose session has ended.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_issue20"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_email", sa.String(length=254), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_sessions_user_email"), ["user_email"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_sessions_user_email"))
    op.drop_table("web_sessions")
