"""Annotated copies for the county: each offending cell filled and commented, plus a 问题清单 sheet.

The original is never touched: xlsx/xlsm files are copied through openpyxl; other formats
(xls, ods, csv, html) are rebuilt as xlsx from what the reader saw, in the same cells.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..issues import Issue
from ..records import FileResult
from .atomic import atomic_open
from .safe import cell_text

ERROR_FILL = "FFC7CE"
WARNING_FILL = "FFEB9C"
ISSUE_SHEET = "问题清单"


def annotated_name(path: str) -> str:
    p = Path(path)
    suffix = ".xlsm" if p.suffix.lower() == ".xlsm" else ".xlsx"
    from ..ingest import ANNOTATED_SUFFIX

    return f"{p.stem}{ANNOTATED_SUFFIX}{suffix}"


def _open_copy(path: Path):
    import openpyxl

    from ..readers import read_workbook

    head = path.read_bytes()[:4]
    if head.startswith(b"PK") and path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            return openpyxl.load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm")
        except Exception:  # noqa: BLE001 - fall back to rebuilding from the reader's view
            pass
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for grid in read_workbook(path).sheets:
        ws = wb.create_sheet(grid.name[:31])
        for i, row in enumerate(grid.rows):
            for j, v in enumerate(row):
                if v not in (None, ""):
                    ws.cell(row=grid.row0 + i + 1, column=grid.col0 + j + 1, value=_cell_value(v))
    return wb


_PLAIN_NUMBER = re.compile(r"^-?\d{1,15}(\.\d{1,10})?$")


def _cell_value(v):
    """Text from CSV/HTML that is a plain number goes back as a number (no ' guard shown on -5)."""
    if isinstance(v, str):
        s = v.strip()
        if _PLAIN_NUMBER.match(s):
            return int(s) if "." not in s else float(s)
        return cell_text(v)
    return v


def annotate(result: FileResult, out_dir: Path) -> Path | None:
    """Write the annotated copy of one file; None when it has no issues."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    issues: list[Issue] = result.issues
    if not issues:
        return None
    wb = _open_copy(Path(result.path))
    by_cell: dict[tuple[str, str], list[Issue]] = {}
    for i in issues:
        if i.sheet and i.cell and i.sheet in wb.sheetnames:
            by_cell.setdefault((i.sheet, i.cell), []).append(i)
    for (sheet, cell), found in by_cell.items():
        c = wb[sheet][cell]
        worst = ERROR_FILL if any(i.is_error for i in found) else WARNING_FILL
        c.fill = PatternFill("solid", fgColor=worst)
        text = "\n".join(f"[{i.severity.label}] {i.message}" + (f"\n建议:{i.hint}" if i.hint else "") for i in found)
        c.comment = Comment(text, "gps validate", width=320, height=120)
    if ISSUE_SHEET in wb.sheetnames:
        del wb[ISSUE_SHEET]
    ws = wb.create_sheet(ISSUE_SHEET, 0)
    headers = ["序号", "位置", "级别", "代码", "说明", "建议"]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for n, i in enumerate(issues, start=1):
        ws.append([n, i.location or "(整个文件)", i.severity.label, i.code, cell_text(i.message), cell_text(i.hint or "")])
    for letter, width in zip("ABCDEF", (6, 20, 8, 22, 70, 50)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    target = out_dir / annotated_name(result.path)
    with atomic_open(target, "wb") as fh:
        wb.save(fh)
    return target
