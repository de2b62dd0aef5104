"""Reading the ledger: versions, the state of a period, and that state as the rows the pipeline
aggregates (the same :class:`~gpscli.records.FileResult` a folder gives, one per version)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, cast

from ..money import from_fen
from ..periods import Period
from . import schema as s

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from ..issues import Issue
    from ..records import FileResult, RecordBatch


@dataclass(frozen=True)
class Version:
    id: int
    jurisdiction: str
    submitter: str
    year: int
    period: str
    rank: int
    number: int
    sha256: str
    file_name: str
    received_at: dt.datetime  # UTC
    ingested_at: dt.datetime
    ingested_by: str
    accepted: bool
    rows: int
    amount: Decimal  # 万元, exact (from integer fen)
    errors: int
    warnings: int
    other_rows: int
    reason: str | None
    locked: bool

    @property
    def zero(self) -> bool:
        """A 零报告: accepted, with a header and no project rows."""
        return self.accepted and self.rows == 0

    @property
    def kind(self) -> str:
        """首报 / 更正 (into a locked period, or sent again with a reason) / 重报 (sent again)."""
        if self.locked:
            return "更正"
        if self.number == 1:
            return "首报"
        return "更正" if self.reason else "重报"

    @property
    def sort_key(self) -> tuple[int, dt.datetime, int]:
        """Which of a submitter's versions is the later one: the later period, then the later
        receipt, then the later ingest."""
        return (self.rank, self.received_at, self.id)


def _version(row) -> Version:
    m = row._mapping
    return Version(m["id"], m["jurisdiction"], m["submitter"], m["year"], m["period"], m["period_rank"],
                   m["number"], m["sha256"], m["file_name"], m["received_at"], m["ingested_at"],
                   m["ingested_by"], bool(m["accepted"]), m["rows"], from_fen(m["amount_fen"]), m["errors"],
                   m["warnings"], m["other_rows"], m["reason"], bool(m["locked"]))


def versions(conn: Connection, *, year: int | None = None, jurisdiction: str | None = None,
             period: str | None = None) -> list[Version]:
    """Every version (filtered), oldest first."""
    from sqlalchemy import select

    v = s.versions.c
    q = select(s.versions)
    if year is not None:
        q = q.where(v.year == year)
    if jurisdiction is not None:
        q = q.where(v.jurisdiction == jurisdiction)
    if period is not None:
        q = q.where(v.period == period)
    return [_version(r) for r in conn.execute(q.order_by(v.received_at, v.id))]


def current(conn: Connection, period: Period, as_of: dt.datetime | None = None) -> list[Version]:
    """The state of ``period``: per submitter, its latest accepted version of that year tagged with
    that period or an earlier one, among those received by ``as_of`` (UTC; None: all)."""
    from sqlalchemy import select

    v = s.versions.c
    q = select(s.versions).where(v.year == period.year, v.accepted.is_(True), v.period_rank <= period.rank)
    if as_of is not None:
        q = q.where(v.received_at <= as_of)
    best: dict[str, Version] = {}
    for row in conn.execute(q):
        ver = _version(row)
        held = best.get(ver.submitter)
        if held is None or ver.sort_key > held.sort_key:
            best[ver.submitter] = ver
    return sorted(best.values(), key=lambda x: (x.jurisdiction, x.submitter))


def files(conn: Connection, chosen: Iterable[Version], borrow: Iterable[Version] = (),
          years: Iterable[int] = ()) -> list[FileResult]:
    """The versions' rows of their year and their warnings, as the files they were read from; and
    from the ``borrow`` versions, also their rows of ``years`` (a year with no version of its own:
    next year's plan in this year's files)."""
    from sqlalchemy import select

    from ..records import FileResult, LedgerRef, RecordBatch

    chosen = list(chosen)
    if not chosen:
        return []
    ids = [v.id for v in chosen]
    sheet_rows = conn.execute(select(s.sheets.c.id, s.sheets.c.version_id, s.sheets.c.name, s.sheets.c.letters)
                              .where(s.sheets.c.version_id.in_(ids)).order_by(s.sheets.c.id)).all()
    by_id = {v.id: v for v in chosen}
    out: dict[int, FileResult] = {}
    for v in chosen:
        ref = LedgerRef(v.number, v.submitter, v.jurisdiction, v.year, v.period, _iso(v.received_at), v.zero)
        out[v.id] = FileResult(v.file_name, sha256=v.sha256, format="ledger", version=ref)
    batches: dict[int, RecordBatch] = {}
    for sid, vid, name, letters in sheet_rows:
        b = RecordBatch(by_id[vid].file_name, name, json.loads(letters) or None)
        batches[sid] = b
        out[vid].batches.append(b)
    r = s.rows.c
    lenders, extra = {v.id for v in borrow}, set(years)
    q = (select(r.sheet_id, r.row, r.jurisdiction, r.unit, r.name, r.category, r.amount, r.subcategory, r.method,
                r.supplier, r.note, r.unit_id, r.name_id, r.year, r.version_id)
         .where(r.version_id.in_(ids)).order_by(r.version_id, r.seq))
    _fill(batches, (row for row in conn.execute(q)
                    if row[13] == by_id[row[14]].year or (row[13] in extra and row[14] in lenders)))
    for vid, issue in _issues(conn, ids, by_id):
        out[vid].issues.append(issue)
    return [out[v.id] for v in chosen]


def _fill(batches: dict[int, RecordBatch], rows) -> None:
    """Rows into their batches' columns."""
    current_id, b = None, cast("RecordBatch", None)
    for sid, row, jur, unit, name, cat, amount, sub, method, supplier, note, unit_id, name_id, year, _v in rows:
        if sid != current_id:
            current_id, b = sid, batches[sid]
        b.row.append(row); b.jurisdiction.append(jur); b.unit.append(unit); b.name.append(name)
        b.category.append(cat); b.amount.append(Decimal(amount)); b.year.append(year)
        b.subcategory.append(sub); b.method.append(method); b.supplier.append(supplier); b.note.append(note)
        b.unit_id.append(unit_id); b.name_id.append(name_id)


def _issues(conn: Connection, ids: list[int], by_id: dict[int, Version]) -> list[tuple[int, Issue]]:
    from sqlalchemy import select

    from ..issues import REGISTRY, Issue

    i = s.issues.c
    out = []
    for vid, code, message, hint, sheet, cell, row, column, value in conn.execute(
            select(i.version_id, i.code, i.message, i.hint, i.sheet, i.cell, i.row, i.column_letter, i.value)
            .where(i.version_id.in_(ids)).order_by(i.version_id, i.seq)):
        if code in REGISTRY:
            out.append((vid, Issue(code, message, hint, by_id[vid].file_name, sheet, cell, row, column,
                                   json.loads(value) if value else None)))
    return out


def _iso(t: dt.datetime) -> str:
    return t.replace(tzinfo=dt.UTC).isoformat(timespec="seconds")

