"""Pre-flight checks of zip workbooks, and what python-calamine cannot tell us.

Run before any parser sees the file:
- zip bombs: declared uncompressed sizes, member count, compression ratio;
- XML bombs: no part may carry a DTD (<!DOCTYPE / <!ENTITY); real OOXML and ODF never do;
- absurd sheets: the last row and widest column of every sheet (calamine aborts the whole
  process on a cell at XFD1048576, upstream calamine#693);
- formulas: a formula cell without a cached value (calamine drops it) and a cell whose
  cached value is an error such as #DIV/0! (calamine returns '').
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from .grid import ReadError, col_letter
from .limits import Limits

_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_ROW_R = re.compile(rb'<(?:[\w.-]+:)?row\b[^>]*?\sr="(\d+)"')
_WIDE_REF = re.compile(rb'\sr="([A-Z]{3})(\d+)"')
_HAS_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")
_CELL = re.compile(rb"<(?:[\w.-]+:)?c\s([^>]*?)(?:/>|>(.*?)</(?:[\w.-]+:)?c>)", re.DOTALL)
_ATTR_R = re.compile(rb'\br="([A-Z]+)(\d+)"')
_ATTR_T = re.compile(rb'\bt="(\w+)"')
_VALUE = re.compile(rb"<(?:[\w.-]+:)?v>(.*?)</(?:[\w.-]+:)?v>", re.DOTALL)
_SHEET_TAG = re.compile(rb"<(?:[\w.-]+:)?sheet\b([^>]*)/?>")
_NAME = re.compile(rb'\bname="([^"]*)"')
_RID = re.compile(rb'\b(?:[\w.-]+:)?id="([^"]*)"')
_REL = re.compile(rb"<(?:[\w.-]+:)?Relationship\b([^>]*)/?>")
_REL_ID = re.compile(rb'\bId="([^"]*)"')
_REL_TARGET = re.compile(rb'\bTarget="([^"]*)"')


@dataclass
class SheetScan:
    flags: dict[tuple[int, int], str] = field(default_factory=dict)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    max_row: int = 0


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1


def _xml_unescape(b: bytes) -> str:
    s = b.decode("utf-8", "replace")
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")


def check_zip(path: str, limits: Limits) -> zipfile.ZipFile:
    """Open a zip workbook and refuse bombs by its declared sizes. The caller closes it."""
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise ReadError("文件已损坏或不完整(zip 结构无法打开),请重新保存或重新下载") from exc
    infos = zf.infolist()
    if len(infos) > limits.max_zip_members:
        zf.close()
        raise ReadError(f"文件内部包含 {len(infos)} 个部件,超过上限 {limits.max_zip_members},疑似恶意文件")
    total = sum(i.file_size for i in infos)
    if total > limits.max_uncompressed_bytes:
        zf.close()
        raise ReadError(
            f"文件解压后有 {total / 1048576:.0f} MB,超过上限 {limits.max_uncompressed_bytes / 1048576:.0f} MB"
            "(疑似压缩炸弹或过大的表格);如确需读取,请在 gps.toml 的 [limits] 中调高 max_uncompressed_mb"
        )
    for i in infos:
        if i.file_size > 1024 * 1024 and i.file_size > limits.max_compression_ratio * max(i.compress_size, 1):
            zf.close()
            raise ReadError(
                f"文件部件 {i.filename} 的压缩比为 {i.file_size // max(i.compress_size, 1)}:1,疑似压缩炸弹,拒绝读取"
            )
    return zf


def _read_part(zf: zipfile.ZipFile, name: str) -> bytes:
    try:
        data = zf.read(name)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise ReadError(f"文件部件 {name} 已损坏,无法解压({type(exc).__name__})") from exc
    except Exception as exc:  # zlib.error and friends
        raise ReadError(f"文件部件 {name} 已损坏,无法解压({type(exc).__name__})") from exc
    if _DTD.search(data[:65536]) or (len(data) > 65536 and _DTD.search(data)):
        raise ReadError(f"文件部件 {name} 含有 DTD/实体声明,正常的表格文件不会有,疑似 XML 炸弹,拒绝读取")
    return data


def scan_ods(path: str, limits: Limits) -> None:
    zf = check_zip(path, limits)
    with zf:
        for info in zf.infolist():
            if info.filename.endswith(".xml"):
                _read_part(zf, info.filename)


def scan_xlsx(path: str, limits: Limits) -> dict[str, SheetScan]:
    """Check every XML part; return formula/error flags per sheet name."""
    zf = check_zip(path, limits)
    with zf:
        names = {n.lower(): n for n in zf.namelist()}
        for lower, real in names.items():
            if lower.endswith((".xml", ".rels", ".vml")) and "/worksheets/" not in lower:
                _read_part(zf, real)
        sheet_parts = _sheet_parts(zf, names)
        result: dict[str, SheetScan] = {}
        for sheet_name, part in sheet_parts.items():
            real = names.get(part.lower())
            if real is None:
                continue
            result[sheet_name] = _scan_sheet(_read_part(zf, real), sheet_name, limits)
        return result


def _sheet_parts(zf: zipfile.ZipFile, names: dict[str, str]) -> dict[str, str]:
    wb_name = names.get("xl/workbook.xml")
    rels_name = names.get("xl/_rels/workbook.xml.rels")
    if wb_name is None:
        return {}
    wb = _read_part(zf, wb_name)
    rels: dict[bytes, str] = {}
    if rels_name:
        for attrs in _REL.findall(_read_part(zf, rels_name)):
            rid, target = _REL_ID.search(attrs), _REL_TARGET.search(attrs)
            if rid and target:
                t = _xml_unescape(target.group(1))
                t = t.lstrip("/") if t.startswith("/") else str(PurePosixPath("xl") / t)
                rels[rid.group(1)] = t
    parts: dict[str, str] = {}
    for attrs in _SHEET_TAG.findall(wb):
        name, rid = _NAME.search(attrs), _RID.search(attrs)
        if name and rid and rid.group(1) in rels:
            parts[_xml_unescape(name.group(1))] = rels[rid.group(1)]
    return parts


def _scan_sheet(data: bytes, sheet: str, limits: Limits) -> SheetScan:
    scan = SheetScan()
    last = data.rfind(b"row ")
    if last != -1:
        rows = [int(x) for x in _ROW_R.findall(data, max(0, last - 200))]
        scan.max_row = max(rows) if rows else 0
    if scan.max_row > limits.max_rows:
        raise ReadError(
            f"工作表「{sheet}」用到了第 {scan.max_row} 行,超过上限 {limits.max_rows} 行(疑似异常文件);"
            "请删除多余的行后重新保存"
        )
    wide = _WIDE_REF.findall(data)
    if wide:
        max_col = max(_col_index(c) for c, _ in wide) + 1
        max_row = max(scan.max_row, max(int(r) for _, r in wide))
        if max_col * max(max_row, 1) > limits.max_cells:
            raise ReadError(
                f"工作表「{sheet}」的数据区域达 {max_row} 行 × {max_col} 列(到 {col_letter(max_col - 1)} 列),"
                f"超过上限 {limits.max_cells} 个单元格;请删除多余的行列后重新保存"
            )
    if _HAS_FORMULA.search(data) or b't="e"' in data:
        for attrs, body in _CELL.findall(data):
            ref = _ATTR_R.search(attrs)
            if not ref:
                continue
            pos = (int(ref.group(2)) - 1, _col_index(ref.group(1)))
            t = _ATTR_T.search(attrs)
            body = body or b""
            v = _VALUE.search(body)
            if t and t.group(1) == b"e":
                scan.flags[pos] = "formula-error"
                scan.errors[pos] = _xml_unescape(v.group(1)) if v else "#错误"
            elif _HAS_FORMULA.search(body) and (v is None or not v.group(1).strip()):
                scan.flags[pos] = "formula-without-value"
    return scan
