"""Everyday use: scorecard drafts; candidates' profile fields and CV.

Revision ID: 0013
Revises: 0010
Create Date: 2026-11-29 22:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scorecard_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("stage_position", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["candidate_id"], ["candidates.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("candidate_id", "stage_position", "author_id"),
    )
    op.create_index(op.f("ix_scorecard_drafts_candidate_id"), "scorecard_drafts", ["candidate_id"])
    op.create_index(op.f("ix_scorecard_drafts_author_id"), "scorecard_drafts", ["author_id"])
    with op.batch_alter_table("candidates") as batch_op:
        batch_op.add_column(sa.Column("linkedin_url", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("github_url", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("source", sa.String(length=100), server_default="", nullable=False))
        batch_op.add_column(sa.Column("notes", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("cv_file", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("cv_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("cv_uploaded_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("candidates") as batch_op:
        for column in ("cv_uploaded_at", "cv_name", "cv_file", "notes", "source", "github_url", "linkedin_url"):
            batch_op.drop_column(column)
    op.drop_index(op.f("ix_scorecard_drafts_author_id"), table_name="scorecard_drafts")
    op.drop_index(op.f("ix_scorecard_drafts_candidate_id"), table_name="scorecard_drafts")
    op.drop_table("scorecard_drafts")
