"""Time zones of users and interviews; private calendar feeds; cancelled interviews kept for the feeds;
assignment ids never reused on SQLite.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 22:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("timezone", sa.String(length=64), nullable=True))
    # On SQLite the table is rebuilt with AUTOINCREMENT: a removed assignment's id (its calendar event's UID) is
    # never given to another one.
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table(
        "assignments",
        recreate="always" if sqlite else "auto",
        table_kwargs={"sqlite_autoincrement": True} if sqlite else {},
    ) as batch_op:
        batch_op.add_column(sa.Column("timezone", sa.String(length=64), nullable=True))
    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
        sa.UniqueConstraint("user_id"),
    )
    op.create_table(
        "cancelled_interviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("interviewer_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("stage_position", sa.Integer(), nullable=False),
        sa.Column("scheduled_at", sa.DateTime(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["candidate_id"], ["candidates.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["interviewer_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("assignment_id"),
    )
    op.create_index(op.f("ix_cancelled_interviews_candidate_id"), "cancelled_interviews", ["candidate_id"])
    op.create_index(op.f("ix_cancelled_interviews_interviewer_id"), "cancelled_interviews", ["interviewer_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_cancelled_interviews_interviewer_id"), table_name="cancelled_interviews")
    op.drop_index(op.f("ix_cancelled_interviews_candidate_id"), table_name="cancelled_interviews")
    op.drop_table("cancelled_interviews")
    op.drop_table("calendar_feeds")
    with op.batch_alter_table("assignments") as batch_op:
        batch_op.drop_column("timezone")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("timezone")
