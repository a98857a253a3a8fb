"""Blind review: an opening can hide its candidates' identity from interviewers; a candidate can be revealed.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 22:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("openings") as batch:
        batch.add_column(sa.Column("blind_review", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("candidates") as batch:
        batch.add_column(sa.Column("revealed_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("candidates") as batch:
        batch.drop_column("revealed_at")
    with op.batch_alter_table("openings") as batch:
        batch.drop_column("blind_review")
