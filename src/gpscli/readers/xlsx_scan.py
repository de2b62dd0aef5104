"""Pre-flight checks of workbooks before any parser sees them, and what python-calamine cannot tell us.

Run before the native reader, which can abort the whole process or exhaust memory:
- zip bombs (:mod:`.zipparts`): central directory size and member count (read from the end
  record before ``zipfile`` parses it), declared uncompressed sizes, compression ratio;
- XML bombs: no part may carry a DTD (<!DOCTYPE / <!ENTITY); real OOXML and ODF never do;
- absurd sheets, in every format calamine reads (xlsx, xlsb, xls, ods): the rows and columns its
  dense grid would span, counted from the cells that hold a value, as calamine does (empty
  styled cells out to XFD1048576 are common and harmless; one *value* there makes calamine
  allocate 512 GB and abort, upstream calamine#693). A sheet whose grid would be too big, or
  mostly empty because of a stray far cell, is refused with the far cell named;
- formulas (xlsx): a formula cell without a cached value (calamine drops it) and a cell whose
  cached value is an error such as #DIV/0! (calamine returns '');
- hidden rows and columns (xlsx, :mod:`.hidden`): ``<row hidden="1">`` (AutoFilter writes
  filtered-out rows so too) and ``<col min max hidden="1">``, which calamine does not report.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field

from .bytescan import ROW_ATTR_R as _ROW_ATTR_R
from .bytescan import TAG_REST as _TAG_REST
from .bytescan import contains as _contains
from .bytescan import num as _num
from .extent import Extent as _Extent  # scan_other imports it from here too
from .grid import ReadError, col_letter
from .hidden import hidden_cells as _hidden_cells
from .limits import Limits
from .sniff import Package, attrs, ooxml_package, relationships, xml_unescape
from .zipparts import _read_part, check_zip

# calamine takes any number of letters, either case, and any digits (wrapping at 2**32) in r="":
# so do we, and a reference past what a legitimate file holds is simply refused as too far.
_ATTR_R = re.compile(rb"""(?:^|\s)r\s*=\s*["']([A-Za-z]+)(\d+)["']""")
_ATTR_T = re.compile(rb'\bt="(\w+)"')
_VALUE = re.compile(rb"<(?:[\w.-]+:)?v>(.*?)</(?:[\w.-]+:)?v>", re.DOTALL)
# Literal-led patterns: Python's regex engine scans fast only after a literal first character run.
_EMPTY_V = rb"\s*(?:</(?:[\w.-]+:)?c>|<(?:[\w.-]+:)?v\s*/>|<(?:[\w.-]+:)?v>\s*</(?:[\w.-]+:)?v>)"
_NO_VALUE = [re.compile(rb"</f>" + _EMPTY_V), re.compile(rb"<f\b[^>]*/>" + _EMPTY_V)]
_NO_VALUE_PREFIXED = [*_NO_VALUE, re.compile(rb":f>" + _EMPTY_V), re.compile(rb":f\b[^>]*/>" + _EMPTY_V)]
_T_ERROR = re.compile(rb't="e"')  # whitespace before it is checked by _ATTR_T on the tag
_SHEET_TAG = re.compile(rb"<(?:[\w.-]+:)?sheet\b([^>]*)/?>")
_ROW_TAG_R = re.compile(rb'<row r="(\d+)"')
_REF3 = re.compile(rb'r="([A-Z]{3})\d')
_REF2 = re.compile(rb'r="([A-Z]{2})\d')
_ROW_OR_CELL = re.compile(rb"<(/?)(?:[\w.-]+:)?(row|c)(?=[\s/>])" + _TAG_REST)
_ODD_REF = re.compile(rb'<c r="(?:[A-Z]{0,3}[^A-Z0-9"]|[A-Z]{4})')
_ODD_CELL_OR_ROW = re.compile(rb"<(?:c|row)[>/\t\n\r]")
_IS_CELL_TAG = re.compile(rb"<(?:[\w.-]+:)?c\s")


@dataclass
class SheetScan:
    flags: dict[tuple[int, int], str] = field(default_factory=dict)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    max_row: int = 0  # 1-based last row holding a value (0: none or not computed)
    valued: int = -1  # cells holding a value, when counted (SheetChecks)
    # Hidden rows and columns as inclusive 0-based ranges (first, last), in the order found; a range
    # may reach far past the used area (<col min="1" max="16384">): the reader clips it to the grid.
    hidden_rows: list[tuple[int, int]] = field(default_factory=list)
    hidden_cols: list[tuple[int, int]] = field(default_factory=list)


def _col_index(letters: bytes) -> int:
    if len(letters) > 12:
        return 1 << 60
    n = 0
    for ch in letters:
        n = n * 26 + ((ch & 0xDF) - 64)  # either case, as calamine
    return n - 1


def _xml_unescape(b: bytes) -> str:
    return xml_unescape(b)


# ---- xlsx ------------------------------------------------------------------------------------

def scan_xlsx(path: str, limits: Limits, pkg: Package | None = None) -> dict[str, SheetScan]:
    """Check every XML part; refuse absurd sheets; return formula/error flags per sheet name."""
    zf = check_zip(path, limits, pkg.take_zip() if pkg is not None else None)
    with zf:
        sheet_parts = _check_parts(zf, pkg or ooxml_package(zf))
        return {name: _scan_sheet(_read_part(zf, real), name, limits) for name, real in sheet_parts.items()}


def _check_parts(zf: zipfile.ZipFile, pkg: Package) -> dict[str, str]:
    """Every XML part but the sheets read and checked for a DTD; sheet name -> its part in the zip."""
    sheet_parts = _sheet_parts(zf, pkg)
    # The workbook was read (and checked) by _sheet_parts; the sheets are checked by the caller. The
    # small parts sniff read leniently are read again here, strictly: a damaged one is named.
    done = {pkg.main} | set(sheet_parts.values())
    for lower, real in pkg.names.items():
        if lower.endswith((".xml", ".rels", ".vml")) and lower not in done:
            _read_part(zf, real)
    return {name: pkg.names[part] for name, part in sheet_parts.items() if part in pkg.names}


class SheetChecks:
    """The light pre-flight of a workbook read in a guarded worker (address-space limit set).

    The container is checked at once (declared sizes, compression ratio, DTDs in every part but
    the sheets); the sheets are inflated and scanned for DTDs, formula flags and how many cells
    hold a value in a background thread, while the native parser, which releases the GIL, reads
    them. What the full scan proves before parsing (that no sheet spans an absurd grid) is checked
    from the parser's own extent instead (see :mod:`.excel`); a grid too big to allocate kills the
    worker, and the file is then read again with the full scan first, which names the far cell.
    Sheets scanned in line (small ones) also get a quick look at their last row and cell, so that a
    stray far cell at the bottom (the usual accident) is refused before the parser allocates for it:
    ``suspect`` then says to run the full scan first.
    """

    THREAD_BYTES = 4 * 1024 * 1024  # sheets smaller than this together are scanned in line

    def __init__(self, path: str, limits: Limits, pkg: Package | None = None) -> None:
        import threading

        zf = check_zip(path, limits, pkg.take_zip() if pkg is not None else None)
        try:
            self._parts = _check_parts(zf, pkg or ooxml_package(zf))
            size = sum(zf.getinfo(real).file_size for real in self._parts.values())
        except BaseException:
            zf.close()
            raise
        self._zf, self._limits = zf, limits
        self._result: dict[str, SheetScan] = {}
        self._error: BaseException | None = None
        self._thread = None
        self.suspect = False
        if size > self.THREAD_BYTES:
            self._thread = threading.Thread(target=self._run, name="gps-sheet-scan", daemon=True)
            self._thread.start()
        else:
            self._run()

    def _run(self) -> None:
        try:
            for name, real in self._parts.items():
                data = _as_utf8(_read_part(self._zf, real))
                scan = SheetScan()
                _formula_flags(data, scan, prefixed=_prefixed(data))
                _odd_values(data, name)
                _hidden_cells(data, scan)
                if len(data) > self.THREAD_BYTES:  # else counted only if asked (valued())
                    scan.valued = _valued(data)
                self._result[name] = scan
                if self._thread is None and not self.suspect:
                    self.suspect = _tail_looks_absurd(data, self._limits)
        except BaseException as exc:
            self._error = exc
        finally:
            self._zf.close()

    def wait(self) -> dict[str, SheetScan]:
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error
        return self._result

    def valued(self, path: str, limits: Limits, name: str) -> int:
        """Cells of sheet ``name`` holding a value (-1: no such sheet part)."""
        scan = self.wait().get(name)
        if scan is None or name not in self._parts:
            return -1
        if scan.valued < 0:
            with check_zip(path, limits) as zf:
                scan.valued = _valued(_as_utf8(_read_part(zf, self._parts[name])))
        return scan.valued


def _sheet_parts(zf: zipfile.ZipFile, pkg) -> dict[str, str]:
    main = pkg.main if pkg.main in pkg.names else ("xl/workbook.xml" if "xl/workbook.xml" in pkg.names else None)
    if main is None:
        return {}
    wb = _read_part(zf, pkg.names[main])
    rels = {r.get("Id", ""): r["Target"] for r in relationships(zf, pkg.names, main)}
    parts: dict[str, str] = {}
    for body in _SHEET_TAG.findall(wb):
        a = attrs(body)
        target = rels.get(a.get("id", ""))
        if "name" in a and target:
            parts[a["name"]] = target
    return parts


def _as_utf8(data: bytes) -> bytes:
    """XML in UTF-16 (legal, if rare) scanned as UTF-8, so that no pattern misses it."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:2] in (b"<\x00", b"\x00<"):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as exc:
            raise ReadError("文件部件的 UTF-16 编码有误,文件已损坏") from exc
    return data


def _scan_sheet(data: bytes, sheet: str, limits: Limits) -> SheetScan:
    data = _as_utf8(data)
    scan = SheetScan()
    if not _fast_extent_ok(data, limits):
        scan.max_row = _precise_xlsx_extent(data, sheet, limits)
    _formula_flags(data, scan, prefixed=b":sheetData" in data)  # <x:c ...>: namespace under a prefix
    _odd_values(data, sheet)
    _hidden_cells(data, scan)
    return scan


def _fast_extent_ok(data: bytes, limits: Limits) -> bool:
    """Bounds computed at C speed that prove the sheet small, when every row and cell carries its
    reference (as Excel, WPS, LibreOffice and openpyxl write them). Empty styled cells count too, so
    a False here only means "count precisely"."""
    if b":sheetData" in data:
        return False  # the main namespace under a prefix (<x:c ...>): count precisely
    if _ODD_CELL_OR_ROW.search(data):
        return False  # a tag without attributes or with a line break after its name
    if data.count(b"<c ") != data.count(b'<c r="') or data.count(b"<row ") != data.count(b'<row r="'):
        return False  # cells placed by position (no r=""), or r="" not first: count precisely
    if _ODD_REF.search(data):
        return False  # lower-case or four-letter columns: count precisely
    rows = _ROW_TAG_R.findall(data)
    max_row = max(map(_num, rows)) if rows else 0
    if _cell_row_above(max_row).search(data):
        return False  # a cell below the last row tag: count precisely
    wide = _REF3.findall(data) or _REF2.findall(data)
    max_col = max(_col_index(c) for c in set(wide)) + 1 if wide else 26
    valued = _valued(data)
    bound = max_row * max_col
    return (max_row <= limits.max_rows and bound <= limits.max_cells
            and (bound <= limits.sparse_min_cells or valued >= bound * limits.sparse_fill))


_LAST_ROW = re.compile(rb'<row r="(\d+)"')
_LAST_CELL = re.compile(rb'<c r="([A-Za-z]+)(\d+)"')


def _tail_looks_absurd(data: bytes, limits: Limits) -> bool:
    """From the last row tag and the last cell only (two searches from the end): does the sheet
    seem to span more rows or cells than the limits allow, or a sparse grid? A quick guess, not a
    proof; True means: run the full scan before the parser."""
    rows = cols = 0
    at = data.rfind(b'<row r="')
    if at >= 0 and (m := _LAST_ROW.match(data, at)):
        rows = _num(m.group(1))
    at = data.rfind(b'<c r="')
    if at >= 0 and (m := _LAST_CELL.match(data, at)):
        rows, cols = max(rows, _num(m.group(2))), _col_index(m.group(1)) + 1
    cells = rows * max(cols, 1)
    return rows > limits.max_rows or cells > limits.max_cells or (
        cells > limits.sparse_min_cells and _valued(data) < cells * limits.sparse_fill)


def _prefixed(data: bytes) -> bool:
    """The main namespace under a prefix (<x:sheetData>, <x:c ...>)? Decided at the first sheetData."""
    at = data.find(b"sheetData")
    return at > 0 and data[at - 1] == 0x3A  # ":"


def _valued(data: bytes) -> int:
    """Cells holding a value (<v> or inline <is>), also under a namespace prefix."""
    return data.count(b"</v>") + data.count(b"</is>") + (data.count(b":v>") + data.count(b":is>")) // 2


def _cell_row_above(n: int) -> re.Pattern:
    """A pattern for a cell reference whose row number is greater than ``n`` (digit by digit)."""
    digits = str(n)
    alts = [rb"[1-9]\d{%d,}" % len(digits)]  # more digits
    for i, d in enumerate(digits):
        if d != "9":
            alts.append(digits[:i].encode() + b"[%d-9]" % (int(d) + 1) + rb"\d{%d}" % (len(digits) - i - 1))
    return re.compile(rb'<c r="[A-Z]{1,3}0*(?:' + b"|".join(alts) + rb')"')


def _precise_xlsx_extent(data: bytes, sheet: str, limits: Limits) -> int:
    """Cells that hold something (not self-closing, not immediately closed), placed as calamine
    places them: by their r="" reference, else one after the other in their row."""
    ext = _Extent()
    row, col = -1, -1
    for m in _ROW_OR_CELL.finditer(data):
        closing, kind, a = m.groups()
        if closing:
            continue
        if kind == b"row":
            r = _ROW_ATTR_R.search(a)
            row, col = (_num(r.group(1)) - 1 if r else row + 1), -1
            continue
        ref = _ATTR_R.search(a)
        if ref:
            cell_row, col = _num(ref.group(2)) - 1, _col_index(ref.group(1))
        else:
            cell_row, col = max(row, 0), col + 1
        if a.endswith(b"/"):
            continue
        end = m.end()
        if data.startswith(b"</", end):
            continue  # <c ...></c>: empty
        if data.startswith(b"<f", end) and b"<v" not in data[end:data.find(b"c>", end)]:
            continue  # a formula without a cached value: calamine drops it
        ext.add(cell_row, col)
    ext.check(sheet, limits)
    return ext.max_r + 1 if ext.n else 0


def _formula_flags(data: bytes, scan: SheetScan, prefixed: bool) -> None:
    """Flag formula cells without a cached value and cells whose cached value is an error.

    Found from literal markers (``</f></c>``, ``<f .../><v/>``, ``t="e"``...), so that a sheet full
    of ordinary formulas with their values costs a few fast scans, not a look at every cell.
    """
    patterns = _NO_VALUE_PREFIXED if prefixed else _NO_VALUE
    if not _contains(data, b"<f", 1) and not (prefixed and _contains(data, b":f", 1)):
        patterns = []  # no formula at all (the usual county submission): one pass, not four
    for pat in patterns:
        for m in pat.finditer(data):
            cell = _enclosing_cell(data, m.start(), 1 << 16)
            if cell is not None:
                at, _tag, _body = cell
                scan.flags[at] = "formula-without-value"
    if not _contains(data, b't="e"', 3):
        return  # no cached error (the usual case)
    for m in _T_ERROR.finditer(data):
        cell = _enclosing_cell(data, m.start(), 4096)
        if cell is not None:
            at, tag, body = cell
            t = _ATTR_T.search(tag)
            if t and t.group(1) == b"e":
                v = _VALUE.search(body)
                scan.flags[at] = "formula-error"
                scan.errors[at] = _xml_unescape(v.group(1)) if v else "#错误"


_BAD_SST_INDEX = re.compile(rb't="s"><v>[0-9]*[^0-9<]')  # a shared-string number that is not a number


def _odd_values(data: bytes, sheet: str) -> None:
    """Refuse cells whose value calamine would read otherwise than Excel or LibreOffice show it,
    naming the cell: an XML comment inside a value (<v>12<!---->00</v>: calamine 12, LibreOffice
    1200), a value with an inline string as well (calamine takes the string, LibreOffice the
    value), a shared-string number that is no number (calamine shows string 0, the title). None
    of these is ever written by Excel, WPS or LibreOffice; each is looked for by a fast search."""
    problems = []
    if _contains(data, b"<!--", 2):
        for m in re.finditer(rb"<!--", data):
            cell = _enclosing_cell(data, m.start(), 4096)
            if cell is not None and b"<v" in cell[2] and data.rfind(b"<v", 0, m.start()) > data.rfind(b"</v", 0, m.start()):
                problems.append((cell[0], "的数值中夹有 XML 注释"))
                break
    for both in (b"</v><is>", b"</is><v>"):
        if _contains(data, both, 4):
            cell = _enclosing_cell(data, data.find(both), 4096)
            if cell is not None:
                problems.append((cell[0], "同时有数值和文字两个值"))
                break
    bad_index = _BAD_SST_INDEX.search(data)
    if bad_index is not None:
        cell = _enclosing_cell(data, bad_index.start(), 4096)
        if cell is not None:
            problems.append((cell[0], "引用的共享文字编号无效"))
    if problems:
        (r, c), what = problems[0]
        raise ReadError(f"工作表「{sheet}」的单元格 {col_letter(c)}{r + 1} {what}(文件结构异常),"
                        "不同程序会读出不同的内容;请用 Excel 或 WPS 打开该文件、核对后重新保存")


def _enclosing_cell(data: bytes, pos: int, reach: int) -> tuple[tuple[int, int], bytes, bytes] | None:
    """((row, col), start tag, body) of the <c> element around ``pos``; None if it has no r="".

    Looks back at most ``reach`` bytes (an unbounded search would make the caller quadratic)."""
    lo = max(0, pos - reach)
    start = max(data.rfind(b"<c ", lo, pos + 1), data.rfind(b":c ", lo, pos + 1))
    if start > 0 and data[start] == 0x3A:  # ":" of a prefixed <x:c
        start = data.rfind(b"<", lo, start)
    if start < 0:
        return None
    tag_end = data.find(b">", start)
    if tag_end < 0:
        return None
    tag = data[start:tag_end]
    ref = _ATTR_R.search(tag)
    if not _IS_CELL_TAG.match(tag) or not ref:
        return None
    if tag.endswith(b"/"):
        body = b""
    else:
        close = data.find(b"c>", tag_end)
        body = data[tag_end + 1:close if close >= 0 else len(data)]
    return (_num(ref.group(2)) - 1, _col_index(ref.group(1))), tag, body


# ---- ods -------------------------------------------------------------------------------------

_ODS_TAG = re.compile(rb"<(/?)(?:[\w.-]+:)?(table-row|table-cell|covered-table-cell|table)(?=[\s/>])" + _TAG_REST)
_ROWS_REP = re.compile(rb"""number-rows-repeated\s*=\s*["'](\d+)""")
_COLS_REP = re.compile(rb"""number-columns-repeated\s*=\s*["'](\d+)""")
_TABLE_NAME = re.compile(rb'(?:^|\s)(?:[\w.-]+:)?name="([^"]*)"')
