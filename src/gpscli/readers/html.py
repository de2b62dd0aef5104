"""HTML tables saved with an .xls name (the usual export of web-based finance systems)."""

from __future__ import annotations

from pathlib import Path

from .grid import ReadError, SheetGrid, WorkbookData
from .text import decode_bytes


def read_html(path: Path) -> WorkbookData:
    import lxml.html

    data = path.read_bytes()
    text, encoding = decode_bytes(data)
    try:
        doc = lxml.html.document_fromstring(text)
    except Exception as exc:  # noqa: BLE001 - lxml raises several kinds on junk
        raise ReadError(f"HTML 表格无法解析({type(exc).__name__})") from exc
    sheets: list[SheetGrid] = []
    for n, table in enumerate(doc.iter("table"), start=1):
        if table.getparent() is not None and any(a.tag == "table" for a in table.iterancestors()):
            continue  # nested layout tables: their cells belong to the outer table
        grid: dict[tuple[int, int], str] = {}
        merged: list[tuple[int, int, int, int]] = []
        r = 0
        for tr in table.iter("tr"):
            c = 0
            for cell in tr:
                if cell.tag not in ("td", "th"):
                    continue
                while (r, c) in grid:
                    c += 1
                value = " ".join(cell.text_content().split())
                rs = _span(cell.get("rowspan"))
                cs = _span(cell.get("colspan"))
                for i in range(rs):
                    for j in range(cs):
                        grid[(r + i, c + j)] = ""
                grid[(r, c)] = value
                if rs > 1 or cs > 1:
                    merged.append((r, c, r + rs - 1, c + cs - 1))
                c += cs
            r += 1
        if not grid:
            continue
        height = max(k[0] for k in grid) + 1
        width = max(k[1] for k in grid) + 1
        rows = [[grid.get((i, j)) or None for j in range(width)] for i in range(height)]
        sheets.append(SheetGrid(f"表{n}" if n > 1 else path.stem, rows, merged=merged))
    if not sheets:
        raise ReadError("这是网页(HTML)文件,里面没有表格")
    return WorkbookData("html", sheets, encoding=encoding)


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1
