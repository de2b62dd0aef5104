"""Annotated copies for the county: each offending cell filled and commented, plus a 问题清单 sheet.

The original is never touched: xlsx/xlsm files are copied through openpyxl; other formats
(xls, ods, csv, html) are rebuilt as xlsx from what the reader saw, in the same cells. The
问题清单 sheet carries a fingerprint of the copy's values (:mod:`gpscli.annotated`), so that a copy
sent back unchanged is recognised as gps's own, and a corrected one as a submission.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path, PurePath

from ..annotated import ISSUE_HEADER, ISSUE_SHEET, MARK_COLUMN, MARK_PREFIX, fingerprint
from ..issues import REGISTRY, Issue
from ..readers import Limits
from ..records import FileResult
from ..text import strip_illegal
from .atomic import atomic_open
from .printing import for_a4
from .safe import cell_text

ERROR_FILL = "FFC7CE"
WARNING_FILL = "FFEB9C"
ANNOTATED_SUFFIX = "-问题标注"


def wanted(files: Iterable[FileResult]) -> list[FileResult]:
    """The files that get an annotated copy: read, not a duplicate, with at least one issue."""
    return [f for f in files if f.issues and not f.ignored and f.format]


def annotated_names(files: list[FileResult]) -> dict[str, str]:
    """A distinct copy name for each file: ``原名-问题标注.xlsx``; where two files would share it
    (昌吉市.xls and 昌吉市.xlsx, or equal names in two folders), the extension or the folder is
    added (``昌吉市(xls)-问题标注.xlsx``, ``昌吉市(县A)-问题标注.xlsx``), then a number."""
    def base(f: FileResult, tag: str = "") -> str:
        p = PurePath(f.path)
        suffix = ".xlsm" if p.suffix.lower() == ".xlsm" else ".xlsx"
        return f"{p.stem}{f'({tag})' if tag else ''}{ANNOTATED_SUFFIX}{suffix}"

    groups: dict[str, list[FileResult]] = defaultdict(list)
    for f in files:
        groups[base(f).lower()].append(f)
    out: dict[str, str] = {}
    used: set[str] = set()
    for same in groups.values():
        for f in same:
            name = base(f)
            if len(same) > 1:
                p = PurePath(f.path)
                exts = {PurePath(g.path).suffix.lower() for g in same}
                tag = p.suffix.lstrip(".").lower() if len(exts) == len(same) else (p.parent.name or "")
                name = base(f, tag)
            n = 2
            candidate = name
            while candidate.lower() in used:
                stem, dot, ext = name.rpartition(".")
                candidate = f"{stem}({n}){dot}{ext}"
                n += 1
            used.add(candidate.lower())
            out[f.path] = candidate
    return out


def write_all(files: list[FileResult], place: Callable[[str], Path],
              on_failure: Callable[[FileResult, str], None], limits: Limits | None = None) -> list[Path]:
    """Annotated copies of every file that needs one; ``place(name)`` gives each its path.

    Each copy is made in a worker process under the same limits as reading (memory, CPU, wall
    clock): opening an untrusted workbook with openpyxl is as risky as parsing it. A copy that
    cannot be made from its file (damaged, too big for the limits) is reported by ``on_failure``;
    a place that cannot be written raises :class:`OutputError` (nothing else would fare better)."""
    from collections import deque

    from .. import pool
    from ..readers import Limits as _Limits
    from ..sandbox import death_reason, limit_worker
    from .atomic import OutputError

    limits = limits or _Limits()
    todo = wanted(files)
    names = annotated_names(todo)
    tasks = [(FileResult(path=f.path, format=f.format, issues=list(f.issues)), place(names[f.path])) for f in todo]
    written: dict[int, Path] = {}
    unwritable: list[str] = []

    def done(n: int, outcome: tuple[str, str]) -> None:
        kind, text = outcome
        if kind == "ok":
            written[n] = Path(text)
        elif kind == "unwritable":
            unwritable.append(text)
        else:
            on_failure(todo[n], text)

    def died(n: int, code: int | None) -> None:
        on_failure(todo[n], "生成副本时" + death_reason(code, limits))

    def late(n: int) -> None:
        on_failure(todo[n], f"生成副本超过 {limits.wall} 秒仍未完成,已放弃(文件过大或结构异常)")

    if tasks:
        try:
            pool.run(tasks, deque(range(len(tasks))), _annotate_task, workers=1, depth=1, initializer=limit_worker,
                     initargs=(limits,), wall_seconds=limits.wall, on_result=done, on_death=died, on_late=late)
        except pool.StartFailed:
            for f in todo:
                on_failure(f, "无法启动生成副本的进程(内存上限 memory_mb 是否设得过低?)")
    if unwritable:
        raise OutputError(unwritable[0])
    return [written[n] for n in sorted(written)]


def _annotate_task(task: tuple[FileResult, Path]) -> tuple[str, str]:
    """In a limited worker: ("ok", path), ("unwritable", message) or ("failed", reason)."""
    from ..sandbox import cpu_budget, crash_hook
    from .atomic import OutputError

    cpu_budget()
    result, target = task
    crash_hook(Path(result.path), "annotate-")
    try:
        return "ok", str(annotate(result, target))
    except OutputError as exc:
        return "unwritable", str(exc)
    except (MemoryError, SystemError):
        return "failed", "内存超出上限(文件过大或结构异常),未生成副本"
    except Exception as exc:
        return "failed", _why(exc)


def _why(exc: BaseException) -> str:
    if isinstance(exc, MemoryError):
        return "文件过大,内存不足"
    if isinstance(exc, OSError):
        from .atomic import os_reason

        return os_reason(exc)
    return "文件结构异常,无法复制(原文件未改动)"


def _open_copy(path: Path):
    import openpyxl

    from ..readers import read_workbook

    with open(path, "rb") as fh:
        head = fh.read(4)
    if head.startswith(b"PK") and path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            return openpyxl.load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm")
        except Exception:
            pass
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for grid in read_workbook(path).sheets:
        ws = wb.create_sheet(cell_text(grid.name)[:31] or "Sheet")
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


def _plain(text: str) -> str:
    return strip_illegal(text)[0]


def annotate(result: FileResult, target: Path) -> Path:
    """Write the annotated copy of one file (which has issues) to ``target``."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    issues: list[Issue] = result.issues
    wb = _open_copy(Path(result.path))
    by_cell: dict[tuple[str, str], list[Issue]] = {}
    for i in issues:
        if i.sheet and i.cell and i.sheet in wb.sheetnames:
            by_cell.setdefault((i.sheet, i.cell), []).append(i)
    for (sheet, cell), found in by_cell.items():
        try:
            c = wb[sheet][cell]
        except (ValueError, KeyError):
            continue
        worst = ERROR_FILL if any(i.is_error for i in found) else WARNING_FILL
        c.fill = PatternFill("solid", fgColor=worst)
        text = "\n".join(f"[{i.severity.label}] {i.message}" + (f"\n建议:{i.hint}" if i.hint else "") for i in found)
        c.comment = Comment(_plain(text), "gps validate", width=320, height=120)
    if ISSUE_SHEET in wb.sheetnames:
        del wb[ISSUE_SHEET]
    ws = wb.create_sheet(ISSUE_SHEET, 0)
    ws.append(list(ISSUE_HEADER))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for n, i in enumerate(issues, start=1):
        ws.append([n, cell_text(i.location or "(整个文件)"), i.severity.label, REGISTRY[i.code].title,
                   cell_text(i.message), cell_text(i.hint or "")])
        for cell in ws[ws.max_row][3:6]:  # the title, the message and the hint wrap in their columns
            cell.alignment = wrap
    for letter, width in zip("ABCDEF", (6, 20, 8, 28, 60, 44)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    mark_letter = chr(ord("A") + MARK_COLUMN)
    ws.column_dimensions[mark_letter].hidden = True
    for_a4(ws, landscape=True, title_rows="1:1")
    ws.cell(row=1, column=MARK_COLUMN + 1, value=MARK_PREFIX + _fingerprint_of(wb))
    with atomic_open(target, "wb") as fh:
        wb.save(fh)
    return target


def _fingerprint_of(wb) -> str:
    """The fingerprint of the copy as gps's reader will see it when it comes back (the mark
    itself sits in the 问题清单 sheet, which the fingerprint leaves out)."""
    from ..readers import read_workbook

    buf = io.BytesIO()
    wb.save(buf)
    return fingerprint(read_workbook(Path("copy.xlsx"), data=buf.getvalue()))
