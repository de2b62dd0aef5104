"""Recording received files as versions: one transaction per file, whole or not at all."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from .. import issues as issues_mod
from ..money import to_fen
from . import schema as s
from .engine import os_user, transaction
from .submitter import jurisdiction_of, submitter_of

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from ..issues import Issue
    from ..periods import Period
    from ..profile import Profile
    from ..records import FileResult, RecordBatch

# What happened to one file.
NEW, KNOWN, REFUSED = "new", "known", "refused"


@dataclass
class Outcome:
    path: str
    status: str  # new: a version was recorded; known: the same bytes were already; refused: not recorded
    message: str = ""  # why it was refused or recognised (Chinese)
    jurisdiction: str = ""
    submitter: str = ""
    number: int = 0  # the version number, for new and known
    accepted: bool = False  # a new version without errors (it is now its submitter's current one)
    zero: bool = False  # a 零报告
    rows: int = 0
    amount: Decimal = field(default_factory=Decimal)
    errors: int = 0
    warnings: int = 0
    other_rows: int = 0
    correction: bool = False  # recorded into a locked period, with a reason
    new_submitter_beside: list[str] = field(default_factory=list)  # the jurisdiction's other submitters
    issues: list[Issue] = field(default_factory=list)  # the version's (errors and warnings)


@dataclass
class Request:
    """What ``gps ingest`` was asked: the period, and what the options say of every file."""

    period: Period
    reason: str | None = None
    received: dt.datetime | None = None  # UTC; None: now
    submitter: str | None = None
    jurisdiction: str | None = None


@cache
def _statements() -> dict[str, Any]:
    """The statements an ingest runs for every file, built once (building one costs as much as running it)."""
    from sqlalchemy import bindparam, func, select

    v, b = s.versions.c, s.blobs.c
    return {
        "known": select(v.number, v.submitter).where(v.sha256 == bindparam("sha"), v.year == bindparam("year"),
                                                     v.period == bindparam("period")),
        "locked": select(s.locks.c.period).where(s.locks.c.period == bindparam("period")),
        "number": select(func.max(v.number)).where(v.submitter == bindparam("submitter"), v.year == bindparam("year")),
        "seen": select(v.id).where(v.submitter == bindparam("submitter")).limit(1),
        "others": select(v.submitter).where(v.jurisdiction == bindparam("jurisdiction"),
                                            v.submitter != bindparam("submitter"), v.accepted.is_(True))
                  .distinct().limit(10),
        "blob": select(b.sha256).where(b.sha256 == bindparam("sha")),
        "version": s.versions.insert(), "sheet": s.sheets.insert(), "rows": s.rows.insert(),
        "issues": s.issues.insert(), "blob_insert": s.blobs.insert(),
    }


def known(conn: Connection, sha256: str, period: Period) -> tuple[int, str] | None:
    """(version number, submitter) of the version these bytes already are for this period."""
    row = conn.execute(_statements()["known"], {"sha": sha256, "year": period.year, "period": period.label}).first()
    return None if row is None else (row[0], row[1])


def refused_by_lock(period: Period) -> str:
    return f"{period.label} 已锁定(已核对定稿),不接受新的版本;如确需更正,请加 --reason 说明更正原因后重新导入"


def locked(conn: Connection, period: Period) -> bool:
    return conn.execute(_statements()["locked"], {"period": period.label}).first() is not None


def record(conn: Connection, f: FileResult, data: bytes, req: Request, profile: Profile) -> Outcome:
    """Record one read and validated file as a version of ``req.period``, in its own transaction
    (``conn``: a :func:`~.engine.writer` connection)."""
    out, views, rows, found = classify(f, req, profile)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with transaction(conn):
        hit = known(conn, f.sha256, req.period)
        if hit is not None:
            out.status, (out.number, out.submitter) = KNOWN, hit
            out.message = f"与已导入的第 {hit[0]} 版({hit[1]})内容完全相同,未新建版本"
            return out
        is_locked = locked(conn, req.period)
        if is_locked and not req.reason:
            out.message = refused_by_lock(req.period)
            return out
        out.correction = is_locked
        out.number = _next_number(conn, out.submitter, req.period.year)
        out.new_submitter_beside = _other_submitters(conn, out.jurisdiction, out.submitter) if out.accepted else []
        _insert_blob(conn, f.sha256, data)
        vid = _new_id(conn.execute(_statements()["version"], {
            "jurisdiction": out.jurisdiction, "submitter": out.submitter, "year": req.period.year,
            "period": req.period.label, "period_rank": req.period.rank, "number": out.number, "sha256": f.sha256,
            "file_name": PurePath(f.path).name, "received_at": req.received or now, "ingested_at": now,
            "ingested_by": os_user(), "accepted": out.accepted, "rows": out.rows,
            "amount_fen": sum(r[7] for r in rows if r[14] == req.period.year), "errors": out.errors,
            "warnings": out.warnings, "other_rows": out.other_rows, "reason": req.reason, "locked": is_locked,
        }))
        _insert_rows(conn, vid, [b for b, idx in views if idx], rows)
        _insert_issues(conn, vid, found)
    out.status = NEW
    return out


def classify(f: FileResult, req: Request, profile: Profile) -> tuple[Outcome, list, list[tuple[Any, ...]], list[Issue]]:
    """What a file is as a submission for ``req.period``: its jurisdiction and submitter, its rows of
    the year, and its issues (those on rows of other years are not its concern; the ledger's own
    added: several jurisdictions, none, or no row of the year)."""
    year = req.period.year
    out = Outcome(f.path, REFUSED)
    views, other_rows, year_jurs = _views(f, year)
    out.other_rows = len(other_rows)
    jurs = [req.jurisdiction] if req.jurisdiction and not year_jurs else jurisdiction_of(f, year_jurs, profile)
    found = _own_issues(f, req, jurs, bool(year_jurs), len(other_rows))
    found += [i for i in f.issues if (i.sheet, i.row) not in other_rows]
    out.jurisdiction = jurs[0] if len(jurs) == 1 else ""
    name = PurePath(f.path).name
    out.submitter = req.submitter or (submitter_of(name, out.jurisdiction, profile) if out.jurisdiction else name)
    out.issues = found
    out.errors = sum(1 for i in found if i.is_error)
    out.warnings = len(found) - out.errors
    out.accepted = out.errors == 0
    rows = _rows(views)
    mine = [r for r in rows if r[14] == year]
    out.rows = len(mine)
    out.amount = sum((Decimal(r[6]) for r in mine), Decimal(0))
    out.zero = out.accepted and not mine
    return out, views, rows, found


def _views(f: FileResult, year: int) -> tuple[list[tuple[RecordBatch, list[int]]], set, list[str]]:
    """The rows a version keeps, by sheet: those of its year, and those of other years when the file
    is one jurisdiction's and they have no error (last year's figures, next year's plan); the
    (sheet, row) of the other years' rows; the jurisdiction of each row of the year."""
    views = [(b, [i for i, y in enumerate(b.year) if y == year]) for b in f.batches]
    other_rows = {(b.sheet, b.row[i]) for b in f.batches for i, y in enumerate(b.year) if y != year}
    year_jurs = [b.jurisdiction[i] for b, idx in views for i in idx]
    if len(set(year_jurs)) == 1:
        bad = {(i.sheet, i.row) for i in f.issues if i.is_error} | f.unlisted_error_rows
        views = [(b, [i for i, (j, y) in enumerate(zip(b.jurisdiction, b.year)) if j == year_jurs[0]
                      and (y == year or (b.sheet, b.row[i]) not in bad)]) for b in f.batches]
    return views, other_rows, year_jurs


def _own_issues(f: FileResult, req: Request, jurs: list[str], has_rows: bool, other_rows: int) -> list[Issue]:
    """The ledger's own errors: a file of several jurisdictions, of none, or with no row of the year."""
    found: list[Issue] = []
    if len(jurs) > 1:
        found.append(issues_mod.make("several-jurisdictions", path=f.path, count=len(jurs), names="、".join(jurs)))
    elif not jurs:
        found.append(issues_mod.make("unknown-submitter", path=f.path))
    if not has_rows and other_rows:
        years = sorted({y for b in f.batches for y in b.year})
        found.append(issues_mod.make("no-rows-for-period", path=f.path, rows=other_rows, year=req.period.year,
                                     years="、".join(map(str, years)), period=req.period.label))
    return found


def _rows(views: list[tuple[RecordBatch, list[int]]]) -> list[tuple[Any, ...]]:
    """The rows as stored: (sheet no., row, jurisdiction, unit, name, category, amount text, fen,
    subcategory, method, supplier, note, unit_id, name_id, year)."""
    out: list[tuple[Any, ...]] = []
    sheet_no = 0
    for b, idx in views:
        if not idx:
            continue
        for i in idx:
            a = b.amount[i]
            out.append((sheet_no, b.row[i], b.jurisdiction[i], b.unit[i], b.name[i], b.category[i], str(a),
                        to_fen(a), b.subcategory[i], b.method[i], b.supplier[i], b.note[i], b.unit_id[i],
                        b.name_id[i], b.year[i]))
        sheet_no += 1
    return out


def _next_number(conn: Connection, submitter: str, year: int) -> int:
    last = conn.execute(_statements()["number"], {"submitter": submitter, "year": year}).scalar()
    return (last or 0) + 1


def _other_submitters(conn: Connection, jurisdiction: str, submitter: str) -> list[str]:
    """The jurisdiction's other submitters, when this one is new to the ledger (else nothing to say)."""
    st = _statements()
    if conn.execute(st["seen"], {"submitter": submitter}).first() is not None:
        return []
    return sorted(conn.execute(st["others"], {"jurisdiction": jurisdiction, "submitter": submitter}).scalars())


def _insert_blob(conn: Connection, sha256: str, data: bytes) -> None:
    st = _statements()
    if conn.execute(st["blob"], {"sha": sha256}).first() is None:
        conn.execute(st["blob_insert"], {"sha256": sha256, "size": len(data), "content": data})


def _insert_rows(conn: Connection, vid: int, batches: list[RecordBatch], rows: list[tuple[Any, ...]]) -> None:
    sheet_ids = []
    for b in batches:
        letters = json.dumps(b.letters or {}, ensure_ascii=False)
        sheet_ids.append(_new_id(conn.execute(_statements()["sheet"], {"version_id": vid, "name": b.sheet,
                                                                      "letters": letters})))
    if rows:
        conn.execute(_statements()["rows"], [
            {"version_id": vid, "seq": n, "sheet_id": sheet_ids[r[0]], "row": r[1], "jurisdiction": r[2],
             "unit": r[3], "name": r[4], "category": r[5], "amount": r[6], "amount_fen": r[7], "subcategory": r[8],
             "method": r[9], "supplier": r[10], "note": r[11], "unit_id": r[12], "name_id": r[13], "year": r[14]}
            for n, r in enumerate(rows)])


def _new_id(result: Any) -> int:
    key = result.inserted_primary_key
    if key is None:  # pragma: no cover - every table written here has an integer key
        raise RuntimeError("no primary key returned")
    return int(key[0])


def _insert_issues(conn: Connection, vid: int, found: Iterable[Issue]) -> None:
    values = [{"version_id": vid, "seq": n, "code": i.code, "severity": i.severity.value, "message": i.message,
               "hint": i.hint, "sheet": i.sheet, "cell": i.cell, "row": i.row, "column_letter": i.column,
               "value": json.dumps(issues_mod.json_safe(i.value), ensure_ascii=False)}
              for n, i in enumerate(found)]
    if values:
        conn.execute(_statements()["issues"], values)
