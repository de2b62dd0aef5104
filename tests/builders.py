"""Fixture workbooks built in code: the standard submission layout and its variants.

Every test that needs a spreadsheet builds it here into ``tmp_path``; nothing binary is committed.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import openpyxl

HEADER = ["序号", "地区", "购买主体", "项目名称", "一级目录", "二级目录", "金额(万元)", "购买方式", "承接主体", "年度", "备注"]


def project(
    jurisdiction: str = "昌吉市",
    unit: str = "昌吉市环境卫生管理局",
    name: str = "城区道路清扫保洁服务",
    category: str = "基本公共服务",
    subcategory: str | None = "城市维护",
    amount: Any = 120.5,
    method: str | None = "公开招标",
    supplier: str | None = "昌吉市洁城环境服务有限公司",
    year: Any = 2016,
    note: str | None = None,
) -> dict[str, Any]:
    return {"jurisdiction": jurisdiction, "unit": unit, "name": name, "category": category, "subcategory": subcategory,
                "amount": amount, "method": method, "supplier": supplier, "year": year, "note": note}


def standard_rows(projects: Iterable[dict[str, Any]], title: str | None = "昌吉市2016年政府购买服务项目情况表",
                  unit_line: str | None = "填报单位:昌吉市财政局    单位:万元") -> list[list[Any]]:
    """Rows of the standard layout: title, 填报单位 line, header, one row per project."""
    rows: list[list[Any]] = []
    if title is not None:
        rows.append([title])
    if unit_line is not None:
        rows.append([unit_line])
    rows.append(list(HEADER))
    for n, p in enumerate(projects, start=1):
        rows.append([n, p["jurisdiction"], p["unit"], p["name"], p["category"], p["subcategory"], p["amount"],
                     p["method"], p["supplier"], p["year"], p["note"]])
    return rows


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]], sheet: str = "项目明细", *,
               merges: Sequence[str] = (), extra_sheets: dict[str, Sequence[Sequence[Any]]] | None = None,
               hidden: Sequence[str] = (), start: str = "A1") -> Path:
    """Write rows into a sheet starting at ``start``; more sheets, merged ranges and hidden sheets optional."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    _fill(ws, rows, start)
    for rng in merges:
        ws.merge_cells(rng)
    for name, more in (extra_sheets or {}).items():
        other = wb.create_sheet(name)
        _fill(other, more, "A1")
    for name in hidden:
        wb[name].sheet_state = "hidden"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _fill(ws, rows: Sequence[Sequence[Any]], start: str) -> None:
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    col_letters, row0 = coordinate_from_string(start)
    col0 = column_index_from_string(col_letters)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value is not None:
                ws.cell(row=row0 + i, column=col0 + j, value=value)


def write_csv(path: Path, rows: Sequence[Sequence[Any]], encoding: str = "utf-8", delimiter: str = ",") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter)
        for row in rows:
            w.writerow(["" if v is None else v for v in row])
    return path


def write_xls(path: Path, rows: Sequence[Sequence[Any]], sheet: str = "项目明细") -> Path:
    """Legacy BIFF .xls, as WPS and old Excel save it (through xlwt)."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet(sheet)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value is not None:
                ws.write(i, j, value)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(str(path))
    return path


# The project register's columns (财政部令第102号), in the order gps template writes them.
REGISTER_HEADER = ["承接主体类型", "统一社会信用代码", "预算金额(万元)", "合同金额(万元)", "执行数(万元)", "资金来源",
                   "合同起始日期", "合同终止日期", "合同期限", "合同签订日期", "公告日期", "分年资金安排", "绩效评价"]


def register_rows(projects: Iterable[tuple[dict[str, Any], Sequence[Any]]],
                  title: str = "昌吉市2016年政府购买服务项目情况表") -> list[list[Any]]:
    """The standard layout with the register's columns after 备注: (project, its register cells)."""
    rows = [[title], ["填报单位:昌吉市财政局    单位:万元"], [*HEADER, *REGISTER_HEADER]]
    for n, (p, extra) in enumerate(projects, start=1):
        rows.append([n, p["jurisdiction"], p["unit"], p["name"], p["category"], p["subcategory"], p["amount"],
                     p["method"], p["supplier"], p["year"], p["note"], *extra])
    return rows
