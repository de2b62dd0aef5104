"""Recording received files as versions: one transaction per file, whole or not at all."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from itertools import count, repeat
from operator import itemgetter
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, NamedTuple

from .. import issues as issues_mod
from ..money import from_fen, to_fens
from ..register import to_json
from . import schema as s
from .engine import os_user, transaction
from .submitter import jurisdiction_of, submitter_of

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from ..issues import Issue
    from ..periods import Period
    from ..profile import Profile
    from ..records import FileResult, RecordBatch
    from .state import Version

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
    replaced_rows: int = 0  # a 零报告 that supersedes a version with projects: how many it had
    replaced: Replaced | None = None  # a version with projects that supersedes one whose projects it lacks
    issues: list[Issue] = field(default_factory=list)  # the version's (errors and warnings)


@dataclass(frozen=True)
class Replaced:
    """The current version a new one supersedes (reports are cumulative, so the new one replaces it
    whole), when some of its projects are not in the new one."""

    number: int
    rows: int
    amount: Decimal
    dropped: int  # of its projects, how many the new version lacks


def dropped_text(o: Outcome, period_label: str) -> str:
    """The warning for a new version that drops projects of the version it replaces ("" if none)."""
    r = o.replaced
    if r is None or not r.dropped:
        return ""
    from ..money import amount_str

    return (f"{o.submitter} {period_label} 第 {o.number} 版取代第 {r.number} 版:第 {r.number} 版的 {r.rows} 个项目"
            f"({amount_str(r.amount)} 万元)中有 {r.dropped} 个不在新版本中,"
            f"新版本 {o.rows} 个项目、{amount_str(o.amount)} 万元;"
            "如果这是补报新增的项目,请让该地区把全部项目填在同一个表里重报")


@dataclass
class Request:
    """What ``gps ingest`` was asked: the period, and what the options say of every file."""

    period: Period
    reason: str | None = None
    received: dt.datetime | None = None  # UTC; None: now
    submitter: str | None = None
    jurisdiction: str | None = None
    by: str | None = None  # who recorded it (default: the operating system's user; gps serve names the link)


@cache
def _statements(dialect: str = "") -> dict[str, Any]:
    """The statements an ingest runs for every file, built once (building one costs as much as running it);
    with a ``dialect``, also the blob insert that skips bytes already kept."""
    from sqlalchemy import bindparam, func, select

    if dialect:
        from importlib import import_module

        insert = import_module(f"sqlalchemy.dialects.{dialect}").insert
        return {"blob": insert(s.blobs).on_conflict_do_nothing(index_elements=["sha256"])}

    v = s.versions.c
    return {
        "known": select(*known_columns(v)).where(v.sha256 == bindparam("sha"), v.year == bindparam("year"),
                                          v.period == bindparam("period")),
        "known_as": select(*known_columns(v)).where(v.sha256 == bindparam("sha"), v.year == bindparam("year"),
                                             v.period == bindparam("period"), v.submitter == bindparam("submitter")),
        "locked": select(s.locks.c.period).where(s.locks.c.period == bindparam("period")),
        "number": select(func.max(v.number)).where(v.submitter == bindparam("submitter"), v.year == bindparam("year")),
        "seen": select(v.id).where(v.submitter == bindparam("submitter")).limit(1),
        "others": select(v.submitter).where(v.jurisdiction == bindparam("jurisdiction"),
                                            v.submitter != bindparam("submitter"), v.accepted.is_(True))
                  .distinct().limit(10),
        "version": s.versions.insert(), "sheet": s.sheets.insert(), "issues": s.issues.insert(),
    }


def known_columns(v: Any) -> tuple[Any, ...]:
    return (v.number, v.submitter, v.jurisdiction, v.accepted, v.rows, v.amount_fen, v.errors, v.warnings,
            v.period)


class Known(NamedTuple):
    """The version some bytes already are."""

    number: int
    submitter: str
    jurisdiction: str
    accepted: bool
    rows: int
    fen: int
    errors: int
    warnings: int
    period: str

    def outcome(self, path: str, message: str) -> Outcome:
        """What ingesting the bytes again comes to: nothing new, said with what that version is."""
        if not self.accepted:
            message += f";该版本有 {self.errors} 个错误,未采用(请报送单位改正后重新报送)"
        return Outcome(path, KNOWN, message, self.jurisdiction, self.submitter, self.number, bool(self.accepted),
                       bool(self.accepted) and not self.rows, self.rows, from_fen(self.fen), self.errors,
                       self.warnings)


def known(conn: Connection, sha256: str, period: Period, submitter: str | None = None) -> Known | None:
    """The version these bytes already are for this period (of this submitter, when one is named:
    the same file sent again as another's is a new version)."""
    params = {"sha": sha256, "year": period.year, "period": period.label}
    if submitter is not None:
        row = conn.execute(_statements()["known_as"], {**params, "submitter": submitter}).first()
    else:
        row = conn.execute(_statements()["known"], params).first()
    return None if row is None else Known(*row)


def refused_by_lock(period: Period) -> str:
    return f"{period.label} 已锁定(已核对定稿),不接受新的版本;如确需更正,请加 --reason 说明更正原因后重新导入"


def locked(conn: Connection, period: Period) -> bool:
    return conn.execute(_statements()["locked"], {"period": period.label}).first() is not None


def record(conn: Connection, f: FileResult, data: bytes, req: Request, profile: Profile) -> Outcome:
    """Record one read and validated file as a version of ``req.period``, in its own transaction
    (``conn``: a :func:`~.engine.writer` connection)."""
    from sqlalchemy.exc import IntegrityError

    out, parts, found = classify(f, req, profile)
    try:
        return _write(conn, f, data, req, out, parts, found)
    except IntegrityError:  # the same bytes, recorded by another ingest since this one looked
        with transaction(conn):
            hit = known(conn, f.sha256, req.period, out.submitter)
        if hit is None:
            raise
        return hit.outcome(f.path, f"与已导入的第 {hit.number} 版({hit.submitter})内容完全相同,未新建版本")


def _write(conn: Connection, f: FileResult, data: bytes, req: Request, out: Outcome, parts: list[Part],
           found: list[Issue]) -> Outcome:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with transaction(conn):
        is_locked = locked(conn, req.period)
        if is_locked and not req.reason:
            out.message = refused_by_lock(req.period)
            return out
        out.correction = is_locked
        out.number = _next_number(conn, out.submitter, req.period.year)
        if out.accepted and out.number == 1 and out.rows:
            _check_new_submitter(conn, f, req, out, parts, found)
        if out.zero and out.number > 1:
            from .state import current_of

            out.replaced_rows = sum(v.rows for v in current_of(conn, req.period.year, out.jurisdiction, out.submitter))
        out.new_submitter_beside = _other_submitters(conn, out.jurisdiction, out.submitter) if out.accepted else []
        before = _replaces(conn, req, out, now)
        _insert_blob(conn, f.sha256, data)
        vid = _new_id(conn.execute(_statements()["version"], {
            "jurisdiction": out.jurisdiction, "submitter": out.submitter, "year": req.period.year,
            "period": req.period.label, "period_rank": req.period.rank, "number": out.number, "sha256": f.sha256,
            "file_name": PurePath(f.path).name, "received_at": req.received or now, "ingested_at": now,
            "ingested_by": req.by or os_user(), "accepted": out.accepted, "rows": out.rows,
            "amount_fen": sum(p.fen_of(req.period.year) for p in parts), "errors": out.errors,
            "warnings": out.warnings, "other_rows": out.other_rows, "reason": req.reason, "locked": is_locked,
        }))
        _insert_rows(conn, vid, parts)
        _insert_issues(conn, vid, found)
        if before is not None:
            out.replaced = _dropped(conn, before, vid)
    out.status = NEW
    return out


def _replaces(conn: Connection, req: Request, out: Outcome, now: dt.datetime) -> Version | None:
    """The current version of the submitter's year that this new version, with projects, will supersede."""
    if not (out.accepted and out.rows and out.number > 1):
        return None
    from .state import current_of

    held = current_of(conn, req.period.year, out.jurisdiction, out.submitter)
    if not held or (req.period.rank, req.received or now) < held[0].sort_key[:2]:
        return None  # an earlier period's version, or one received before the current one: it replaces nothing
    return held[0]


def _dropped(conn: Connection, before: Version, vid: int) -> Replaced | None:
    """What the new version ``vid`` lacks of ``before``: the rows history would list as removed."""
    from .history import diff, rows_of

    rows = rows_of(conn, [before.id, vid])
    gone = sum(1 for c in diff(rows.get(before.id, []), rows.get(vid, [])) if c.kind == "removed")
    return Replaced(before.number, before.rows, before.amount, gone) if gone else None


def classify(f: FileResult, req: Request, profile: Profile) -> tuple[Outcome, list[Part], list[Issue]]:
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
    parts = [Part.of(b, idx) for b, idx in views if idx]
    out.rows = sum(p.count_of(year) for p in parts)
    out.amount = sum((p.amount_of(year) for p in parts), Decimal(0))
    out.zero = out.accepted and not out.rows
    return out, parts, found


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


class Part:
    """The rows of one sheet a version keeps, by column, as they are stored."""

    COLUMNS = ("row", "year", "jurisdiction", "unit", "name", "category", "subcategory", "method", "supplier", "note",
               "unit_id", "name_id")  # then amount (text), amount_fen and extra (the register's fields, JSON)

    def __init__(self, batch: RecordBatch, columns: list[Sequence[Any]], amounts: list[Decimal],
                 extra: Sequence[str | None]) -> None:
        self.batch, self.columns, self.amounts, self.extra = batch, columns, amounts, extra
        self.texts = list(map(str, amounts))
        self.fens = to_fens(amounts)

    @classmethod
    def of(cls, b: RecordBatch, idx: list[int]) -> Part:
        cols = [getattr(b, c) for c in cls.COLUMNS]
        amounts = b.amount
        names = list(b.extra)
        extra: Sequence[str | None] = (
            [to_json({n: v for n, v in zip(names, values) if v is not None}) for values in zip(*b.extra.values())]
            if names else repeat(None, len(amounts)))  # type: ignore[assignment]
        if len(idx) != len(b.row):  # some rows only: picked once per column (C-level)
            pick = itemgetter(*idx) if len(idx) > 1 else (lambda seq: (seq[idx[0]],))
            cols, amounts = [list(pick(c)) for c in cols], list(pick(amounts))
            extra = list(pick(list(extra))) if names else repeat(None, len(idx))  # type: ignore[assignment]
        return cls(b, cols, amounts, extra)

    def _mine(self, year: int) -> list[int] | None:
        years = self.columns[1]
        if min(years) == max(years) == year:
            return None  # all of them
        return [i for i, y in enumerate(years) if y == year]

    def count_of(self, year: int) -> int:
        mine = self._mine(year)
        return len(self.fens) if mine is None else len(mine)

    def amount_of(self, year: int) -> Decimal:
        mine = self._mine(year)
        return sum(self.amounts if mine is None else (self.amounts[i] for i in mine), Decimal(0))

    def fen_of(self, year: int) -> int:
        mine = self._mine(year)
        return sum(self.fens if mine is None else (self.fens[i] for i in mine))

    def stored(self, vid: int, sheet_id: int, first_seq: int) -> Iterator[tuple[Any, ...]]:
        """The rows in the order of :data:`ROW_COLUMNS`."""
        n = len(self.fens)
        return zip(repeat(vid, n), count(first_seq), repeat(sheet_id, n), *self.columns, self.texts, self.fens,
                   self.extra)


ROW_COLUMNS = ("version_id", "seq", "sheet_id", *Part.COLUMNS, "amount", "amount_fen", "extra")


def _next_number(conn: Connection, submitter: str, year: int) -> int:
    last = conn.execute(_statements()["number"], {"submitter": submitter, "year": year}).scalar()
    return (last or 0) + 1


def _check_new_submitter(conn: Connection, f: FileResult, req: Request, out: Outcome, parts: list[Part],
                         found: list[Issue]) -> None:
    """A submitter new this year whose projects are another submitter's current ones is most likely
    that submitter under another file name: refused (both would count), with the way to say so.
    Compared where one of the two is the jurisdiction itself (奇台县 and 奇台县-财政局, 州本级 and
    州本级-其他部门): a file renamed so is the likely slip; two departments are told apart by name."""
    from sqlalchemy import select

    from .state import current_of

    year = req.period.year
    plain = None if out.submitter == out.jurisdiction else out.jurisdiction  # else: all the others
    others = [v for v in current_of(conn, year, out.jurisdiction, plain) if v.submitter != out.submitter]
    if not others:
        return
    mine = {(u, n) for p in parts for u, n, y in zip(p.columns[10], p.columns[11], p.columns[1]) if y == year}
    r = s.rows.c
    hits: dict[str, list[str]] = {}
    names = sorted({n for _u, n in mine})
    by_id = {v.id: v.submitter for v in others}
    for start in range(0, len(names), 500):  # a bound list of values at a time
        q = select(r.version_id, r.unit_id, r.name_id, r.name).where(
            r.version_id.in_(list(by_id)), r.year == year, r.name_id.in_(names[start:start + 500]))
        for vid, unit_id, name_id, name in conn.execute(q):
            if (unit_id, name_id) in mine:
                hits.setdefault(by_id[vid], []).append(name)
    if not hits:
        return
    other, same = max(hits.items(), key=lambda kv: len(kv[1]))
    found.insert(0, issues_mod.make("same-projects-as-other-submitter", path=f.path, count=len(same), other=other,
                                    example=same[0]))
    out.accepted, out.zero = False, False
    out.errors += 1
    out.issues = found


def _other_submitters(conn: Connection, jurisdiction: str, submitter: str) -> list[str]:
    """The jurisdiction's other submitters, when this one is new to the ledger (else nothing to say)."""
    st = _statements()
    if conn.execute(st["seen"], {"submitter": submitter}).first() is not None:
        return []
    return sorted(conn.execute(st["others"], {"jurisdiction": jurisdiction, "submitter": submitter}).scalars())


def _insert_blob(conn: Connection, sha256: str, data: bytes) -> None:
    conn.execute(_statements(conn.dialect.name)["blob"], {"sha256": sha256, "size": len(data), "content": data})


def _insert_rows(conn: Connection, vid: int, parts: list[Part]) -> None:
    """The sheets and their rows. The rows go straight to the driver's executemany: they are most of
    an ingest's writing, and SQLAlchemy's per-row parameter handling would double its cost."""
    st = _statements()
    seq = 0
    rows: list[tuple[Any, ...]] = []
    for p in parts:
        letters = json.dumps(p.batch.letters or {}, ensure_ascii=False)
        sheet_id = _new_id(conn.execute(st["sheet"], {"version_id": vid, "name": p.batch.sheet, "letters": letters}))
        rows.extend(p.stored(vid, sheet_id, seq))
        seq += len(p.fens)
    if rows:
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        names = ", ".join(f'"{c}"' for c in ROW_COLUMNS)
        conn.exec_driver_sql(f'INSERT INTO "rows" ({names}) VALUES ({", ".join([mark] * len(ROW_COLUMNS))})', rows)


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
