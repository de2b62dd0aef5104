"""Pieces of :mod:`gpscli.normalise`: row kinds (totals, notes, headings), text and catalogue matching.

Split out so that ``normalise.extract`` (the per-row loop) stays readable; nothing here is public.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import TYPE_CHECKING

from .catalogue import Catalogue, CatalogueItem
from .money import AmountError, UnitConflict, parse_amount
from .profile import Jurisdiction
from .readers.grid import a1
from .readers.layout import Layout, header_field
from .records import FIELD_LABELS, METHODS, TotalRow
from .text import clean, key, strip_illegal
from .years import YearError, parse_year, years_in_text

if TYPE_CHECKING:
    from .sheetprep import Context



# 合计, 合 计, 合计:, 小计(基本公共服务), 总计; never 小计算机维护.
_TOTAL = re.compile(r"^(总合计|合计|总计|小计|本页合计|本页小计|共计)(?:$|[:：(（\[【\-—_/\s\d一二三四五六七八九十])")
_TOTAL_END = re.compile(r"(合计|小计|总计)[:：]?$")
_NOTE = re.compile(
    r"^(?:填表人|填报人|制表人|联系人|联系电话|联系方式|填报日期|填表日期|制表日期|报送日期|审核人|复核人|经办人|"
    r"单位负责人|财务负责人|分管领导|主管领导|财政局审核|负责人|填表说明|填报说明)"
    r"|^(?:注|附注|备注|说明|电话|日期|审核|制表|手机|单位)\d*[:：.、．\s]"
)
_DATE_ONLY = re.compile(r"^\d{4}\s*(?:年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|[-/.]\d{1,2}[-/.]\d{1,2}(?:\s+[\d:]+)?)$")
_CODE_PREFIX = re.compile(r"^([A-Za-z]?\d{1,8})\s*[-.、．:：_\s]?\s*(\D.*)$")
_BRACKETED = re.compile(r"[(（\[【〔<《]([^)）\]】〕>》]*)[)）\]】〕>》]")
_BRACKET_CHARS = str.maketrans("", "", "()（）[]【】〔〕<>《》")
_METHOD_KEYS = {key(m): m for m in METHODS}
_CONTENT_FIELDS = frozenset(("unit", "name", "category", "subcategory", "amount", "method", "supplier", "note"))
_NUMBER_TYPES = (int, float, Decimal)
_NO_FLAGS: dict[str, str] = {}
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def cell_text(v: object) -> str:
    """A cell as display text: whitespace collapsed; 2016.0 shown as 2016, a date as 2016-05-01."""
    if v is None:
        return ""
    t = type(v)
    if t is str:
        if v.isprintable() and v[:1] != " " and v[-1:] != " " and "  " not in v:
            return v  # the usual cell: nothing to collapse (isprintable: no tab, newline, U+3000, U+200B)
        s = " ".join(v.split())
        if "\u200b" in s or "\ufeff" in s:
            s = " ".join(s.replace("\u200b", " ").replace("\ufeff", " ").split())
        return s
    if t is float:
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    return clean(v)


def _title_context(layout: Layout, ctx: Context, sheet_name: str, file_name: str) -> tuple[str | None, str, int | None, str]:
    """Jurisdiction and year named by the title lines, the 填报单位 line, the sheet or file name."""
    jur, jur_from, year, year_from = None, "", None, ""
    match = ctx.matcher()
    lines = sorted(layout.title_lines, key=lambda s: 0 if "填报单位" in s or "报送单位" in s else 1)
    for line in lines:
        if jur is None:
            j = match.jurisdiction_in(line)
            if j:
                jur, jur_from = j.name, f"标题行「{line}」"
    for line in layout.title_lines:
        if year is None:
            ys = match.years_in(line)
            if len(set(ys)) == 1:
                year, year_from = ys[0], f"标题行「{line}」"
    for label, text in (("工作表名", sheet_name), ("文件名", file_name)):
        if jur is None:
            j = match.jurisdiction_in(text)
            if j:
                jur, jur_from = j.name, f"{label}「{text}」"
        if year is None:
            ys = match.years_in(text)
            if len(set(ys)) == 1:
                year, year_from = ys[0], f"{label}「{text}」"
    return jur, jur_from, year, year_from


class _Totals:
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


def _total_level(label: str) -> str:
    if label.startswith(("总计", "总合计")):
        return "总计"
    return "小计" if "小计" in label else "合计"


def _first_text(row: list) -> str:
    for v in row:
        if v is not None and v != "":
            t = cell_text(v)
            if t:
                return t
    return ""


class _Matcher:
    """Caches: each distinct text is matched against the catalogue/profile once (see Context.matcher)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.categories: dict[tuple[str, bool], tuple[str, CatalogueItem | None]] = {}
        self.subcategories: dict[str, CatalogueItem | None] = {}
        self.jurisdictions: dict[str, Jurisdiction | None] = {}
        self.years: dict[tuple[type, object], int | str] = {}
        self.columns: dict[tuple[str, object], dict] = {}  # plainrows: (field, extra) -> raw -> value
        self.column_refused: dict[tuple[str, object], set] = {}  # plainrows: the raws in columns that fn refused
        self.titles: dict[str, Jurisdiction | None] = {}  # title line, sheet or file name -> jurisdiction in it
        self.title_years: dict[str, tuple[int, ...]] = {}  # ... -> the years it names

    def size(self) -> int:
        return (len(self.categories) + len(self.subcategories) + len(self.jurisdictions) + len(self.years)
                + sum(map(len, self.columns.values())) + len(self.titles) + len(self.title_years))

    def jurisdiction_in(self, text: str) -> Jurisdiction | None:
        """profile.find_in_text (a pass over every name and alias), once per distinct title line:
        the submissions of a county come back with the same titles."""
        hit = self.titles.get(text, False)
        if hit is False:
            hit = self.titles[text] = self.ctx.profile.find_in_text(text)
        return hit

    def years_in(self, text: str) -> tuple[int, ...]:
        """years_in_text, once per distinct title line."""
        hit = self.title_years.get(text)
        if hit is None:
            hit = self.title_years[text] = tuple(years_in_text(text))
        return hit

    def jurisdiction(self, text: str) -> Jurisdiction | None:
        hit = self.jurisdictions.get(text, False)
        if hit is False:
            hit = self.ctx.profile.match(text)
            if hit is None:
                stripped = _BRACKETED.sub("", text)
                hit = self.ctx.profile.match(stripped) if stripped != text else None
            self.jurisdictions[text] = hit
        return hit

    def category(self, text: str, numeric: bool) -> tuple[str, CatalogueItem | None]:
        """("ok"|"level2"|"unknown", item) for what was typed in the 一级目录 column."""
        k = (text, numeric)
        hit = self.categories.get(k)
        if hit is None:
            item = _match_catalogue(self.ctx.catalogue, text, numeric)
            hit = ("unknown", None) if item is None else (("ok", item) if item.level == 1 else ("level2", item))
            self.categories[k] = hit
        return hit

    def subcategory(self, text: str, numeric: bool) -> CatalogueItem | None:
        k = f"{int(numeric)}{text}"
        if k not in self.subcategories:
            self.subcategories[k] = _match_catalogue(self.ctx.catalogue, text, numeric)
        return self.subcategories[k]

    def year(self, value: object) -> int | str:
        k = (type(value), value)
        try:
            return self.years[k]
        except KeyError:
            pass
        except TypeError:  # unhashable
            k = None
        try:
            out: int | str = parse_year(value)
        except YearError as exc:
            out = str(exc)
        if k is not None:
            self.years[k] = out
        return out


def _match_catalogue(cat: Catalogue, text: str, numeric: bool) -> CatalogueItem | None:
    """Catalogue item for a name with 类 suffix, spaces, brackets or a code (01, 0101, 01 基本公共服务)."""
    if numeric or text.isdigit():
        digits = text.split(".")[0]
        return cat.match(digits) or cat.match(digits.zfill(len(digits) + len(digits) % 2))
    hit = cat.match(text)
    if hit is not None:
        return hit
    m = _CODE_PREFIX.match(text)
    if m:
        code, rest = m.group(1), m.group(2)
        by_name = _match_catalogue(cat, rest.strip(), False)
        by_code = cat.match(code) or (cat.match(code.zfill(len(code) + len(code) % 2)) if code.isdigit() else None)
        if by_name is not None and by_code is not None and by_name is not by_code:
            return None  # code and name disagree: never guess
        if by_name is not None:
            return by_name
    if _BRACKETED.search(text):
        inner = [g.strip() for g in _BRACKETED.findall(text) if g.strip()]
        outside = _BRACKETED.sub("", text).strip()
        hit = cat.match(outside) if outside else None
        if hit is not None:
            for g in inner:  # 基本公共服务(01): a code in brackets must agree
                other = cat.match(g) if g.isdigit() else None
                if other is not None and other is not hit:
                    return None
            return hit
        flat = text.translate(_BRACKET_CHARS)
        if flat != text:
            return cat.match(flat)
    return None


def _required_text(v: object, f: str, r: int, cols: dict[str, int], issue) -> str | None:
    t = cell_text(v)
    if not t:
        c = cols[f]
        issue("missing-value", f"{a1(r, c)}:「{FIELD_LABELS[f]}」为空", row=r, col=c, hint=f"请填写{FIELD_LABELS[f]}")
        return None
    if not t.isprintable() and _ILLEGAL.search(t):
        issue("illegal-character", f"{a1(r, cols[f])}:{FIELD_LABELS[f]}含有不可见的控制字符,已删除",
              row=r, col=cols[f], value=t, hint="请检查该单元格内容是否从其他系统复制而来")
        t = strip_illegal(t)[0]
    return t


def _optional_text(v: object, f: str, r: int, cols: dict[str, int], issue) -> str | None:
    t = cell_text(v)
    if t and not t.isprintable() and _ILLEGAL.search(t):
        issue("illegal-character", f"{a1(r, cols[f])}:{FIELD_LABELS[f]}含有不可见的控制字符,已删除",
              row=r, col=cols[f], value=t)
        t = strip_illegal(t)[0]
    return t or None


def _jur_text(v: object, cache: dict, match: _Matcher) -> tuple[str, Jurisdiction | None]:
    hit = cache.get(v) if type(v) is str else None
    if hit is None:
        text = cell_text(v)
        hit = (text, match.jurisdiction(text) if text else None)
        if type(v) is str:
            cache[v] = hit
    return hit


def _heading(row: list, texts: dict[str, str], first_text: str, ctx: Context,
             match: _Matcher, with_amount: bool = False) -> tuple[str, str] | None:
    """("category", name) for 一、基本公共服务; ("jurisdiction", name) for a row naming only 昌吉市.
    ``with_amount``: the row also holds an amount (its group's subtotal), which is not looked at."""
    content = [texts[f] for f in ("name", "unit", "jurisdiction", "category") if texts.get(f)]
    if len(content) > 1 or any(texts.get(f) for f in ("subcategory", "supplier", "method")) or (
            texts.get("amount") and not with_amount):
        return None
    text = content[0] if content else (texts.get("seq") or first_text)
    hit = ctx.catalogue.match_category(text)
    if hit is not None:
        return "category", hit.name
    if sum(1 for v in row if v is not None and v != "") == 1 + with_amount:
        j = match.jurisdiction(text)
        if j is not None:
            return "jurisdiction", j.name
    return None


def _is_not_project(row: list, first_text: str, texts: dict[str, str], name_raw: object, amount_raw: object,
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
