"""The project register's fields of a row (财政部令第102号: 承接主体类型, 合同金额, 合同期限...), as JSON.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("rows", sa.Column("extra", sa.Text, nullable=True))  # ADD COLUMN: both engines, in place


def downgrade() -> None:
    with op.batch_alter_table("rows") as batch:
        batch.drop_column("extra")
