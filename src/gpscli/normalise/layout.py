"""Find the table in a sheet: the header row(s) by content, the columns, the unit, and what the
title lines above it say (jurisdiction, year, unit). One detector for every format.

The header is the row (within the first :data:`MAX_HEADER_SCAN` rows) naming the most known
fields; a second header row is joined to it when merged cells span both rows, or when the row
above/below holds only header words that complete it (``指导目录`` over ``一级目录|二级目录``,
``序号`` merged down two rows). A data row is never taken for a header row: it has numbers.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from ..readers.grid import SheetGrid, col_letter
from ..register import AMOUNT_STANDINS, HEADER_CONTAINS, HEADER_NAMES, MONEY
from ..text import key

# Exact header names (after key(): no spaces, full-width folded, parentheses removed).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号", "行号", "行次", "no", "no.", "序"),
    "jurisdiction": ("地区", "县市", "县(市)", "县市区", "县(市、区)", "县(市、区、园区)", "区县", "所属地区", "行政区划",
                     "地区名称", "县市园区", "填报地区", "地区/园区", "县市区园区", "地州县市"),
    "unit": ("购买主体", "购买单位", "预算单位", "采购单位", "购买主体名称", "单位名称", "购买服务主体", "部门", "主管部门",
             "预算单位名称", "部门名称", "购买主体单位", "项目单位", "实施单位"),
    "name": ("项目名称", "服务项目", "购买服务项目", "购买服务项目名称", "服务项目名称", "项目", "购买服务内容", "服务内容",
             "购买服务名称", "购买内容"),
    "category": ("一级目录", "服务类别", "目录类别", "一级分类", "所属目录", "指导目录", "指导性目录", "目录", "服务类型", "类别",
                 "一级目录名称", "购买服务目录", "所属政府购买服务目录", "目录一级", "政府购买服务指导性目录", "购买服务指导目录"),
    "subcategory": ("二级目录", "二级分类", "二级目录名称", "购买服务事项", "服务事项", "目录二级", "具体事项"),
    # (预算金额, 合同金额 are the register's fields; a sheet whose only money column is one of them has it as 金额)
    "amount": ("金额", "安排资金", "资金", "项目金额", "购买金额", "安排金额", "资金安排", "金额合计", "购买服务金额", "资金额度",
               "资金规模"),
    "method": ("购买方式", "采购方式", "购买形式"),
    "supplier": ("承接主体", "承接单位", "供应商", "中标单位", "承接主体名称", "服务提供方", "承接方"),
    "year": ("年度", "年份", "预算年度", "年", "实施年度", "所属年度"),
    "note": ("备注", "说明"),
}
_EXACT = {**HEADER_NAMES, **{key(s): f for f, names in SYNONYMS.items() for s in names}}
# Substring rules, in order, for headers such as 项目名称(全称) or 2016年预算金额 (the register's first).
_CONTAINS = [
    *HEADER_CONTAINS,
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
    ("年度", "year"),
]
_MONEY_FIELDS = frozenset(("amount", *MONEY))
_FAMILY = {"category": "catalogue", "subcategory": "catalogue"}
_PAREN = re.compile(r"[(\[【][^)\]】]*[)\]】]")
_UNIT_IN_HEADER = re.compile(r"(万元|元)")
_UNIT_LINE = re.compile(r"单位\s*[:：]?\s*(人民币)?\s*(万元|元)")
_UNIT_NOTE = re.compile(r"^[(\[【]?\s*(单位\s*[:：]?)?\s*(人民币)?\s*(万元|元)\s*[)\]】]?$")
_NUMERIC_TEXT = re.compile(r"^\s*[+\-]?[\d,，.．０-９]+\s*$")
REQUIRED_COLUMNS = ("unit", "name", "category", "amount")
MAX_HEADER_SCAN = 40
# The fields a header cell can name (header_field returns one of these): no row names more distinct
# fields than this, so the first row that names them all is the header, and detect looks no further.
_ALL_FIELDS = len(set(_EXACT.values()) | {f for _, f in _CONTAINS})
_NUMBER_TYPES = frozenset((float, int))  # not bool: type(True) is bool


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def header_field(value: object) -> tuple[str, str | None] | None:
    """(field, unit) for a header cell such as ``金额(万元)``; None if it names no field."""
    if value is None or isinstance(value, (int, float)) or not isinstance(value, str):
        return None
    return _header_field(value)


@lru_cache(maxsize=8192)
def _header_field(value: str) -> tuple[str, str | None] | None:
    raw = nfkc(value)
    if not raw.strip() or len(raw) > 40:
        return None
    unit = _unit_of(raw)
    k = key(raw).replace("*", "")
    f = _EXACT.get(k)  # 县(市、区) names the jurisdiction with its parentheses
    if f is None:
        k = key(_PAREN.sub("", raw)).replace("*", "")
        for tail in ("万元", "元"):
            if k.endswith(tail) and _EXACT.get(k[: -len(tail)]) in _MONEY_FIELDS:
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
    return f, (unit if f == "amount" or f in MONEY else None)


def _unit_of(raw: str) -> str | None:
    """万元 or 元 named in a header's brackets or after a slash: 金额(元), 预算金额(单位:万元), 金额/元."""
    for part in [*re.findall(r"[(\[【]([^)\]】]*)[)\]】]", raw), raw.split("/")[-1]]:
        m = _UNIT_IN_HEADER.search(part)
        if m and ("万" in part or part.strip(" :：单位人民币") in ("元", "")):
            return "万元" if "万" in part else "元"
    return None


@dataclass
class Layout:
    header_row: int  # absolute 0-based index of the first header row
    header_rows: int  # 1 or 2
    columns: dict[str, int]  # field -> absolute 0-based column
    headers_seen: list[str]
    unit: str = "万元"
    unit_from: str = "默认值(表中未注明单位)"
    title_lines: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # field -> header text as written
    # The amount header names one unit and a line above the table another: (that unit, the line,
    # (row, column) of the header cell). The header's unit is used; the sheet gets unit-conflict.
    unit_conflict: tuple[str, str, tuple[int, int]] | None = None

    @property
    def data_start(self) -> int:
        return self.header_row + self.header_rows

    @property
    def unit_stated(self) -> bool:
        """The sheet states its amounts' unit (header or 单位 line); else 万元 is assumed."""
        return self.unit_from != Layout.unit_from

    def column_letters(self) -> dict[str, str]:
        return {f: col_letter(c) for f, c in self.columns.items()}


def _row_fields(grid: SheetGrid, r: int) -> dict[int, tuple[str, str | None]]:
    out: dict[int, tuple[str, str | None]] = {}
    i = r - grid.row0
    if not 0 <= i < len(grid.rows):
        return out
    for j, v in enumerate(grid.rows[i]):
        if type(v) is str and v:
            hit = _header_field(v)
            if hit:
                out[grid.col0 + j] = hit
    return out


def _non_empty(grid: SheetGrid, r: int) -> list[tuple[int, object]]:
    i = r - grid.row0
    if not 0 <= i < len(grid.rows):
        return []
    return [(grid.col0 + j, v) for j, v in enumerate(grid.rows[i]) if v is not None and v != ""
            and not (isinstance(v, str) and not v.strip())]


def _is_number(v: object) -> bool:
    t = type(v)
    if t is float or t is int:
        return True
    if t is bool:
        return False
    if isinstance(v, (int, float)):
        return True
    return isinstance(v, str) and bool(_NUMERIC_TEXT.match(v))


def _compatible(a: str, b: str) -> bool:
    return a == b or (_FAMILY.get(a) is not None and _FAMILY.get(a) == _FAMILY.get(b))


def _is_pair(grid: SheetGrid, top: int, bottom: int, known: dict[int, dict] | None = None) -> bool:
    """Do rows ``top`` and ``bottom`` form one two-row header?

    The top row holds at least two cells, one of them a header word (a title line holds one
    cell, or words that name no field); the bottom row holds no number and mostly header
    words, each compatible with the word above it (一级目录 under 指导目录, nothing under 序号).
    ``known``: :func:`_row_fields` of the rows :func:`detect` has looked at already (the quickest
    test, whether the top row names a field, comes first).
    """
    # long: the rules that tell a two-row header from a header and its first data row, each with its own case
    if not (grid.row0 <= top and bottom < grid.end_row):
        return False
    known = known or {}
    top_fields = known[top] if top in known else _row_fields(grid, top)
    if not top_fields:
        return False
    cells = _non_empty(grid, bottom)
    if not cells or any(_is_number(v) for _, v in cells) or len(_non_empty(grid, top)) < 2:
        return False
    bottom_fields = known[bottom] if bottom in known else _row_fields(grid, bottom)
    for r1, c1, r2, c2 in grid.merged:
        if r1 == top and c1 in top_fields and (r2 >= bottom or (r2 == top and c2 > c1 and any(
                c1 <= c <= c2 for c in bottom_fields))):
            return True
    # (万元) written under 金额 counts as a header word.
    units = sum(1 for c, v in cells if c not in bottom_fields and isinstance(v, str) and _UNIT_NOTE.match(nfkc(v).strip()))
    if not (bottom_fields or units) or (len(bottom_fields) + units) * 2 < len(cells):
        return False
    for c, (f, _) in bottom_fields.items():
        above = top_fields.get(c)
        if above is not None and not _compatible(above[0], f):
            return False
    return True


def detect(grid: SheetGrid) -> Layout | None:
    """Locate the header by content. None when the sheet has no recognisable table."""
    # long: header search, two-row headers and unit detection share the rows scanned once
    best: tuple[int, int] | None = None
    known: dict[int, dict] = {}  # row -> _row_fields, for _is_pair
    last = min(grid.end_row, grid.row0 + MAX_HEADER_SCAN)
    for r in range(grid.row0, last):
        row = grid.rows[r - grid.row0] if 0 <= r - grid.row0 < len(grid.rows) else ()
        if sum(map(_NUMBER_TYPES.__contains__, map(type, row))) >= 2:
            continue  # a data row (a header holds words, not numbers): skip the header matching
        fields = known[r] = _row_fields(grid, r)
        if not fields:
            continue
        distinct = {f for f, _ in fields.values()}
        score = len(distinct)
        # A project list names its projects or their buyers; a summary by 地区 or 目录 does neither.
        if score >= 3 and ({"name", "unit"} & distinct) and ({"name", "amount", *AMOUNT_STANDINS} & distinct) and (
                best is None or score > best[1]):
            best = (r, score)
            if score == _ALL_FIELDS:
                break  # a later row would have to score higher to be chosen instead: none can
    if best is None:
        return None
    r = best[0]
    header_row, header_rows = r, 1
    if _is_pair(grid, r - 1, r, known):
        header_row, header_rows = r - 1, 2
    elif _is_pair(grid, r, r + 1, known):
        header_row, header_rows = r, 2
    rows = range(header_row, header_row + header_rows)
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    seen = {c: headers_seen_for(grid, header_row, header_rows, c) for c in range(grid.col0, grid.end_col)}
    for c in range(grid.col0, grid.end_col):
        hit = None
        for rr in reversed(rows):  # the lower row names the column more precisely
            hit = header_field(grid.merged_value(rr, c)) if header_rows == 2 else header_field(grid.value(rr, c))
            if hit is not None:
                break
        if hit is None:
            continue
        f = hit[0]
        if f not in columns:
            columns[f] = c
            headers[f] = seen[c]
    _amount_standin(columns, headers)
    headers_seen = [text for text in seen.values() if text]
    title_lines = []
    for rr in range(grid.row0, header_row):
        cells = [" ".join(str(v).split()) for _, v in _non_empty(grid, rr)]
        if cells:
            title_lines.append(" ".join(dict.fromkeys(cells)))
    layout = Layout(header_row, header_rows, columns, headers_seen, title_lines=title_lines, headers=headers)
    if "amount" in columns:
        c = columns["amount"]
        for rr in rows:
            v = grid.merged_value(rr, c) if header_rows == 2 else grid.value(rr, c)
            unit = _unit_of(nfkc(str(v))) if isinstance(v, str) else None
            if unit is None and isinstance(v, str):
                hit = header_field(v)
                unit = hit[1] if hit else None
            if unit:
                layout.unit, layout.unit_from = unit, f"表头「{headers['amount']}」({col_letter(c)}{rr + 1})"
                above = _title_unit(title_lines)
                if above is not None and above[0] != unit:
                    layout.unit_conflict = (*above, (rr, c))
                break
        else:
            above = _title_unit(title_lines)
            if above is not None:
                layout.unit, layout.unit_from = above[0], f"表头上方「{above[1]}」"
    return layout


def _amount_standin(columns: dict[str, int], headers: dict[str, str]) -> None:
    """A sheet whose only money column is 预算金额 or 合同金额 counts it as its 金额 (as gps always has);
    beside a 金额 column they are the register's fields."""
    if "amount" in columns:
        return
    present = [f for f in AMOUNT_STANDINS if f in columns]
    if present:
        f = min(present, key=columns.__getitem__)
        columns["amount"] = columns.pop(f)
        headers["amount"] = headers.pop(f)


def _title_unit(title_lines: list[str]) -> tuple[str, str] | None:
    """(unit, line) of the first line above the table that states the amounts' unit (单位:万元)."""
    for line in title_lines:
        m = _UNIT_LINE.search(nfkc(line).replace(" ", "").replace("\u3000", ""))
        if m:
            return m.group(2), line
    return None


def headers_seen_for(grid: SheetGrid, r: int, n: int, c: int) -> str:
    if n == 1:  # the one cell, its spaces collapsed (what the loop below makes of it, quicker)
        v = grid.value(r, c)
        return " ".join(str(v).split()) if v not in (None, "") else ""
    parts = []
    for rr in range(r, r + n):
        v = grid.merged_value(rr, c) if n > 1 else grid.value(rr, c)
        if v not in (None, "") and str(v).strip():
            parts.append(" ".join(str(v).split()))
    return "/".join(dict.fromkeys(parts))
