"""The ledger's tables (SQLAlchemy Core). The schema itself is made and changed only by the Alembic
migrations in ``migrations/versions``; this module describes the newest one for the queries, and
a test checks that the two agree.

Amounts are stored twice, both exactly: ``amount`` as the decimal text read from the cell (the
``Decimal`` every figure is made from) and ``amount_fen`` as an integer number of fen (1 万元 =
1,000,000 分) that SQL sums; never as a floating-point REAL. An amount finer than a fen (an
``amount-below-fen`` warning at its cell) has its fen rounded half-up; its text stays exact.
Times are UTC, without a zone.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

# The original bytes of every version, content-addressed: the same file sent twice is kept once.
blobs = Table(
    "blobs", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("content", LargeBinary, nullable=False),
)

# One received file answering one period for one submitter. Never updated, never deleted.
versions = Table(
    "versions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("jurisdiction", String(100), nullable=False),  # "" when the file named none
    Column("submitter", String(200), nullable=False),
    Column("year", Integer, nullable=False),
    Column("period", String(8), nullable=False),  # 2017Q3 | 2017
    Column("period_rank", Integer, nullable=False),  # 1-4 a quarter, 5 the annual round
    Column("number", Integer, nullable=False),  # 1, 2, 3... per (submitter, year)
    Column("sha256", String(64), ForeignKey("blobs.sha256"), nullable=False),
    Column("file_name", Text, nullable=False),
    Column("received_at", DateTime, nullable=False),
    Column("ingested_at", DateTime, nullable=False),
    Column("ingested_by", String(200), nullable=False),
    Column("accepted", Boolean, nullable=False),  # no errors: may be (part of) the state
    Column("rows", Integer, nullable=False),  # project rows of the year
    Column("amount_fen", BigInteger, nullable=False),
    Column("errors", Integer, nullable=False),
    Column("warnings", Integer, nullable=False),
    Column("other_rows", Integer, nullable=False),  # rows of other years in the file (not part of it)
    Column("reason", Text),  # why it was sent again (更正, 补报); required once the period is locked
    Column("locked", Boolean, nullable=False),  # the period was locked when it came: a correction (更正)
    UniqueConstraint("submitter", "year", "number", name="uq_versions_number"),
    UniqueConstraint("sha256", "year", "period", "submitter", name="uq_versions_bytes"),
)
Index("ix_versions_year", versions.c.year, versions.c.period_rank)
Index("ix_versions_submitter", versions.c.submitter, versions.c.year)
Index("ix_versions_jurisdiction", versions.c.jurisdiction)

# The sheets rows came from, with the column letter of each field (the rows' cells).
sheets = Table(
    "sheets", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("version_id", Integer, ForeignKey("versions.id"), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("letters", Text, nullable=False),  # JSON {"amount": "G", ...}
)

# The project rows of a file, in the order they were read: those of the version's year, and those
# of other years it lists (last year's figures, next year's plan), used where no version of that
# year exists.
rows = Table(
    "rows", metadata,
    Column("version_id", Integer, ForeignKey("versions.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("sheet_id", Integer, ForeignKey("sheets.id"), nullable=False),
    Column("row", Integer, nullable=False),  # as Excel numbers it
    Column("year", Integer, nullable=False),  # the row's 年度: a file may hold next year's plan too
    Column("jurisdiction", String(100), nullable=False),
    Column("unit", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("category", Text, nullable=False),
    Column("subcategory", Text),
    Column("amount", String(40), nullable=False),  # exact decimal text, 万元
    Column("amount_fen", BigInteger, nullable=False),
    Column("method", Text),
    Column("supplier", Text),
    Column("note", Text),
    Column("unit_id", Text, nullable=False),  # 购买主体 and 项目名称 folded (duplicates, history)
    Column("name_id", Text, nullable=False),
    Column("extra", Text),  # the register's fields the row gives (gpscli.register), JSON; NULL: none
    UniqueConstraint("version_id", "seq", name="uq_rows_seq"),
)

# What validation said about a version (errors and warnings, at their cells).
issues = Table(
    "issues", metadata,
    Column("version_id", Integer, ForeignKey("versions.id"), nullable=False, index=True),
    Column("seq", Integer, nullable=False),
    Column("code", String(60), nullable=False),
    Column("severity", String(10), nullable=False),
    Column("message", Text, nullable=False),
    Column("hint", Text),
    Column("sheet", Text),
    Column("cell", String(20)),
    Column("row", Integer),
    Column("column_letter", String(10)),
    Column("value", Text),  # JSON
)

# Periods closed by the bureau: a new version for one needs a reason (a 更正).
locks = Table(
    "locks", metadata,
    Column("period", String(8), primary_key=True),
    Column("locked_at", DateTime, nullable=False),
    Column("locked_by", String(200), nullable=False),
)

# The links of `gps serve`: a secret token per jurisdiction (a county's page) or for the bureau's
# board, kept only as its SHA-256; revoked, never deleted.
tokens = Table(
    "tokens", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sha256", String(64), nullable=False),
    Column("role", String(10), nullable=False),  # county | bureau
    Column("jurisdiction", String(100)),  # the county's; NULL for the bureau
    Column("period", String(8), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("revoked_at", DateTime),
    UniqueConstraint("sha256", name="uq_tokens_sha256"),
)
