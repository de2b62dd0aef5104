"""Locked periods: after a period is checked and closed, a new version for it needs a reason.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "locks",
        sa.Column("period", sa.String(8), primary_key=True),
        sa.Column("locked_at", sa.DateTime, nullable=False),
        sa.Column("locked_by", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("locks")
