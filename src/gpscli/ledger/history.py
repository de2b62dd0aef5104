"""What changed from one version to the next: rows added, removed and changed, at their cells.

Rows of two versions are matched by their project (购买主体 and 项目名称, folded as duplicate
detection folds them); a project listed twice is matched in order.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..money import amount_str
from ..periods import utc_iso
from ..records import FIELD_LABELS
from ..register import from_json
from . import schema as s
from .state import Version, current, versions

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

COMPARED = ("category", "subcategory", "amount", "method", "supplier", "note")


@dataclass(frozen=True)
class Change:
    kind: str  # added | removed | changed
    unit: str
    name: str
    field: str = ""  # for changed: the field
    before: str = ""
    after: str = ""
    cell: str = ""  # 工作表!G7 in the newer version (in the older one for a removed row)

    def text(self) -> str:
        what = f"{self.unit}「{self.name}」"
        if self.kind == "added":
            return f"新增 {what}({self.after} 万元)"
        if self.kind == "removed":
            return f"删除 {what}({self.before} 万元)"
        return f"{what} {FIELD_LABELS.get(self.field, self.field)}:{self.before or '(空)'} → {self.after or '(空)'}"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "unit": self.unit, "name": self.name, "field": self.field or None,
                "before": self.before, "after": self.after, "cell": self.cell}


@dataclass
class Entry:
    version: Version
    previous: Version | None
    current: bool  # part of its year's state now
    kind: str = ""  # 首报, 补报, 重报, 更正
    changes: list[Change] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        v = self.version
        return {
            "jurisdiction": v.jurisdiction, "submitter": v.submitter, "year": v.year, "period": v.period,
            "version": v.number, "kind": self.kind, "sha256": v.sha256, "file": v.file_name,
            "received_at": utc_iso(v.received_at), "ingested_by": v.ingested_by, "accepted": v.accepted, "rows": v.rows,
            "amount": amount_str(v.amount), "errors": v.errors, "warnings": v.warnings, "reason": v.reason,
            "current": self.current,
            "amount_before": None if self.previous is None else amount_str(self.previous.amount),
            "changes": [c.to_dict() for c in self.changes],
        }


def history(conn: Connection, *, jurisdiction: str | None = None, year: int | None = None) -> list[Entry]:
    """Every version (oldest first), each with what changed since its submitter's previous accepted one."""
    from ..periods import Period

    found = versions(conn, year=year, jurisdiction=jurisdiction)
    found.sort(key=lambda v: (v.jurisdiction, v.submitter, v.year, v.number))
    now_current = {v.id for y in sorted({v.year for v in found}) for v in current(conn, Period(y))}
    rows = rows_of(conn, [v.id for v in found if v.accepted])
    entries: list[Entry] = []
    last: dict[tuple[str, int], Version] = {}
    periods_seen: set[tuple[str, int, str]] = set()
    for v in found:
        prev = last.get((v.submitter, v.year))
        first = (v.submitter, v.year, v.period) not in periods_seen
        periods_seen.add((v.submitter, v.year, v.period))
        entry = Entry(v, prev, v.id in now_current, v.kind(first))
        if v.accepted:
            if prev is not None:
                entry.changes = diff(rows.get(prev.id, []), rows.get(v.id, []))
            last[(v.submitter, v.year)] = v
        entries.append(entry)
    entries.sort(key=lambda e: (e.version.received_at, e.version.id))
    return entries


Row = dict[str, Any]


def rows_of(conn: Connection, ids: list[int]) -> dict[int, list[Row]]:
    """The rows of their year of the versions ``ids``, as :func:`diff` compares them."""
    from sqlalchemy import select

    if not ids:
        return {}
    r, sh = s.rows.c, s.sheets.c
    v = s.versions.c
    q = (select(r.version_id, r.row, r.unit, r.name, r.unit_id, r.name_id, r.category, r.subcategory, r.amount,
                r.method, r.supplier, r.note, r.extra, sh.name.label("sheet"), sh.letters)
         .join(s.sheets, s.sheets.c.id == r.sheet_id).join(s.versions, v.id == r.version_id)
         .where(r.version_id.in_(ids), r.year == v.year).order_by(r.version_id, r.seq))
    out: dict[int, list[Row]] = defaultdict(list)
    letters: dict[str, dict[str, str]] = {}
    for m in conn.execute(q).mappings():
        row = dict(m)
        row["letters"] = letters.setdefault(m["letters"], json.loads(m["letters"]))
        row["extra"] = from_json(m["extra"])
        out[m["version_id"]].append(row)
    return out


def diff(old: list[Row], new: list[Row]) -> list[Change]:
    """The changes from ``old`` rows to ``new`` rows."""
    pending: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for r in old:
        pending[(r["unit_id"], r["name_id"])].append(r)
    out: list[Change] = []
    for r in new:
        matches = pending.get((r["unit_id"], r["name_id"]))
        if not matches:
            out.append(Change("added", r["unit"], r["name"], after=r["amount"], cell=_cell(r, "amount")))
            continue
        before = matches.pop(0)
        for f in COMPARED:
            a, b = before[f], r[f]
            if f == "amount":
                if Decimal(a) != Decimal(b):
                    out.append(Change("changed", r["unit"], r["name"], f, a, b, _cell(r, f)))
            elif (a or "") != (b or ""):
                out.append(Change("changed", r["unit"], r["name"], f, a or "", b or "", _cell(r, f)))
        out += _register_changes(before, r)
    for rest in pending.values():
        for r in rest:
            out.append(Change("removed", r["unit"], r["name"], before=r["amount"], cell=_cell(r, "amount")))
    return out


def _register_changes(before: Row, after: Row) -> list[Change]:
    """The register's fields (gpscli.register) that changed between two versions of a row."""
    from ..register import FIELDS

    a, b = before["extra"], after["extra"]
    out = []
    for f in FIELDS:
        old, new = a.get(f.name), b.get(f.name)
        if old != new:
            out.append(Change("changed", after["unit"], after["name"], f.name, _text(old), _text(new),
                              _cell(after, f.name)))
    return out


def _text(value: object) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _cell(r: Row, field_name: str) -> str:
    letter = r["letters"].get(field_name)
    where = f"{letter}{r['row']}" if letter else f"第{r['row']}行"
    return f"{r['sheet']}!{where}"

