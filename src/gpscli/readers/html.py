"""HTML tables saved with an .xls name (the usual export of web-based finance systems).

The page is laid out as Excel lays it out when it opens such a file: one sheet, each paragraph
or heading outside the tables on a row of its own (the title, the 填报单位 line), then each
table's rows, with rowspan/colspan as merged ranges (a layout table wrapped around the data table is
looked through). So the title is seen above the header, and
the row numbers match what the person sees in Excel.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import describe
from .grid import ReadError, SheetGrid, WorkbookData
from .text import decode_bytes

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "div", "center", "caption", "li", "pre", "blockquote"}
_MAX_CELLS = 2_000_000  # web exports are small; a span bomb is refused before it costs memory
_CODECS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "gb_2312-80": "gb18030"}


def _decode(data: bytes) -> tuple[str, str]:
    """Decode by the page's own <meta charset> when it is right; else guess as for text files."""
    m = _CHARSET.search(data[:4096])
    if m and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        declared = m.group(1).decode("ascii", "replace").lower()
        codec = _CODECS.get(declared, declared)
        try:
            return data.decode(codec), "GBK/GB18030" if codec == "gb18030" else declared.upper()
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_bytes(data)


def read_html(path: Path) -> WorkbookData:
    import lxml.html

    data = path.read_bytes()
    text, encoding = _decode(data)
    text = _XML_DECL.sub("", text, count=1)
    try:
        doc = lxml.html.document_fromstring(text)
    except Exception as exc:
        raise ReadError(f"HTML 表格无法解析({describe(exc)})") from exc
    grid: dict[tuple[int, int], str] = {}
    merged: list[tuple[int, int, int, int]] = []
    tables = 0
    taken: set = set()
    r = 0
    for el in doc.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "table":
            if el.find(".//table") is not None:
                continue  # a layout table wrapped around the data table(s): read what is inside it
            tables += 1
            caption = el.find("caption")
            if caption is not None:
                line = " ".join(caption.text_content().split())
                if line:
                    grid[(r, 0)] = line
                    r += 1
            r = _table(el, r, grid, merged)
        elif tag in _BLOCKS:
            if el.find(".//table") is not None or any(a in taken or (a.tag == "table" and a.find(".//table") is None)
                                                       for a in el.iterancestors()):
                continue  # a wrapper around a table; inside a data table or a block already taken
            taken.add(el)
            line = " ".join(el.text_content().split())
            if line:
                grid[(r, 0)] = line
                r += 1
        if len(grid) > _MAX_CELLS:
            raise ReadError(f"网页表格超过 {_MAX_CELLS} 个单元格的上限")
    if not tables:
        raise ReadError("这是网页(HTML)文件,里面没有表格")
    if not grid:
        raise ReadError("网页(HTML)里的表格是空的")
    height = max(k[0] for k in grid) + 1
    width = max(k[1] for k in grid) + 1
    if height * width > _MAX_CELLS:
        raise ReadError(f"网页表格展开后有 {height} 行 × {width} 列,超过 {_MAX_CELLS} 个单元格的上限")
    rows: list[list[str | None]] = [[None] * width for _ in range(height)]
    for (i, j), v in grid.items():
        rows[i][j] = v or None
    return WorkbookData("html", [SheetGrid(path.stem, rows, merged=merged)], encoding=encoding)


def _table(table, r: int, grid: dict[tuple[int, int], str], merged: list[tuple[int, int, int, int]]) -> int:
    """Lay one table's rows out from row ``r``; return the next free row."""
    for tr in table.iter("tr"):
        c = 0
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while (r, c) in grid:
                c += 1
            number = cell.get("x:num")
            value = number.strip() if number and number.strip() else " ".join(cell.text_content().split())
            rs = _span(cell.get("rowspan"))
            cs = _span(cell.get("colspan"))
            if len(grid) + rs * cs > _MAX_CELLS:  # rowspan/colspan can multiply a small page
                raise ReadError(f"网页表格超过 {_MAX_CELLS} 个单元格的上限")
            for i in range(rs):
                for j in range(cs):
                    grid[(r + i, c + j)] = ""
            grid[(r, c)] = value
            if rs > 1 or cs > 1:
                merged.append((r, c, r + rs - 1, c + cs - 1))
            c += cs
        r += 1
    return r


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1
