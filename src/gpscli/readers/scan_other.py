"""Pre-flight scans of .ods, .xlsb and .xls files (split from :mod:`xlsx_scan`, which keeps the zip
checks and the .xlsx scan): far cells, repeated-row bombs and XML bombs, before calamine sees them."""

from __future__ import annotations

import re
import struct
import zipfile
from pathlib import Path

from ..errors import describe
from .grid import ReadError
from .hidden import _add_index
from .limits import Limits
from .ole import OleError, OleFile, workbook_stream_name
from .sniff import ooxml_package, relationships, xml_unescape
from .xlsx_scan import _COLS_REP, _ODS_TAG, _ROWS_REP, _TABLE_NAME, SheetScan, _as_utf8, _Extent, _num
from .zipparts import _read_part, check_zip


def scan_ods(path: str, limits: Limits) -> None:
    zf = check_zip(path, limits)
    with zf:
        content = None
        for info in zf.infolist():
            name = info.filename.replace("\\", "/").lstrip("/").lower()
            if name.endswith(".xml"):
                data = _read_part(zf, info.filename)
                if name == "content.xml":
                    content = data
        if content is not None:
            _scan_ods_content(content, limits)


MAX_VALUED_REPEAT = 1000  # a row or cell *with a value* written once and repeated: no real table repeats one more


def _scan_ods_content(data: bytes, limits: Limits) -> None:
    """The grid calamine would build for each table: repeated rows and cells multiply out.

    Refused, because calamine and LibreOffice would read them differently or because a few bytes
    would become hundreds of thousands of projects: a row or cell holding a value repeated more
    than MAX_VALUED_REPEAT times, a repeat count of 0, a table row nested inside a cell."""
    data = _as_utf8(data)
    sheet, ext = "", None
    row, col, row_rep = 0, 0, 1
    in_row = False
    row_cells: list[tuple[int, int]] = []  # (column, span) of cells with a value in the current row
    for m in _ODS_TAG.finditer(data):
        closing, kind, body = m.groups()
        selfclose = body.endswith(b"/")
        if kind == b"table":
            if closing:
                if ext is not None:
                    ext.check(sheet, limits)
                ext = None
            else:
                name = _TABLE_NAME.search(body)
                sheet = xml_unescape(name.group(1)) if name else "?"
                ext, row = _Extent(), 0
            continue
        if ext is None:
            continue
        if kind == b"table-row":
            if closing or selfclose:
                if not closing:
                    row_rep, row_cells = _row_repeat(body, sheet, row), []
                if row_cells and row_rep > MAX_VALUED_REPEAT:
                    raise ReadError(f"工作表「{sheet}」第 {row + 1} 行的内容被重复了 {row_rep} 次"
                                    "(table:number-rows-repeated),不是正常的报送表,疑似异常文件")
                for c, span in row_cells:
                    ext.add(row, c, span * row_rep, row_rep, span)
                row += row_rep
                row_cells, col, row_rep, in_row = [], 0, 1, False
            else:
                if in_row:
                    raise ReadError(f"工作表「{sheet}」第 {row + 1} 行里嵌着另一行(文件结构异常),"
                                    "各程序读出的行数会不同;请用 LibreOffice 或 WPS 打开后重新保存")
                row_rep, row_cells, col, in_row = _row_repeat(body, sheet, row), [], 0, True
            continue
        if closing:
            continue
        rep = _COLS_REP.search(body)
        span = _num(rep.group(1)) if rep else 1
        has_value = b"value-type" in body or (not selfclose and not data.startswith(b"</", m.end()))
        if has_value:
            if span > MAX_VALUED_REPEAT or span == 0:
                raise ReadError(f"工作表「{sheet}」第 {row + 1} 行有一个单元格的内容被重复了 {span} 次"
                                "(table:number-columns-repeated),不是正常的报送表,疑似异常文件")
            row_cells.append((col, span))
        col += span
    if ext is not None:
        ext.check(sheet, limits)


def _row_repeat(body: bytes, sheet: str, row: int) -> int:
    rep = _ROWS_REP.search(body)
    n = _num(rep.group(1)) if rep else 1
    if n == 0:  # calamine drops such a row, LibreOffice shows it: never guess which the clerk saw
        raise ReadError(f"工作表「{sheet}」第 {row + 1} 行的重复次数为 0(table:number-rows-repeated=\"0\"),"
                        "文件结构异常;请用 LibreOffice 或 WPS 打开后重新保存")
    return n


# ---- xlsb ------------------------------------------------------------------------------------

def scan_xlsb(path: str, limits: Limits) -> None:
    """The cells of every sheet of a binary workbook, from its records (calamine#693 applies here too)."""
    zf = check_zip(path, limits)
    with zf:
        pkg = ooxml_package(zf)
        main = pkg.main if pkg.main in pkg.names else "xl/workbook.bin"
        rels = {r.get("Id", ""): r["Target"] for r in relationships(zf, pkg.names, main)}
        sheets: list[tuple[str, str]] = []
        if main in pkg.names:
            for rtype, rec in _xlsb_records(_read_bin(zf, pkg.names[main])):
                if rtype == 0x9C and len(rec) >= 12:  # BrtBundleSh
                    try:
                        (cch,) = struct.unpack_from("<I", rec, 8)
                        rid = rec[12:12 + 2 * cch].decode("utf-16-le", "replace") if cch != 0xFFFFFFFF else ""
                        off = 12 + (2 * cch if cch != 0xFFFFFFFF else 0)
                        (n,) = struct.unpack_from("<I", rec, off)
                        name = rec[off + 4:off + 4 + 2 * n].decode("utf-16-le", "replace")
                    except struct.error:
                        continue
                    if rid in rels:
                        sheets.append((name, rels[rid]))
        for name, part in sheets:
            real = pkg.names.get(part)
            if real is not None:
                _scan_xlsb_sheet(_read_bin(zf, real), name, limits)


def _read_bin(zf: zipfile.ZipFile, name: str) -> bytes:
    try:
        return zf.read(name)
    except Exception as exc:
        raise ReadError(f"文件已损坏:部件 {name} 无法解压({describe(exc)}),请重新保存或重新下载") from exc


def _xlsb_records(data: bytes):
    """(type, payload) of BIFF12 records; stops quietly at a truncated record."""
    pos, n = 0, len(data)
    while pos < n:
        b0 = data[pos]
        pos += 1
        rtype = b0 & 0x7F
        if b0 & 0x80:
            if pos >= n:
                return
            rtype |= (data[pos] & 0x7F) << 7
            pos += 1
        size, shift = 0, 0
        for _ in range(4):
            if pos >= n:
                return
            b = data[pos]
            pos += 1
            size |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                break
        if pos + size > n:
            return
        yield rtype, data[pos:pos + size]
        pos += size


def _scan_xlsb_sheet(data: bytes, sheet: str, limits: Limits) -> None:
    ext = _Extent()
    row = 0
    unpack = struct.unpack_from
    for rtype, rec in _xlsb_records(data):
        if rtype == 0:  # BrtRowHdr
            if len(rec) >= 4:
                (row,) = unpack("<I", rec)
                if row > 0x100000:
                    break  # calamine stops reading the sheet here
        elif 2 <= rtype <= 11 and len(rec) >= 4:  # BrtCellRk ... BrtFmlaError (blank cells are dropped)
            ext.add(row, unpack("<I", rec)[0])
        elif rtype == 0x92:  # BrtEndSheetData
            break
    ext.check(sheet, limits)


# ---- xls -------------------------------------------------------------------------------------

_XLS_CELLS = frozenset((0x0203, 0x0204, 0x0205, 0x027E, 0x00D6, 0x00FD, 0x0006))


def _length_at_least(n: int) -> bytes:
    """A record header's 16-bit little-endian length of at least ``n`` (< 256), as a regex."""
    return rb"(?:[" + re.escape(bytes([n])) + rb"-\xff][\x00-\xff]|[\x00-\xff][\x01-\xff])"


# What the record walk reports besides the extent, each as the bytes its record starts with, on
# exactly the conditions _scan_biff tests (record type, the least length it reads, the flag byte):
# a FORMULA (0x0006) whose cached value is an error (type byte 2 at offset 6 of the body, fExprO
# 0xFFFF at 12), a BOOLERR (0x0205) holding an error (fError 1 at offset 7), a ROW (0x0208) with
# fDyZero (0x20 in the byte at offset 12), a COLINFO (0x007D) with fHidden (0x01 at offset 8). A
# stream none of them matches anywhere, aligned on a record or not, has none of those records.
_XLS_NOTEWORTHY = re.compile(
    rb"\x06\x00" + _length_at_least(14) + rb"(?:.{6})\x02(?:.{5})\xff\xff"
    rb"|\x05\x02" + _length_at_least(8) + rb"(?:.{7})\x01"
    rb"|\x08\x02" + _length_at_least(14) + rb"(?:.{12})[\x20-\x3f\x60-\x7f\xa0-\xbf\xe0-\xff]"
    rb"|\x7d\x00" + _length_at_least(10) + rb"(?:.{8})[" + re.escape(bytes(range(1, 256, 2))) + rb"]",
    re.DOTALL,
)


def scan_xls(path: str, limits: Limits, data: bytes | None = None, light: bool = False) -> dict[str, SheetScan]:
    """The cells of every worksheet of a BIFF5/8 workbook (calamine#550: .xls out-of-memory); the
    cells whose cached value is an error (#DIV/0!...), which calamine reads as ''; the hidden rows
    and columns. Only sheets with something to say have a :class:`SheetScan`.

    ``light`` (a worker whose address space is limited): the records are walked only if a byte
    search finds one that may hold an error value or hide a row or column; the extent is then
    checked from the parser's own grid (:func:`check_xls_extent`) instead of from the cells."""
    try:
        ole = OleFile.of(Path(path).read_bytes() if data is None else data)
        OleFile.forget()  # the last reader of these bytes: do not keep them alive
        name = workbook_stream_name(ole)
        if name is None:
            return {}
        stream = ole.read(name)
    except OleError as exc:
        raise ReadError(f"文件已损坏(OLE 复合文档结构有误:{exc});请用 Excel 或 WPS 打开后另存为 .xlsx 再提交") from exc
    except OSError as exc:
        raise ReadError(f"读取文件出错:{exc.strerror or exc}") from exc
    if light and _XLS_NOTEWORTHY.search(stream) is None:
        return {}
    return _scan_biff(stream, limits)


def check_xls_extent(sheet, name: str, path: str, limits: Limits, data: bytes | None) -> None:
    """After the light pre-check: refuse a grid the parser built that is too big or too sparse, before
    it becomes Python objects; the full walk names the far cell when it finds one."""
    end = sheet.end
    if end is None:
        return
    height, width = end[0] + 1, end[1] + 1
    cells = height * width
    if height <= limits.max_rows and cells <= limits.max_cells and cells <= limits.sparse_min_cells:
        return
    scan_xls(path, limits, data)  # raises, naming the far cell, when the cells say the grid is too big
    if height <= limits.max_rows and cells <= limits.max_cells:
        return  # the cells fill enough of it
    raise ReadError(f"工作表「{name}」的数据区域达 {height} 行 × {width} 列,过大(疑似异常文件);请删除多余的行列后重新保存")


# ROW (0x0208): rw, colMic, colMac, miyRw, reserved, unused, then 16 bits of options where fDyZero
# (0x20) hides the row (also set on rows an AutoFilter hides). COLINFO (0x007D): colFirst, colLast,
# coldx, ixfe, then options where fHidden (0x01) hides the columns ([MS-XLS] 2.4.221, 2.4.53; the
# same in BIFF5).
_ROW, _COLINFO = 0x0208, 0x007D
_ROW_HIDDEN, _COL_HIDDEN = 0x20, 0x01

_BIFF_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!",
                0x2A: "#N/A"}


def _scan_biff(stream: bytes, limits: Limits) -> dict[str, SheetScan]:
    """Walk the records; substreams nest (a chart inside a worksheet), so BOF/EOF keep a stack."""
    # long: one pass over the BIFF records, a state machine over sheets, rows, column info and cells
    names: dict[int, str] = {}
    scans: dict[str, SheetScan] = {}
    pos, n = 0, len(stream)
    unpack = struct.unpack_from
    stack: list[tuple[_Extent | None, str]] = []
    ext: _Extent | None = None
    sheet = ""
    biff8 = True
    worksheets = 0
    while pos + 4 <= n:
        rtype, length = unpack("<HH", stream, pos)
        rec_at = pos
        body = pos + 4
        pos = body + length
        if pos > n:
            break
        if rtype == 0x0809:  # BOF
            stack.append((ext, sheet))
            ext = None
            if length >= 4:
                vers, dt = unpack("<HH", stream, body)
                if rec_at == 0:
                    biff8 = vers == 0x0600
                if dt != 0x0005:  # any sheet (calamine reads chart and macro sheets' cells too)
                    worksheets += 1
                    sheet = names.get(rec_at) or sheet or f"第{worksheets}个工作表"
                    ext = _Extent()
            continue
        if rtype == 0x000A:  # EOF
            if ext is not None:
                ext.check(sheet, limits)
            ext, sheet = stack.pop() if stack else (None, "")
            continue
        if rtype == 0x0085 and length >= 8:  # BOUNDSHEET
            (offset,) = unpack("<I", stream, body)
            names[offset] = _boundsheet_name(stream[body + 6:pos], biff8)
            continue
        if ext is None:
            continue
        if rtype in _XLS_CELLS and length >= 4:
            r, c = unpack("<HH", stream, body)
            ext.add(r, c)
            error = None
            if rtype == 0x0006 and length >= 14 and stream[body + 12:body + 14] == b"\xff\xff" and stream[body + 6] == 2:
                error = stream[body + 8]  # FORMULA whose cached result is an error
            elif rtype == 0x0205 and length >= 8 and stream[body + 7] == 1:
                error = stream[body + 6]  # BOOLERR holding an error value
            if error is not None:
                scan = scans.setdefault(sheet, SheetScan())
                scan.flags[(r, c)] = "formula-error"
                scan.errors[(r, c)] = _BIFF_ERRORS.get(error, "#错误")
        elif rtype == 0x00BD and length >= 6:  # MULRK
            r, c = unpack("<HH", stream, body)
            count = (length - 6) // 6
            if count > 0:
                ext.add(r, c, count, 1, count)
        elif rtype == _ROW and length >= 14:
            if stream[body + 12] & _ROW_HIDDEN:
                _add_index(scans.setdefault(sheet, SheetScan()).hidden_rows, unpack("<H", stream, body)[0])
        elif rtype == _COLINFO and length >= 10:
            first, last = unpack("<HH", stream, body)
            if stream[body + 8] & _COL_HIDDEN and first <= last:
                scans.setdefault(sheet, SheetScan()).hidden_cols.append((first, last))
    for pending, name in [(ext, sheet), *reversed(stack)]:
        if pending is not None:
            pending.check(name, limits)
    return scans


def _boundsheet_name(raw: bytes, biff8: bool) -> str:
    if not raw:
        return "?"
    cch = raw[0]
    if biff8 and len(raw) >= 2:
        if raw[1] & 1:
            return raw[2:2 + 2 * cch].decode("utf-16-le", "replace")
        return raw[2:2 + cch].decode("latin-1")
    return raw[1:1 + cch].decode("gbk", "replace")
