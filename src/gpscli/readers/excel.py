"""xlsx, xlsm, xlsb, xls and ods through python-calamine (one fast native reader for all).

Cells keep the coordinates Excel shows: rows are read from A1 (``skip_empty_area=False``), so a
table starting at C5 is still at C5. What calamine does not tell is filled in from the file:
formula cells without a cached value and cached errors (xlsx, by :mod:`.xlsx_scan`; ods here),
merged ranges of ods sheets, and hidden rows and columns (xlsx and xls by their pre-flight scans,
ods here), clipped to the grid.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from ..errors import describe
from .grid import ReadError, SheetGrid, StreamedRows, WorkbookData
from .limits import Limits
from .scan_other import scan_ods
from .sniff import Package
from .xlsx_scan import SheetChecks, SheetScan, scan_xlsx

_ODS_ERROR = re.compile(r"^(#[A-Z0-9/]+[!?]?|#N/A|Err:\d+)$")


def read_excel(path: Path, fmt: str, limits: Limits, careful: bool = True, pkg: Package | None = None,
               data: bytes | None = None) -> WorkbookData:
    try:
        return _read_excel(path, fmt, limits, careful, pkg, data)
    except ReadError as exc:
        if fmt != "xlsx" or "float" not in str(exc):
            raise
        # calamine refuses a number written with spaces around it (<v> 1200 </v>), which Excel and
        # LibreOffice read as 1200: read such a file again with the spaces taken out.
        trimmed = _trim_values(data if data is not None else path.read_bytes())
        if trimmed is None:
            raise
        from .sniff import sniff_package

        _fmt, pkg = sniff_package(path, trimmed[:8192], limits, trimmed)
        return _read_excel(path, fmt, limits, True, pkg, trimmed)


_SPACED_VALUE = re.compile(rb"<((?:[\w.-]+:)?v)>\s*([^<]*?)\s*</\1>")


def _trim_values(data: bytes) -> bytes | None:
    """The workbook with the spaces around cell values removed, or None if there were none."""
    out = io.BytesIO()
    changed = False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                part = zin.read(info.filename)
                if info.filename.lower().startswith("xl/worksheets/") and info.filename.lower().endswith(".xml"):
                    fixed = _SPACED_VALUE.sub(rb"<\1>\2</\1>", part)
                    changed = changed or fixed != part
                    part = fixed
                zout.writestr(info, part)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        return None
    return out.getvalue() if changed else None


def _read_excel(path: Path, fmt: str, limits: Limits, careful: bool, pkg: Package | None,
                data: bytes | None) -> WorkbookData:
    import python_calamine as pc

    scans: dict[str, SheetScan] = {}
    checks: SheetChecks | None = None
    ods_extra: dict[str, _OdsSheet] = {}
    if fmt == "xlsx":
        if careful:
            scans = scan_xlsx(str(path), limits, pkg)
        else:
            checks = SheetChecks(str(path), limits, pkg)
            if checks.suspect:  # a far cell at the bottom of a small sheet: say so before parsing
                scans, checks = scan_xlsx(str(path), limits, pkg), None
    elif fmt == "xls":
        from .scan_other import scan_xls

        scans = scan_xls(str(path), limits, data, light=not careful)
    elif fmt == "ods":
        scan_ods(str(path), limits)
        ods_extra = _scan_ods_content(path, data)
    elif fmt == "xlsb":
        from .zipparts import check_zip

        check_zip(str(path), limits).close()
    try:
        with (open(path, "rb") if data is None else io.BytesIO(data)) as fh:
            wb = pc.CalamineWorkbook.from_filelike(fh)
    except pc.PasswordError as exc:
        raise ReadError("工作簿设有密码保护(已加密),无法读取;请取消密码后重新提交") from exc
    except BaseException as exc:
        _reraise_control(exc)
        _explain(path, fmt, limits, checks)
        raise ReadError(f"文件已损坏,无法解析({_reason(exc)})") from exc
    try:
        sheets = _grids(wb, path, fmt, limits, checks, light=not careful, data=data)
        if checks is not None:
            scans = checks.wait()
    finally:
        try:
            wb.close()
        except Exception:
            pass
    if any(isinstance(g.rows, StreamedRows) for g in sheets):
        give_back_freed_memory()  # the parser's shared strings and zip buffers, before the records grow
    for grid in sheets:
        _add_scans(grid, scans.get(grid.name), ods_extra.get(grid.name))
    return WorkbookData(fmt, sheets)


def give_back_freed_memory() -> None:
    """glibc keeps memory the parser freed (many small allocations) as part of the process until
    told otherwise: a big workbook's shared strings are tens of MB no one uses any more."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc: nothing to do


def _grids(wb, path: Path, fmt: str, limits: Limits, checks: SheetChecks | None, light: bool = False,
           data: bytes | None = None) -> list[SheetGrid]:
    """Every worksheet (not chart sheets) as a grid in Excel's coordinates. ``light`` (a guarded
    worker): an .xls's extent is checked here, after the light pre-check (``data``: its bytes, if
    at hand), and a big sheet's rows are made window by window (:class:`StreamedRows`)."""
    metas = list(wb.sheets_metadata)
    if not metas:
        raise ReadError("工作簿里没有任何工作表(文件结构不完整)")
    sheets: list[SheetGrid] = []
    for index, meta in enumerate(metas):
        if str(meta.typ).split(".")[-1] not in ("WorkSheet",):
            continue  # a chart sheet
        try:
            sheet = wb.get_sheet_by_index(index)
            if checks is not None:
                _check_extent(sheet, meta.name, path, limits, checks)
            elif light and fmt == "xls":
                from .scan_other import check_xls_extent

                check_xls_extent(sheet, meta.name, str(path), limits, data)
            merged = _merged(sheet)
            if light and _streamable(sheet, merged):
                sheets.append(_streamed(sheet, meta, merged))
                continue
            # From A1 whatever the first used cell: the grid's coordinates are Excel's.
            rows = sheet.to_python(skip_empty_area=False)
        except ReadError:
            raise
        except BaseException as exc:
            _reraise_control(exc)
            _explain(path, fmt, limits, checks)
            raise ReadError(f"工作表「{meta.name}」已损坏,无法解析({_reason(exc)})") from exc
        row0 = 0
        while row0 < len(rows) and not any(v not in (None, "") for v in rows[row0]):
            row0 += 1  # leading empty rows need no memory; row0 keeps the numbering
        sheets.append(SheetGrid(meta.name, rows[row0:] if row0 else rows, row0, 0, merged, _hidden(meta)))
    return sheets


# A sheet of more rows than this is read window by window (StreamedRows) by a guarded worker: the
# Python lists of a whole 500,000-row sheet would cost more memory than calamine's own grid.
STREAM_ROWS = 50_000
_HEAD_ROWS = 256  # the title and header area, kept as lists (layout.detect looks at the first 40)


def _streamable(sheet, merged: list[tuple[int, int, int, int]]) -> bool:
    """Big, starting in column A (then iter_rows gives the rows to_python(skip_empty_area=False)
    would), merged ranges only in the head (their values are looked up wherever they are)."""
    start, end = sheet.start, sheet.end
    return (start is not None and end is not None and end[0] + 1 > STREAM_ROWS and start[1] == 0
            and all(r2 < _HEAD_ROWS for _r1, _c1, r2, _c2 in merged))


def _streamed(sheet, meta, merged: list[tuple[int, int, int, int]]) -> SheetGrid:
    end = sheet.end
    rows = StreamedRows(sheet.iter_rows, end[0] + 1, end[1] + 1, _HEAD_ROWS)
    row0 = 0
    while row0 < len(rows.head) and not any(v not in (None, "") for v in rows.head[row0]):
        row0 += 1  # leading empty rows, as for a whole grid (none in a sheet with a title in A1)
    if row0:  # rare in a big sheet: read it whole rather than shift the streamed rows
        return SheetGrid(meta.name, sheet.to_python(skip_empty_area=False)[row0:], row0, 0, merged, _hidden(meta))
    return SheetGrid(meta.name, rows, 0, 0, merged, _hidden(meta))  # type: ignore[arg-type]


def _hidden(meta) -> bool:
    return str(meta.visible).split(".")[-1] != "Visible"


def _merged(sheet) -> list[tuple[int, int, int, int]]:
    try:
        return [(r1, c1, r2, c2) for (r1, c1), (r2, c2) in sheet.merged_cell_ranges or []]
    except Exception:
        return []


def _add_scans(grid: SheetGrid, scan: SheetScan | None, extra: _OdsSheet | None) -> None:
    """What the pre-flight scans found that calamine does not tell: formula flags and cached errors,
    hidden rows and columns, and (ods) merged ranges; merged ranges cut to the grid."""
    if scan is not None:
        grid.flags, grid.errors = scan.flags, scan.errors
        _set_hidden(grid, scan.hidden_rows, scan.hidden_cols)
    if extra is not None:
        if not grid.merged:
            grid.merged = extra.merged
        grid.flags.update(extra.flags)
        grid.errors.update(extra.errors)
        _set_hidden(grid, extra.hidden_rows, extra.hidden_cols)
    if grid.merged:
        grid.merged = clip_merged(grid.merged, grid.end_row, grid.end_col)


def clip_merged(merged: list[tuple[int, int, int, int]], end_row: int, end_col: int) -> list[tuple[int, int, int, int]]:
    """Merged ranges cut to the grid: a range declared to span a million rows (a crafted
    rows-spanned) covers no more than the rows that exist, so nothing later walks the rest."""
    return [(r1, c1, min(r2, end_row - 1), min(c2, end_col - 1))
            for r1, c1, r2, c2 in merged if r1 < end_row and c1 < end_col]


def _set_hidden(grid: SheetGrid, rows: list[tuple[int, int]], cols: list[tuple[int, int]]) -> None:
    """Hidden rows and columns, given as inclusive ranges, onto the grid as indices inside it."""
    if rows:
        grid.hidden_rows = _indices(rows, grid.end_row)
    if cols:
        grid.hidden_cols = _indices(cols, grid.end_col)


def _indices(ranges: list[tuple[int, int]], end: int) -> frozenset[int]:
    """The indices under ``end`` of inclusive 0-based ranges: a hidden run out to row 1048576 or
    column XFD costs no more than the grid it overlaps."""
    out: set[int] = set()
    for first, last in ranges:
        last = min(last, end - 1)
        if first <= last:
            out.update(range(max(first, 0), last + 1))
    return frozenset(out)


def _reraise_control(exc: BaseException) -> None:
    if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
        raise exc


def _check_extent(sheet, name: str, path: Path, limits: Limits, checks: SheetChecks) -> None:
    """After the light pre-flight: refuse a grid the parser built that is too big or too sparse
    to hand on, before it becomes Python objects. The reason comes from the full scan."""
    end = sheet.end
    if end is None:
        return
    height, width = end[0] + 1, end[1] + 1
    cells = height * width
    if height <= limits.max_rows and cells <= limits.max_cells:
        if cells <= limits.sparse_min_cells:
            return
        if checks.valued(str(path), limits, name) >= cells * limits.sparse_fill:
            return
    _explain(path, "xlsx", limits, checks)
    raise ReadError(f"工作表「{name}」的数据区域达 {height} 行 × {width} 列,过大或过于稀疏(疑似异常文件);"
                    "请删除多余的行列后重新保存")


def _explain(path: Path, fmt: str, limits: Limits, checks: SheetChecks | None) -> None:
    """In light mode, when the parser fails or refuses: the full pre-flight names the reason
    (a far cell, a damaged part...) if it finds one; it raises it as a ReadError."""
    if checks is None or fmt != "xlsx":
        return
    try:
        checks.wait()
    except ReadError:
        raise
    except Exception:
        pass
    scan_xlsx(str(path), limits)


class _OdsSheet:
    __slots__ = ("errors", "flags", "hidden_cols", "hidden_rows", "merged")

    def __init__(self) -> None:
        self.merged: list[tuple[int, int, int, int]] = []
        self.flags: dict[tuple[int, int], str] = {}
        self.errors: dict[tuple[int, int], str] = {}
        self.hidden_rows: list[tuple[int, int]] = []  # inclusive 0-based ranges, clipped by the reader
        self.hidden_cols: list[tuple[int, int]] = []


_T = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_O = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TABLE, _ROW, _CELL, _COVERED = f"{{{_T}}}table", f"{{{_T}}}table-row", f"{{{_T}}}table-cell", f"{{{_T}}}covered-table-cell"
_COLUMN, _VISIBILITY = f"{{{_T}}}table-column", f"{{{_T}}}visibility"
_ROWS_REPEATED, _COLS_REPEATED = f"{{{_T}}}number-rows-repeated", f"{{{_T}}}number-columns-repeated"
_HIDDEN_VISIBILITY = ("collapse", "filter")  # hidden (by hand or a collapsed outline), filtered out
_MAX_REPEAT = 1_048_576


def _scan_ods_content(path: Path, data: bytes | None = None) -> dict[str, _OdsSheet]:
    """Merged ranges (calamine gives none for ods), formula cells whose result is missing or an
    error (#DIV/0!, Err:502), and hidden rows and columns (table:visibility "collapse" or "filter"
    on a table-row or table-column, in column groups and header columns too), by sheet. Repeated
    rows and columns are kept as ranges. content.xml must be well-formed XML with numeric repeat
    and span attributes: calamine reads some broken ones anyway, and would silently drop a row
    LibreOffice refuses to show; such a file is refused here."""
    # long: one streaming pass over content.xml, a state machine over table, row, column and cell events
    from lxml import etree

    out: dict[str, _OdsSheet] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data) if data is not None else path) as zf, zf.open("content.xml") as fh:
            sheet: _OdsSheet | None = None
            r = c = col = 0
            for event, el in etree.iterparse(fh, events=("start", "end"), resolve_entities=False, no_network=True,
                                             huge_tree=False):
                tag = el.tag
                if event == "start":
                    if tag == _TABLE:
                        sheet = out.setdefault(el.get(f"{{{_T}}}name", ""), _OdsSheet())
                        r = col = 0
                    elif tag == _ROW:
                        c = 0
                    continue
                if tag in (_CELL, _COVERED) and sheet is not None:
                    repeat = min(int(el.get(f"{{{_T}}}number-columns-repeated", "1") or 1), _MAX_REPEAT)
                    if tag == _CELL:
                        rs = int(el.get(f"{{{_T}}}number-rows-spanned", "1") or 1)
                        cs = int(el.get(f"{{{_T}}}number-columns-spanned", "1") or 1)
                        if rs > 1 or cs > 1:
                            sheet.merged.append((r, c, r + rs - 1, c + cs - 1))
                        if el.get(f"{{{_T}}}formula") is not None:
                            vtype = el.get(f"{{{_O}}}value-type")
                            text = "".join(el.itertext()).strip()
                            if vtype is None and not text:
                                sheet.flags[(r, c)] = "formula-without-value"
                            elif vtype in (None, "string") and _ODS_ERROR.match(text):
                                sheet.flags[(r, c)] = "formula-error"
                                sheet.errors[(r, c)] = text
                    c += repeat
                    el.clear()
                elif tag == _ROW:
                    rows = min(int(el.get(_ROWS_REPEATED, "1") or 1), _MAX_REPEAT)
                    if sheet is not None and el.get(_VISIBILITY) in _HIDDEN_VISIBILITY and rows > 0:
                        sheet.hidden_rows.append((r, r + rows - 1))
                    r += rows
                    el.clear()
                elif tag == _COLUMN and sheet is not None:
                    cols = min(int(el.get(_COLS_REPEATED, "1") or 1), _MAX_REPEAT)
                    if el.get(_VISIBILITY) in _HIDDEN_VISIBILITY and cols > 0:
                        sheet.hidden_cols.append((col, col + cols - 1))
                    col += max(cols, 0)
                elif tag == _TABLE:
                    sheet = None
                    el.clear()
    except etree.XMLSyntaxError as exc:
        raise ReadError(f"文件已损坏:表格内容(content.xml)不是完整的 XML(第 {exc.lineno} 行附近),"
                        "请用 LibreOffice 或 WPS 打开后重新保存") from exc
    except ValueError as exc:
        raise ReadError("文件结构异常:表格中行、列的重复或合并次数不是数字,"
                        "请用 LibreOffice 或 WPS 打开后重新保存") from exc
    except (KeyError, zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ReadError(f"文件已损坏:找不到或无法解压表格内容 content.xml({describe(exc)})") from exc
    return out


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    said = describe(exc)
    return f"{said}:{text[:120]}" if text else said
