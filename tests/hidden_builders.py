"""Workbooks with hidden rows and columns, built in code (tests/test_hidden_cells.py).

Rows and columns are given 0-based here, as the readers report them; each builder converts to
what its library or format counts from.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import hostile_builders as hb

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def xlsx(path: Path, rows: Sequence[Sequence[Any]], *, hidden_rows: Sequence[int] = (),
         hidden_cols: Sequence[int] = (), col_groups: Sequence[tuple[str, str]] = (),
         filter_ref: str | None = None, filtered_rows: Sequence[int] = ()) -> Path:
    """Through openpyxl: rows hidden by hand, columns hidden one by one or as a group
    (``("B", "D")``: one ``<col min="2" max="4" hidden="1">``), an AutoFilter over ``filter_ref``
    whose filtered-out rows are hidden as Excel writes them (with a filter column whose drop-down
    button is hidden: the word "hidden" after the sheet data, on no row)."""
    import openpyxl
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.filters import FilterColumn, Filters

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目明细"
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value is not None:
                ws.cell(row=i + 1, column=j + 1, value=value)
    for r in hidden_rows:
        ws.row_dimensions[r + 1].hidden = True
    for c in hidden_cols:
        ws.column_dimensions[get_column_letter(c + 1)].hidden = True
    for first, last in col_groups:
        ws.column_dimensions.group(first, last, hidden=True)
    if filter_ref is not None:
        ws.auto_filter.ref = filter_ref
        ws.auto_filter.filterColumn.append(FilterColumn(colId=1, hiddenButton=True, filters=Filters(filter=["昌吉市"])))
        for r in filtered_rows:
            ws.row_dimensions[r + 1].hidden = True
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def xls(path: Path, rows: Sequence[Sequence[Any]], *, hidden_rows: Sequence[int] = (),
        hidden_cols: Sequence[int] = ()) -> Path:
    """Through xlwt: ROW records with fDyZero (0x20), COLINFO records with fHidden (0x01)."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("项目明细")
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value is not None:
                ws.write(i, j, value)
    for r in hidden_rows:
        ws.row(r).hidden = True
    for c in hidden_cols:
        ws.col(c).hidden = True
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(str(path))
    return path


def ods(path: Path, rows: Sequence[Sequence[Any]], *, columns: Sequence[tuple[str, int, str | None]] = (),
        row_visibility: dict[int, str] | None = None, repeated: dict[int, int] | None = None,
        tail: tuple[int, str] | None = None) -> Path:
    """Through odfpy. ``columns``: (where, repeat, visibility) in order, where is "plain", "group"
    (inside a table-column-group) or "header" (inside table-header-columns). ``row_visibility``:
    data row index -> "collapse" or "filter". ``repeated``: data row index -> number-rows-repeated
    (the row, empty, written once with the count). ``tail``: (count, visibility) of empty rows
    after the data (LibreOffice writes 1048576 - n of them when unused rows are hidden)."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableColumn, TableColumnGroup, TableHeaderColumns, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="项目明细")
    group = header = None
    for where, repeat, visibility in columns:
        kw: dict[str, Any] = {"numbercolumnsrepeated": repeat} if repeat > 1 else {}
        if visibility:
            kw["visibility"] = visibility
        col = TableColumn(**kw)
        if where == "group":
            if group is None:
                group = TableColumnGroup()
                table.addElement(group)
            group.addElement(col)
        elif where == "header":
            if header is None:
                header = TableHeaderColumns()
                table.addElement(header)
            header.addElement(col)
        else:
            table.addElement(col)
    width = max((len(r) for r in rows), default=0)
    for i, row in enumerate(rows):
        kw = {}
        if row_visibility and i in row_visibility:
            kw["visibility"] = row_visibility[i]
        if repeated and i in repeated:
            kw["numberrowsrepeated"] = repeated[i]
            tr = TableRow(**kw)
            tr.addElement(TableCell(numbercolumnsrepeated=width))
            table.addElement(tr)
            continue
        tr = TableRow(**kw)
        for j in range(width):
            value = row[j] if j < len(row) else None
            if value is None:
                tc = TableCell()
            elif isinstance(value, (int, float)):
                tc = TableCell(valuetype="float", value=str(value))
                tc.addElement(P(text=str(value)))
            else:
                tc = TableCell(valuetype="string")
                tc.addElement(P(text=str(value)))
            tr.addElement(tc)
        table.addElement(tr)
    if tail is not None:
        count, visibility = tail
        tr = TableRow(numberrowsrepeated=count, visibility=visibility)
        tr.addElement(TableCell(numbercolumnsrepeated=1024))
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def xlsx_sheet_xml(path: Path, sheet_xml: str) -> Path:
    """A minimal xlsx whose one sheet part is ``sheet_xml`` exactly (a namespace prefix, rows
    without r="", odd attributes...)."""
    hb.write_xlsx_parts(path, extra={"xl/worksheets/sheet1.xml": sheet_xml.encode("utf-8")})
    return path


def prefixed_sheet(body: str, cols: str = "", prefix: str = "x") -> str:
    """A worksheet whose main namespace is under ``prefix`` (<x:row>, <x:c>...), as some exporters
    write it; ``body`` and ``cols`` are written without prefix and given it here."""
    import re

    def pre(xml: str) -> str:
        return re.sub(r"<(/?)(?=[a-zA-Z])", rf"<\1{prefix}:", xml)

    cols_xml = pre(f"<cols>{cols}</cols>") if cols else ""
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<{prefix}:worksheet xmlns:{prefix}="{_MAIN}">{cols_xml}{pre(body)}</{prefix}:worksheet>')


def plain_sheet(body: str, cols: str = "") -> str:
    cols_xml = f"<cols>{cols}</cols>" if cols else ""
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet xmlns="{_MAIN}">{cols_xml}{body}</worksheet>')


def table_rows(n: int, width: int = 4, hidden: dict[int, str] | None = None, with_r: bool = True) -> str:
    """``<sheetData>`` of ``n`` rows of ``width`` inline-string cells; ``hidden``: 0-based row ->
    the extra attributes of its row tag (' hidden="1"'); ``with_r``: rows carry r="" (cells always do)."""
    out = ["<sheetData>"]
    for i in range(n):
        attrs = (f' r="{i + 1}"' if with_r else "") + (hidden or {}).get(i, "")
        cells = "".join(hb.cell(f"{chr(65 + j)}{i + 1}", f"r{i}c{j}") for j in range(width))
        out.append(f"<row{attrs}>{cells}</row>")
    out.append("</sheetData>")
    return "".join(out)
