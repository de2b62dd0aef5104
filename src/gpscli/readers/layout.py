"""Find the table in a sheet: the header row(s) by content, the columns, the unit, and what the
title lines above it say (jurisdiction, year, unit). One detector for every format."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..text import key
from .grid import SheetGrid, col_letter

# Exact header names (after key(): no spaces, full-width folded, parentheses removed).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号", "行号", "行次", "no", "no."),
    "jurisdiction": ("地区", "县市", "县(市)", "县市区", "县(市、区)", "区县", "所属地区", "行政区划", "地区名称", "县市园区", "填报地区", "地区/园区"),
    "unit": ("购买主体", "购买单位", "预算单位", "采购单位", "购买主体名称", "单位名称", "购买服务主体", "部门", "主管部门", "预算单位名称", "部门名称"),
    "name": ("项目名称", "服务项目", "购买服务项目", "购买服务项目名称", "服务项目名称", "项目", "购买服务内容", "服务内容", "购买服务名称", "购买内容"),
    "category": ("一级目录", "服务类别", "目录类别", "一级分类", "所属目录", "指导目录", "指导性目录", "目录", "服务类型", "类别", "一级目录名称", "购买服务目录", "所属政府购买服务目录", "目录一级"),
    "subcategory": ("二级目录", "二级分类", "二级目录名称", "购买服务事项", "服务事项", "目录二级", "具体事项"),
    "amount": ("金额", "预算金额", "安排资金", "资金", "预算数", "项目金额", "购买金额", "合同金额", "安排金额", "资金安排", "预算资金", "金额合计", "购买服务金额", "资金额度"),
    "method": ("购买方式", "采购方式", "购买形式"),
    "supplier": ("承接主体", "承接单位", "供应商", "中标单位", "承接主体名称", "服务提供方", "承接方"),
    "year": ("年度", "年份", "预算年度", "年", "实施年度", "所属年度"),
    "note": ("备注", "说明"),
}
_EXACT = {key(s): f for f, names in SYNONYMS.items() for s in names}
# Substring rules, in order, for headers such as 项目名称(全称) or 2016年预算金额.
_CONTAINS = [
    ("项目名称", "name"),
    ("购买主体", "unit"),
    ("购买单位", "unit"),
    ("承接", "supplier"),
    ("购买方式", "method"),
    ("采购方式", "method"),
    ("一级", "category"),
    ("二级", "subcategory"),
    ("金额", "amount"),
    ("资金", "amount"),
    ("预算数", "amount"),
    ("年度", "year"),
]
_PAREN = re.compile(r"[(\[【][^)\]】]*[)\]】]")
_UNIT_IN_HEADER = re.compile(r"(万元|元)")
_UNIT_LINE = re.compile(r"单位\s*[:：]?\s*(人民币)?\s*(万元|元)")
REQUIRED_COLUMNS = ("unit", "name", "category", "amount")
MAX_HEADER_SCAN = 40


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def header_field(value: object) -> tuple[str, str | None] | None:
    """(field, unit) for a header cell such as ``金额(万元)``; None if it names no field."""
    if value is None or isinstance(value, (int, float)) and not isinstance(value, bool):
        return None
    raw = nfkc(str(value))
    if not raw.strip() or len(raw) > 40:
        return None
    unit = None
    for part in re.findall(r"[(\[【]([^)\]】]*)[)\]】]", raw) + [raw.split("/")[-1]]:
        m = _UNIT_IN_HEADER.search(part)
        if m and ("万" in part or part.strip(" :：单位") in ("元", "人民币元")):
            unit = m.group(1)
            break
    k = key(_PAREN.sub("", raw))
    k = k.replace("*", "")
    for tail in ("万元", "元"):
        if k.endswith(tail) and k[: -len(tail)] in _EXACT and _EXACT[k[: -len(tail)]] == "amount":
            unit = unit or tail
            k = k[: -len(tail)]
    k = k.rstrip("/:")
    f = _EXACT.get(k)
    if f is None:
        for needle, candidate in _CONTAINS:
            if needle in k and len(k) <= 14:
                f = candidate
                break
    if f is None:
        return None
    return f, (unit if f == "amount" else None)


@dataclass
class Layout:
    header_row: int  # absolute 0-based index of the first header row
    header_rows: int  # 1 or 2
    columns: dict[str, int]  # field -> absolute 0-based column
    headers_seen: list[str]
    unit: str = "万元"
    unit_from: str = "默认(万元)"
    title_lines: list[str] = field(default_factory=list)

    @property
    def data_start(self) -> int:
        return self.header_row + self.header_rows

    def column_letters(self) -> dict[str, str]:
        return {f: col_letter(c) for f, c in self.columns.items()}


def _row_fields(grid: SheetGrid, r: int) -> dict[int, tuple[str, str | None]]:
    out: dict[int, tuple[str, str | None]] = {}
    for c in range(grid.col0, grid.end_col):
        hit = header_field(grid.value(r, c))
        if hit:
            out[c] = hit
    return out


def detect(grid: SheetGrid) -> Layout | None:
    """Locate the header by content. None when the sheet has no recognisable table."""
    best: tuple[int, int, dict[int, tuple[str, str | None]]] | None = None
    last = min(grid.end_row, grid.row0 + MAX_HEADER_SCAN)
    for r in range(grid.row0, last):
        fields = _row_fields(grid, r)
        distinct = {f for f, _ in fields.values()}
        score = len(distinct)
        if score >= 3 and ({"name", "amount"} & distinct) and (best is None or score > best[1]):
            best = (r, score, fields)
    if best is None:
        return None
    r, _, fields = best
    header_rows = 1
    below = _row_fields(grid, r + 1) if r + 1 < grid.end_row else {}
    if below:
        header_rows = 2
    columns: dict[str, int] = {}
    units: dict[str, str | None] = {}
    for c in range(grid.col0, grid.end_col):
        hit = below.get(c) if header_rows == 2 else None
        if hit is None:
            hit = fields.get(c)
        if hit is None and header_rows == 2:
            hit = header_field(grid.merged_value(r, c))
        if hit is None:
            continue
        f, unit = hit
        if f not in columns:
            columns[f] = c
            units[f] = unit
        elif unit and not units.get(f):
            units[f] = unit
    headers_seen = []
    for c in range(grid.col0, grid.end_col):
        parts = [str(grid.merged_value(rr, c)).strip() for rr in range(r, r + header_rows)
                 if grid.merged_value(rr, c) not in (None, "")]
        if parts:
            text = "/".join(dict.fromkeys(parts))
            headers_seen.append(text)
    title_lines = []
    for rr in range(grid.row0, r):
        cells = [str(v).strip() for v in (grid.value(rr, c) for c in range(grid.col0, grid.end_col)) if v not in (None, "")]
        if cells:
            title_lines.append(" ".join(cells))
    layout = Layout(r, header_rows, columns, headers_seen, title_lines=title_lines)
    if units.get("amount"):
        layout.unit, layout.unit_from = units["amount"], f"表头「{headers_seen_for(grid, r, header_rows, columns['amount'])}」"
    else:
        for line in title_lines:
            m = _UNIT_LINE.search(nfkc(line).replace(" ", ""))
            if m:
                layout.unit, layout.unit_from = m.group(2), f"标题行「{line}」"
                break
    return layout


def headers_seen_for(grid: SheetGrid, r: int, n: int, c: int) -> str:
    parts = [str(grid.merged_value(rr, c)).strip() for rr in range(r, r + n) if grid.merged_value(rr, c) not in (None, "")]
    return "/".join(dict.fromkeys(parts))
