"""Reading the ledger: versions, the state of a period, and that state as the rows the pipeline
aggregates (the same :class:`~gpscli.records.FileResult` a folder gives, one per version)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING

from ..money import from_fen
from ..periods import Period, utc_iso
from ..register import from_json
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

    def kind(self, first_of_period: bool) -> str:
        """首报 (the submitter's first version for the period; 补报 when it came after the period was
        locked), 更正 (sent again with a reason, or into a locked period), 重报 (sent again)."""
        if first_of_period:
            return "补报" if self.locked else "首报"
        return "更正" if self.locked or self.reason else "重报"

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


def current_of(conn: Connection, year: int, jurisdiction: str, submitter: str | None = None) -> list[Version]:
    """Each submitter's latest accepted version of a jurisdiction's year (any period); of one
    submitter only, when named."""
    from sqlalchemy import select

    v = s.versions.c
    best: dict[str, Version] = {}
    q = select(s.versions).where(v.year == year, v.jurisdiction == jurisdiction, v.accepted.is_(True))
    if submitter is not None:
        q = q.where(v.submitter == submitter)
    for row in conn.execute(q):
        ver = _version(row)
        if ver.submitter not in best or ver.sort_key > best[ver.submitter].sort_key:
            best[ver.submitter] = ver
    return list(best.values())


def files(conn: Connection, chosen: Iterable[Version], borrow: Iterable[Version] = (),
          years: Iterable[int] = ()) -> list[FileResult]:
    """The versions' rows of their year and their warnings, as the files they were read from; and
    from the ``borrow`` versions, also their rows of ``years`` (a year with no version of its own:
    next year's plan in this year's files)."""
    from sqlalchemy import select

    from ..records import RecordBatch

    chosen = list(chosen)
    if not chosen:
        return []
    ids = [v.id for v in chosen]
    sheet_rows = conn.execute(select(s.sheets.c.id, s.sheets.c.version_id, s.sheets.c.name, s.sheets.c.letters)
                              .where(s.sheets.c.version_id.in_(ids)).order_by(s.sheets.c.id)).all()
    by_id = {v.id: v for v in chosen}
    out: dict[int, FileResult] = {}
    for v in chosen:
        out[v.id] = file_of(v)
    batches: dict[int, RecordBatch] = {}
    for sid, vid, name, letters in sheet_rows:
        b = RecordBatch(by_id[vid].file_name, name, json.loads(letters) or None)
        batches[sid] = b
        out[vid].batches.append(b)
    r, vc = s.rows.c, s.versions.c
    lenders, extra = {x.id for x in borrow}, set(years)
    q = (select(r.sheet_id, r.row, r.jurisdiction, r.unit, r.name, r.category, r.amount, r.subcategory, r.method,
                r.supplier, r.note, r.unit_id, r.name_id, r.year, r.version_id, r.extra)
         .where(r.version_id.in_(ids)).order_by(r.version_id, r.seq))
    if lenders and extra:  # other years' rows of some versions too: chosen row by row
        found = [row for row in conn.execute(q).all()
                 if row[13] == by_id[row[14]].year or (row[13] in extra and row[14] in lenders)]
    else:  # the usual case: each version's rows of its year, chosen by the database
        found = list(conn.execute(q.join(s.versions, vc.id == r.version_id).where(r.year == vc.year)).all())
    _fill(batches, found)
    for vid, issue in _issues(conn, ids, by_id):
        out[vid].issues.append(issue)
    return [out[v.id] for v in chosen]


_FILLED = ("row", "jurisdiction", "unit", "name", "category", "amount", "subcategory", "method", "supplier", "note",
           "unit_id", "name_id", "year")  # the batch columns, in the order the query selects them
_EXTRA = len(_FILLED) + 2  # after them: version_id, then extra (the register's fields, JSON)


def _fill(batches: dict[int, RecordBatch], rows: list) -> None:
    """Rows (in sheet runs) into their batches' columns, a column at a time."""
    for sid, run in groupby(rows, key=itemgetter(0)):
        b = batches[sid]
        cols = list(zip(*run))
        first = len(b.row)
        for name, values in zip(_FILLED, cols[1:]):
            if name == "amount":
                b.amount.extend(map(Decimal, values))
            else:
                getattr(b, name).extend(values)
        for n, text in enumerate(cols[_EXTRA]):
            for field, value in from_json(text).items():
                column = b.extra.setdefault(field, [None] * first)
                column.extend([None] * (first + n - len(column)))
                column.append(value)
        for column in b.extra.values():
            column.extend([None] * (len(b.row) - len(column)))


def sums(conn: Connection, chosen: list[Version], columns: list[str]) -> tuple[dict, dict, dict, dict] | None:
    """The versions' rows of their year summed by the database, grouped by ``columns`` (rows table
    columns): (sums {values: [count, amount]}, rows per jurisdiction, files per jurisdiction, rows
    per file), what :func:`gpscli.aggregate.aggregate_sums` takes. None when an amount finer than a
    fen makes the integer sums inexact: then the rows must be read."""
    from sqlalchemy import func, select

    from ..money import from_fen

    ids = [v.id for v in chosen]
    i = s.issues.c
    if ids and conn.execute(select(i.version_id).where(i.version_id.in_(ids), i.code == "amount-below-fen")
                            .limit(1)).first() is not None:
        return None
    r = s.rows.c
    keys = [r[c] for c in columns]
    # Grouped by version first, the order of the rows' index: no sort of all the rows
    q = (select(r.version_id, r.year, r.jurisdiction, *keys, func.count(), func.sum(r.amount_fen))
         .where(r.version_id.in_(ids)).group_by(r.version_id, r.year, r.jurisdiction, *keys))
    by_id = {v.id: v for v in chosen}
    out: dict[tuple, list] = {}
    counts: dict[str, int] = {}
    paths: dict[str, set[str]] = {}
    per_file: dict[str, int] = {}
    for row in conn.execute(q) if ids else ():
        version = by_id[row[0]]
        if row[1] != version.year:
            continue  # another year's rows in the file (its plan): not part of the state
        jur, values, n, fen = row[2], tuple(row[3:-2]), row[-2], row[-1]
        cell = out.setdefault(values, [0, Decimal(0)])
        cell[0] += n
        cell[1] += from_fen(int(fen))
        counts[jur] = counts.get(jur, 0) + n
        paths.setdefault(jur, set()).add(version.file_name)
        per_file[version.file_name] = per_file.get(version.file_name, 0) + n
    return out, counts, paths, per_file


def has_register(conn: Connection, chosen: list[Version]) -> bool:
    """Some row of the versions gives the register's fields (their amounts are summed from the rows)."""
    from sqlalchemy import select

    ids = [v.id for v in chosen]
    r = s.rows.c
    return bool(ids) and conn.execute(select(r.version_id).where(r.version_id.in_(ids), r.extra.is_not(None))
                                      .limit(1)).first() is not None


def warnings_of(conn: Connection, chosen: list[Version]) -> list[Issue]:
    """The warnings recorded with the versions (accepted versions have no errors)."""
    by_id = {v.id: v for v in chosen}
    return [issue for _vid, issue in _issues(conn, list(by_id), by_id)] if by_id else []


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


def file_of(v: Version) -> FileResult:
    """A version as the file it was read from, before its rows and warnings are filled in."""
    from ..records import FileResult, LedgerRef

    ref = LedgerRef(v.number, v.submitter, v.jurisdiction, v.year, v.period, utc_iso(v.received_at) or "", v.zero)
    return FileResult(v.file_name, sha256=v.sha256, format="ledger", version=ref)

