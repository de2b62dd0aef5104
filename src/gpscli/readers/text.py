"""Delimited text (CSV, TSV, Excel's "Unicode text") in UTF-8, UTF-8 with BOM, UTF-16 or GBK/GB18030."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..text import inert
from .grid import ReadError, SheetGrid, WorkbookData

_DELIMITERS = [",", "\t", ";", "|", "，"]
# What str.splitlines() takes for a line break but the csv module does not.
_ODD_BREAKS = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode text whose encoding nobody told us. Returns (text, encoding name)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "UTF-8 (BOM)"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise ReadError("文本文件开头标明是 UTF-16 编码,但内容不是有效的 UTF-16(文件已损坏或被截断);"
                            "请重新导出,或用 Excel 另存为 .xlsx 后提交") from exc
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GBK/GB18030"
    except UnicodeDecodeError as exc:
        raise ReadError("文本文件的编码无法识别(既不是 UTF-8 也不是 GBK);请用 Excel 另存为 .xlsx 后提交") from exc


def _delimiter(sample: str) -> str:
    lines = [ln for ln in sample.splitlines()[:50] if ln.strip()]
    best, best_score = ",", -1
    for d in _DELIMITERS:
        counts = [ln.count(d) for ln in lines]
        if not counts or max(counts) == 0:
            continue
        # The delimiter that splits most lines into the most columns.
        score = sum(1 for c in counts if c > 0) * 100 + max(counts)
        if score > best_score:
            best, best_score = d, score
    return best


def _cell(c: str) -> str | None:
    if not c.strip():
        return None
    if c.startswith('="') and c.endswith('"') and len(c) >= 3:
        return c[2:-1] or None  # ="0101": how some systems keep leading zeros in a CSV
    return c


def read_text(path: Path, max_rows: int) -> WorkbookData:
    data = path.read_bytes()
    text, encoding = decode_bytes(data)
    if "\x00" in text:
        raise ReadError("这是二进制文件,不是可识别的表格格式")
    first, _, rest = text.partition("\n")
    if first.strip().lower().startswith("sep=") and len(first.strip()) == 5:
        delimiter = first.strip()[4]  # Excel's "sep=;" hint line, which Excel does not show as a row
        text = rest
    else:
        delimiter = _delimiter(text[:65536])
    rows: list[list[object]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            rows.append([_cell(c) for c in row])
            if len(rows) > max_rows:
                raise ReadError(f"文本文件超过 {max_rows} 行的上限")
    except csv.Error as exc:
        raise ReadError(f"文本表格格式有误(第{reader.line_num}行:{exc})") from exc
    _swallowed_rows(rows, delimiter)
    if text.count('"') % 2:
        _quote_left_open(text, delimiter)
    if len(rows) <= 1:
        odd = [ch for ch in _ODD_BREAKS if ch in text]
        if odd:  # lines separated by characters no spreadsheet program writes: one line for csv
            raise ReadError(f"文本文件的行分隔符不是常见的换行符(而是 {inert(odd[0])}),无法分出各行;"
                            "请用 Excel 另存为 .xlsx 后提交")
    return WorkbookData("csv", [SheetGrid(path.stem, rows)], encoding=encoding)


def _swallowed_rows(rows: list[list[object]], delimiter: str) -> None:
    """A quote that opens a field and is never closed makes every following line part of that one
    cell (Excel does the same): the projects vanish into a note. A cell holding two or more whole
    lines of the table (as many delimiters as a row has) is refused, naming its row."""
    widths = [len(r) for r in rows if len(r) > 1]
    if not widths:
        return
    width = max(set(widths), key=widths.count)
    if width < 3:
        return
    for n, row in enumerate(rows, start=1):
        for v in row:
            if isinstance(v, str) and "\n" in v:
                whole = sum(1 for line in v.splitlines() if line.count(delimiter) >= width - 1)
                if whole >= 2:
                    raise ReadError(f"第 {n} 行有一个引号没有配对,其后 {whole} 行以上的表格内容被并进了同一个单元格;"
                                    "请检查该行的引号后重新导出")


def _quote_left_open(text: str, delimiter: str) -> None:
    """An odd number of quotes: is one left open to the end of the file? (Then the rest of the
    file, a project or more, is one cell, read without a word by the lenient parser.)"""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for _row in reader:
            pass
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise ReadError(f"第 {reader.line_num} 行附近有一个引号没有配对,一直到文件末尾的内容都被并进了同一个单元格;"
                            "请检查引号后重新导出") from exc
