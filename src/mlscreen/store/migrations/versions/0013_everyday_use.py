"""Everyday use: scorecard drafts.

Revision ID: 0013
Revises: 0005
Create Date: 2026-11-29 22:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0005"
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


def downgrade() -> None:
    op.drop_table("scorecard_drafts")
