"""Similarity across submissions: indexed submissions, their fingerprints and how common each is, the matches.

Revision ID: 0011
Revises: 0013
Create Date: 2026-11-29 22:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "similarity_documents",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.String(length=64), nullable=False),
        sa.Column("fingerprints", sa.Integer(), nullable=False),
        sa.Column("indexed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("submission_id"),
    )
    op.create_index(op.f("ix_similarity_documents_exercise_id"), "similarity_documents", ["exercise_id"])
    op.create_table(
        "similarity_fingerprints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.BigInteger(), nullable=False),
        sa.Column("start_line", sa.Integer(), nullable=False),
        sa.Column("end_line", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_similarity_fingerprints_lookup", "similarity_fingerprints", ["exercise_id", "hash"])
    op.create_index(op.f("ix_similarity_fingerprints_submission_id"), "similarity_fingerprints", ["submission_id"])
    op.create_table(
        "similarity_hashes",
        sa.Column("exercise_id", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("exercise_id", "hash"),
    )
    op.create_table(
        "similarity_matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("other_submission_id", sa.Integer(), nullable=True),
        sa.Column("known", sa.String(length=200), nullable=True),
        sa.Column("similarity", sa.Float(), nullable=False),
        sa.Column("fragments", sa.JSON(), nullable=False),
        sa.Column("found_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["other_submission_id"], ["submissions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_similarity_matches_submission_id"), "similarity_matches", ["submission_id"])
    op.create_index(op.f("ix_similarity_matches_other_submission_id"), "similarity_matches", ["other_submission_id"])


def downgrade() -> None:
    op.drop_table("similarity_matches")
    op.drop_table("similarity_hashes")
    op.drop_table("similarity_fingerprints")
    op.drop_table("similarity_documents")
