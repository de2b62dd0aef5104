"""报送情况: for every jurisdiction of the profile, what it has sent for one period, and whether late.

A jurisdiction has **已报送** when an accepted version with project rows is tagged with the
period, **零报告** when its accepted versions have a header and no rows, **有错误待更正** when it
has sent only files with errors, and **未报送** when nothing came. It is **逾期** when the
period's deadline (``[deadlines]`` in gps.toml) passed before an accepted version came.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..money import amount_str, from_fen
from ..periods import utc_iso
from . import schema as s
from .state import Version, versions

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from ..periods import Period

SUBMITTED, ZERO, ERRORS, MISSING = "已报送", "零报告", "有错误待更正", "未报送"


@dataclass
class Line:
    jurisdiction: str
    status: str
    version: int | None = None  # its current version (else its latest, with errors) for the period
    received_at: dt.datetime | None = None  # of that version (UTC)
    rows: int = 0
    amount: Decimal = field(default_factory=Decimal)
    errors: int = 0  # in versions sent after its last accepted one (waiting for a corrected file)
    overdue: bool = False
    submitters: list[str] = field(default_factory=list)

    @property
    def counted(self) -> bool:
        """Has an accepted version (its rows, 0 for a 零报告, are this period's figures)."""
        return self.status in (SUBMITTED, ZERO)

    @property
    def needs_reminder(self) -> bool:
        """On the 催报 list: nothing accepted yet, or a corrected file awaited (a late report that came is
        shown as late, but needs no reminder)."""
        return self.status in (MISSING, ERRORS) or self.errors > 0

    @property
    def shown_status(self) -> str:
        if self.overdue:
            return f"{self.status}(逾期)" if self.status != MISSING else "逾期未报"
        return self.status

    def to_dict(self) -> dict[str, Any]:
        return {"jurisdiction": self.jurisdiction, "status": self.status, "version": self.version,
                "received_at": utc_iso(self.received_at), "rows": self.rows, "amount": amount_str(self.amount),
                "errors": self.errors, "overdue": self.overdue, "submitters": self.submitters}


@dataclass
class Status:
    period: Period
    deadline: dt.date | None
    lines: list[Line]
    locked: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"period": self.period.label, "deadline": self.deadline.isoformat() if self.deadline else None,
                "locked": self.locked, "jurisdictions": [x.to_dict() for x in self.lines]}


def status(conn: Connection, period: Period, jurisdictions: list[str], deadline: dt.date | None,
           today: dt.date | None = None) -> Status:
    from .store import locked

    today = today or dt.date.today()
    by_jur: dict[str, list[Version]] = {}
    for v in versions(conn, year=period.year, period=period.label):
        by_jur.setdefault(v.jurisdiction, []).append(v)
    sums = _sums(conn, [v for vs in by_jur.values() for v in _latest_accepted(vs)])
    lines = [_line(j, by_jur.get(j, []), sums, deadline, today) for j in jurisdictions]
    return Status(period, deadline, lines, locked(conn, period))


def _latest_accepted(vs: list[Version]) -> list[Version]:
    best: dict[str, Version] = {}
    for v in vs:
        if v.accepted and (v.submitter not in best or v.sort_key > best[v.submitter].sort_key):
            best[v.submitter] = v
    return list(best.values())


def _sums(conn: Connection, chosen: list[Version]) -> dict[str, tuple[int, int]]:
    """Rows and fen per jurisdiction, summed by the database over the chosen versions."""
    from sqlalchemy import func, select

    if not chosen:
        return {}
    v = s.versions.c
    q = (select(v.jurisdiction, func.sum(v.rows), func.sum(v.amount_fen))
         .where(v.id.in_([x.id for x in chosen])).group_by(v.jurisdiction))
    return {j: (int(n or 0), int(fen or 0)) for j, n, fen in conn.execute(q)}


def _line(j: str, vs: list[Version], sums: dict[str, tuple[int, int]], deadline: dt.date | None,
          today: dt.date) -> Line:
    line = Line(j, MISSING, submitters=sorted({v.submitter for v in vs if v.accepted}))
    if vs:
        latest = max(vs, key=lambda v: v.sort_key)
        line.version, line.received_at = latest.number, latest.received_at
    accepted = _latest_accepted(vs)
    if accepted:
        current = max(accepted, key=lambda v: v.sort_key)
        line.version, line.received_at = current.number, current.received_at
        n, fen = sums.get(j, (0, 0))
        line.rows, line.amount = n, from_fen(fen)
        line.status = SUBMITTED if n else ZERO
        newest_ok = {v.submitter: v.sort_key for v in accepted}
        taken = {v.sha256 for v in vs if v.accepted}  # a refused file later taken as another submitter's
        line.errors = sum(v.errors for v in vs if not v.accepted and v.sha256 not in taken
                          and ((k := newest_ok.get(v.submitter)) is None or v.sort_key > k))
    elif vs:
        line.status = ERRORS
        line.errors = latest.errors
    if deadline is not None:
        first_ok = min((_local_date(v.received_at) for v in vs if v.accepted), default=None)
        line.overdue = first_ok > deadline if first_ok is not None else today > deadline
    return line


def _local_date(t: dt.datetime) -> dt.date:
    return t.replace(tzinfo=dt.UTC).astimezone().date()

