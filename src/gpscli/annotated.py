"""Annotated copies (``gps validate --annotate``, ``gps run``'s 问题标注/) recognised by their content.

A copy carries a 问题清单 sheet that gps put first, and in that sheet's cell :data:`MARK_CELL` a
fingerprint of every other sheet's values as gps wrote them. When such a file comes back in an
inbox, its name says nothing (a county may rename it, or send it back under its own name):

* fingerprint unchanged: it is gps's own copy, not a submission; it is reported and not read;
* fingerprint changed (the county corrected it): it is a submission, and only its 问题清单 sheet
  is left out.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from .readers.grid import SheetGrid, WorkbookData

ISSUE_SHEET = "问题清单"
ISSUE_HEADER = ("序号", "位置", "级别", "问题", "说明", "建议")  # 问题: the issue's Chinese title, not its code
ISSUE_HEADERS_BEFORE = (("序号", "位置", "级别", "代码", "说明", "建议"),)  # copies made by earlier versions
MARK_COLUMN = 7  # 0-based: column H of the header row, hidden
MARK_PREFIX = "gps-fingerprint:"


def is_issue_sheet(grid: SheetGrid) -> bool:
    """The 问题清单 gps writes: that name, and its header in the first row."""
    if grid.name != ISSUE_SHEET or grid.row0 != 0 or not grid.rows:
        return False
    first = grid.rows[0]
    header = tuple(str(v).strip() if v is not None else "" for v in first[: len(ISSUE_HEADER)])
    return header == ISSUE_HEADER or header in ISSUE_HEADERS_BEFORE


def mark_of(grid: SheetGrid) -> str | None:
    """The fingerprint a 问题清单 sheet carries, if any."""
    row = grid.rows[0] if grid.rows else []
    v = row[MARK_COLUMN] if len(row) > MARK_COLUMN else None
    return v[len(MARK_PREFIX):] if isinstance(v, str) and v.startswith(MARK_PREFIX) else None


def fingerprint(wb: WorkbookData) -> str:
    """A digest of the values of every sheet but the 问题清单, as gps's reader sees them."""
    h = hashlib.sha256()
    for grid in wb.sheets:
        if grid.name == ISSUE_SHEET:
            continue
        h.update(b"\x00sheet\x00" + grid.name.encode("utf-8", "surrogatepass"))
        for i, row in enumerate(grid.rows):
            r = grid.row0 + i
            for j, v in enumerate(row):
                if v is None or v == "":
                    continue
                h.update(f"\x00{r},{grid.col0 + j},{_norm(v)}".encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _norm(v: object) -> str:
    if isinstance(v, bool):
        return "T" if v else "F"
    if isinstance(v, (int, float)):
        return repr(float(v))
    if isinstance(v, (dt.datetime, dt.date, dt.time)):
        return v.isoformat()
    return str(v)


def verdict(wb: WorkbookData) -> str | None:
    """"unchanged" (gps's own copy), "edited" (a copy the county corrected), or None (no copy)."""
    sheet = next((g for g in wb.sheets if is_issue_sheet(g)), None)
    if sheet is None:
        return None
    mark = mark_of(sheet)
    if mark is not None and mark == fingerprint(wb):
        return "unchanged"
    return "edited"
