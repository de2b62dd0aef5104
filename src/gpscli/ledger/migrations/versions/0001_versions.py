"""The ledger: received files (versions) with their bytes, rows and issues.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("jurisdiction", sa.String(100), nullable=False),
        sa.Column("submitter", sa.String(200), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("period", sa.String(8), nullable=False),
        sa.Column("period_rank", sa.Integer, nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), sa.ForeignKey("blobs.sha256"), nullable=False),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("received_at", sa.DateTime, nullable=False),
        sa.Column("ingested_at", sa.DateTime, nullable=False),
        sa.Column("ingested_by", sa.String(200), nullable=False),
        sa.Column("accepted", sa.Boolean, nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("amount_fen", sa.BigInteger, nullable=False),
        sa.Column("errors", sa.Integer, nullable=False),
        sa.Column("warnings", sa.Integer, nullable=False),
        sa.Column("other_rows", sa.Integer, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("locked", sa.Boolean, nullable=False),
        sa.UniqueConstraint("submitter", "year", "number", name="uq_versions_number"),
        sa.UniqueConstraint("sha256", "year", "period", "submitter", name="uq_versions_bytes"),
    )
    op.create_index("ix_versions_year", "versions", ["year", "period_rank"])
    op.create_index("ix_versions_submitter", "versions", ["submitter", "year"])
    op.create_index("ix_versions_jurisdiction", "versions", ["jurisdiction"])
    op.create_table(
        "sheets",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("letters", sa.Text, nullable=False),
    )
    op.create_index("ix_sheets_version_id", "sheets", ["version_id"])
    op.create_table(
        "rows",
        sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("sheet_id", sa.Integer, sa.ForeignKey("sheets.id"), nullable=False),
        sa.Column("row", sa.Integer, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("jurisdiction", sa.String(100), nullable=False),
        sa.Column("unit", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("category", sa.Text, nullable=False),
        sa.Column("subcategory", sa.Text),
        sa.Column("amount", sa.String(40), nullable=False),
        sa.Column("amount_fen", sa.BigInteger, nullable=False),
        sa.Column("method", sa.Text),
        sa.Column("supplier", sa.Text),
        sa.Column("note", sa.Text),
        sa.Column("unit_id", sa.Text, nullable=False),
        sa.Column("name_id", sa.Text, nullable=False),
        sa.UniqueConstraint("version_id", "seq", name="uq_rows_seq"),
    )
    op.create_table(
        "issues",
        sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("hint", sa.Text),
        sa.Column("sheet", sa.Text),
        sa.Column("cell", sa.String(20)),
        sa.Column("row", sa.Integer),
        sa.Column("column_letter", sa.String(10)),
        sa.Column("value", sa.Text),
    )
    op.create_index("ix_issues_version_id", "issues", ["version_id"])


def downgrade() -> None:
    for table in ("issues", "rows", "sheets", "versions", "blobs"):
        op.drop_table(table)
