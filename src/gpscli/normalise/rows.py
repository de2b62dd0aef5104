"""The kinds of row in a submission table that are not projects, and how each is recognised.

Blank rows (and template rows holding only a 序号), 合计/总计/小计 rows (kept for the total check,
whether they stand below their rows or above them), 其中 breakdown rows, section headings
(一、基本公共服务 sets the category of the rows below; a group heading may carry its subtotal),
header rows repeated on every printed page, and trailing notes (填表人, 联系电话, 注:...).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from ..money import AmountError, UnitConflict, parse_amount
from ..records import TotalRow
from ..text import key
from .cells import cell_text
from .layout import header_field

if TYPE_CHECKING:
    from .context import Context, Matcher

# 合计, 合 计, 合计:, 小计(基本公共服务), 总计; never 小计算机维护.
TOTAL = re.compile(r"^(总合计|合计|总计|小计|本页合计|本页小计|共计)(?:$|[:：(（\[【\-—_/\s\d一二三四五六七八九十])")
TOTAL_END = re.compile(r"(合计|小计|总计)[:：]?$")
_NOTE = re.compile(
    r"^(?:填表人|填报人|制表人|联系人|联系电话|联系方式|填报日期|填表日期|制表日期|报送日期|审核人|复核人|经办人|"
    r"单位负责人|财务负责人|分管领导|主管领导|财政局审核|负责人|填表说明|填报说明)"
    r"|^(?:注|附注|备注|说明|电话|日期|审核|制表|手机|单位)\d*[:：.、．\s]"
)
_DATE_ONLY = re.compile(r"^\d{4}\s*(?:年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|[-/.]\d{1,2}[-/.]\d{1,2}(?:\s+[\d:]+)?)$")
_NUMBER_TYPES = (int, float, Decimal)


def is_total_text(v: object) -> bool:
    """A cell that reads as a total label (合计, 小计(一), 总 计:...): never 审计服务."""
    return type(v) is str and "计" in v and TOTAL.match(key(v)) is not None


def total_label(row: list, label_js: list[int], j_unit: int, j_name: int) -> str | None:
    """The folded label of a 合计/小计/总计 row: in 序号/地区/购买主体/项目名称 or the row's first cell."""
    first = first_value(row)
    hit = type(first) is str and "计" in first
    if not hit:
        hit = any(type(row[j]) is str and "计" in row[j] for j in label_js)
    if not hit:
        return None
    for v in (*(row[j] for j in label_js), first):
        if type(v) is str and "计" in v:
            k = key(v)
            if TOTAL.match(k) or (TOTAL_END.search(k) and len(k) <= 24 and not (
                    cell_text(row[j_unit]) and cell_text(row[j_name]))):
                return k
    return None


def first_value(row: list) -> object:
    for v in row:
        if v is not None and v != "":
            return v
    return None


def is_breakdown(row: list, j_name: int) -> bool:
    """其中:… breaks down the row above; it is not a project of its own."""
    first, name = first_value(row), row[j_name]
    return (type(first) is str and first.lstrip().startswith("其中")) or (
        type(name) is str and name.lstrip().startswith("其中"))


class Totals:
    """合计/小计/总计 rows, below the rows they sum (the usual) or above them (合计 first).

    ``sum``, ``count`` and ``errors`` run over the sheet's project rows (kept up to date by
    :func:`extract`); a span is the difference since the span started, so a row costs one addition.
    """

    def __init__(self) -> None:
        self.out: list[TotalRow] = []
        self.sum, self.count, self.errors = Decimal(0), 0, 0
        self.starts = {"小计": (self.sum, 0, 0), "合计": (self.sum, 0, 0), "总计": (self.sum, 0, 0)}
        self.pending: dict[str, tuple] = {}  # level -> (label, amount, source, cell) of a total above its rows

    def span(self, level: str) -> tuple[Decimal, int, bool]:
        s, c, e = self.starts[level]
        return self.sum - s, self.count - c, self.errors > e

    def _reset(self, level: str) -> None:
        self.starts[level] = (self.sum, self.count, self.errors)

    def _emit(self, info: tuple, span: tuple[Decimal, int, bool], above: bool = False) -> None:
        label, amount, source, cell, *heading = info
        total, count, broken = span
        if not broken:
            self.out.append(TotalRow(label, amount, total, count, source, cell, above, heading[0] if heading else ""))

    def heading(self, info: tuple) -> None:
        """A group heading carrying its subtotal (一、基本公共服务 | … | 30): a 小计 above its rows,
        closed by the next heading, a 合计 or the end of the sheet."""
        if "小计" in self.pending:
            self._emit(self.pending.pop("小计"), self.span("小计"), above=True)
        self.pending["小计"] = info
        self._reset("小计")

    def row(self, level: str, info: tuple) -> None:
        span = self.span(level)
        if level == "总计":  # everything in the sheet, above or below it
            if span[1] or span[2]:
                self._emit(info, span)
            else:
                self.pending[level] = info
            return
        if level == "合计":  # a 合计 closes the 小计 opened above it
            if "小计" in self.pending:
                self._emit(self.pending.pop("小计"), self.span("小计"), above=True)
            self._reset("小计")
        if level in self.pending:  # totals stand above their rows: close the previous one
            self._emit(self.pending.pop(level), span, above=True)
            self.pending[level] = info
        elif span[1] == 0 and not span[2]:
            self.pending[level] = info
        else:
            self._emit(info, span)
        self._reset(level)

    def finish(self) -> list[TotalRow]:
        for level, info in self.pending.items():
            span = self.span(level)
            above = True
            if span[1] == 0 and not span[2] and level != "总计":
                span, above = self.span("总计"), False  # a second total right under the first: it sums everything
            self._emit(info, span, above)
        self.pending = {}
        return self.out


def total_level(label: str) -> str:
    if label.startswith(("总计", "总合计")):
        return "总计"
    return "小计" if "小计" in label else "合计"


def first_text(row: list) -> str:
    for v in row:
        if v is not None and v != "":
            t = cell_text(v)
            if t:
                return t
    return ""


def heading(row: list, texts: dict[str, str], first_text: str, ctx: Context,
            match: Matcher, with_amount: bool = False) -> tuple[str, str] | None:
    """("category", name) for 一、基本公共服务; ("jurisdiction", name) for a row naming only 昌吉市.
    ``with_amount``: the row also holds an amount (its group's subtotal), which is not looked at."""
    content = [texts[f] for f in ("name", "unit", "jurisdiction", "category") if texts.get(f)]
    if len(content) > 1 or any(texts.get(f) for f in ("subcategory", "supplier", "method")) or (
            texts.get("amount") and not with_amount):
        return None
    text = content[0] if content else (texts.get("seq") or first_text)
    for cat in ctx.catalogues_for(None):  # a heading of any edition: each row's is checked against its year
        hit = cat.match_category(text)
        if hit is not None:
            return "category", hit.name
    if sum(1 for v in row if v is not None and v != "") == 1 + with_amount:
        j = match.jurisdiction(text)
        if j is not None:
            return "jurisdiction", j.name
    return None


def is_not_project(row: list, first_text: str, texts: dict[str, str], name_raw: object, amount_raw: object,
                    col0: int, cols: dict[str, int]) -> bool:
    """Rows without a numeric amount that are plainly not projects: notes, dates, repeated headers.

    A row holding an amount that reads as a number is never one of them, whatever else it says.
    """
    if texts.get("amount"):
        try:
            parse_amount(amount_raw)
            return False
        except UnitConflict:
            return False  # a number with a unit: a project row whose unit needs a word
        except AmountError:
            pass
    if _NOTE.match(first_text):
        return True
    if _DATE_ONLY.match(first_text) and sum(1 for v in row if v is not None and v != "") == 1:
        return True  # the 日期 line under the signatures
    # The header printed again on every page.
    name_hit, amount_hit = header_field(name_raw), header_field(amount_raw)
    if name_hit and amount_hit and name_hit[0] == "name" and amount_hit[0] == "amount":
        return True
    # One long text in the first column and nothing else (a note without a 注: label).
    non_empty = [j for j, v in enumerate(row) if v is not None and v != "" and not (isinstance(v, str) and not v.strip())]
    if len(non_empty) == 1 and not texts.get("amount"):
        c = non_empty[0] + col0
        first_col = min(cols.values())
        if c <= first_col and c != cols.get("name") and len(first_text) >= 8:
            return True
    return False
