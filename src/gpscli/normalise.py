"""Turn a detected table into typed project records, naming every problem with its cell.

Rows that are not projects are recognised, never counted: blank rows, 合计/总计/小计 rows
(kept as :class:`TotalRow` for the total check), 其中 breakdown rows, section headings
(一、基本公共服务, which also supply the category of the rows below), and trailing notes
(填表人, 联系电话, 注:...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .catalogue import Catalogue
from .issues import Issue
from .money import AmountError, parse_amount
from .profile import Profile
from .readers.grid import SheetGrid, a1, col_letter
from .readers.layout import REQUIRED_COLUMNS, Layout
from .records import FIELD_LABELS, METHODS, ProjectRecord, SheetReport, Source, TotalRow
from .text import clean, key, strip_illegal
from .years import YearError, parse_year, years_in_text

_TOTAL = re.compile(r"^(总合计|合计|总计|小计|本页合计|共计)")
_NOTE = re.compile(r"^(填表人|填报人|制表人|联系人|联系电话|电话|填报日期|日期|审核人|负责人|单位负责人|分管领导|财政局审核|注|说明|备注)[:：\s]?")
_METHOD_KEYS = {key(m): m for m in METHODS}
_TEXT_FIELDS = ("unit", "name", "supplier", "note", "method")


@dataclass
class Context:
    """What the command line says and what the shared reference data is."""

    profile: Profile
    catalogue: Catalogue
    jurisdiction: str | None = None  # --jurisdiction, canonical
    year: int | None = None  # --year used as a default for rows without one


@dataclass
class SheetResult:
    records: list[ProjectRecord]
    totals: list[TotalRow]
    issues: list[Issue]
    report: SheetReport
    skipped_rows: int


def _title_context(layout: Layout, ctx: Context, sheet_name: str, file_name: str) -> tuple[str | None, str, int | None, str]:
    """Jurisdiction and year named by the title lines, the 填报单位 line, the sheet or file name."""
    jur, jur_from, year, year_from = None, "", None, ""
    lines = sorted(layout.title_lines, key=lambda s: 0 if "填报单位" in s else 1)
    for line in lines:
        if jur is None:
            j = ctx.profile.find_in_text(line)
            if j:
                jur, jur_from = j.name, f"标题行「{line}」"
        if year is None:
            ys = years_in_text(line)
            if len(set(ys)) == 1:
                year, year_from = ys[0], f"标题行「{line}」"
    for label, text in (("工作表名", sheet_name), ("文件名", file_name)):
        if jur is None:
            j = ctx.profile.find_in_text(text)
            if j:
                jur, jur_from = j.name, f"{label}「{text}」"
        if year is None:
            ys = years_in_text(text)
            if len(set(ys)) == 1:
                year, year_from = ys[0], f"{label}「{text}」"
    return jur, jur_from, year, year_from


def extract(grid: SheetGrid, layout: Layout, ctx: Context, path: str) -> SheetResult:
    sheet = grid.name
    cols = layout.columns
    report = SheetReport(
        name=sheet, used=True, header_rows=tuple(range(layout.header_row + 1, layout.data_start + 1)),
        unit=layout.unit, unit_from=layout.unit_from, columns=layout.column_letters(),
    )
    issues: list[Issue] = []
    records: list[ProjectRecord] = []
    totals: list[TotalRow] = []

    def issue(code: str, message: str, row: int | None = None, col: int | None = None, **kw) -> None:
        issues.append(Issue(code, message, path=path, sheet=sheet,
                            cell=a1(row, col) if row is not None and col is not None else None,
                            row=row + 1 if row is not None else None,
                            column=col_letter(col) if col is not None else None, **kw))

    missing = [f for f in REQUIRED_COLUMNS if f not in cols]
    title_jur, jur_from, title_year, year_from = _title_context(layout, ctx, sheet, Path(path).stem)
    default_jur = ctx.jurisdiction or title_jur
    default_year = ctx.year or title_year
    report.jurisdiction_from = ("「地区」列" if "jurisdiction" in cols else "") or (
        "命令行 --jurisdiction" if ctx.jurisdiction else jur_from)
    report.year_from = ("「年度」列" if "year" in cols else "") or ("命令行 --year" if ctx.year else year_from)
    if "jurisdiction" not in cols and default_jur is None:
        missing.append("jurisdiction")
    if "year" not in cols and default_year is None:
        missing.append("year")
    if missing:
        seen = "、".join(layout.headers_seen) or "(无)"
        for f in missing:
            extra = "标题、填报单位行中也没有," if f in ("jurisdiction", "year") else ""
            hint = {"jurisdiction": "请添加「地区」列,或在标题中写明地区,或使用 --jurisdiction",
                    "year": "请添加「年度」列,或在标题中写明年度(如“2016年”),或使用 --year"}.get(
                f, f"请在表头中添加「{FIELD_LABELS[f]}」列(标准模板见 gps template)")
            issue("missing-column", f"找不到「{FIELD_LABELS[f]}」列,{extra}无法读取本表;识别到的表头:{seen}",
                  row=layout.header_row, hint=hint)
        report.used = False
        report.reason = "缺少必填列"
        return SheetResult([], [], issues, report, 0)

    section_category: str | None = None
    since_subtotal: list[Decimal] = []
    since_total: list[Decimal] = []
    span_broken = False
    skipped = 0
    mapped = sorted(cols.items(), key=lambda kv: kv[1])
    width = grid.end_col

    for r in range(layout.data_start, grid.end_row):
        values = {f: grid.value(r, c) for f, c in mapped}
        texts = {f: clean(v) for f, v in values.items()}
        flagged = {f: grid.flags.get((r, c)) for f, c in mapped if (r, c) in grid.flags}
        if not any(texts.values()) and not flagged:
            continue
        row_cells = [clean(grid.value(r, c)) for c in range(grid.col0, width)]
        first_text = next((t for t in row_cells if t), "")
        label = key(first_text)
        # 合计 / 小计 rows.
        total_label = next((key(t) for t in (texts.get("seq"), texts.get("jurisdiction"), texts.get("unit"), texts.get("name"), first_text) if t and _TOTAL.match(key(t))), None)
        if total_label:
            kind = "小计" if total_label.startswith("小计") else "合计"
            span = since_subtotal if kind == "小计" else since_total
            amount = None
            if "amount" in cols and not flagged.get("amount"):
                try:
                    amount = parse_amount(values["amount"], layout.unit)
                except AmountError:
                    amount = None
            if not span_broken:
                totals.append(TotalRow(kind, amount, sum(span, Decimal(0)), len(span), Source(path, sheet, r + 1),
                                       a1(r, cols["amount"])))
            since_subtotal = []
            if kind == "合计":
                since_total = []
                span_broken = False
            continue
        if label.startswith("其中"):
            continue
        if _NOTE.match(first_text) and not texts.get("amount"):
            continue
        non_empty = [f for f, t in texts.items() if t]
        if len(non_empty) == 1 and non_empty[0] in ("seq", "jurisdiction", "unit", "name") and not flagged:
            # A section heading such as 一、基本公共服务: it names the category of the rows below.
            hit = ctx.catalogue.match_category(texts[non_empty[0]])
            if hit:
                section_category = hit.name
                continue
        if _NOTE.match(first_text) and len(non_empty) <= 2 and "amount" not in non_empty:
            continue

        row_issues_before = len(issues)
        cells = {f: a1(r, c) for f, c in mapped}
        for f, flag in flagged.items():
            c = cols[f]
            if flag == "formula-error":
                err = grid.errors.get((r, c), "#错误")
                issue("formula-error", f"{a1(r, c)}:{FIELD_LABELS[f]}的公式结果是错误值 {err}",
                      row=r, col=c, value=err, hint="请在 Excel/WPS 中修正该公式(或改为直接填写数值)后重新保存")
            else:
                issue("formula-without-value", f"{a1(r, c)}:{FIELD_LABELS[f]}是公式,但文件中没有保存计算结果",
                      row=r, col=c, hint="请用 Excel 或 WPS 打开该文件并保存一次(让公式算出结果),或直接填写数值")

        def required_text(f: str) -> str | None:
            t = texts.get(f, "")
            if f in flagged:
                return None
            if not t:
                c = cols[f]
                issue("missing-value", f"{a1(r, c)}:「{FIELD_LABELS[f]}」为空", row=r, col=c,
                      hint=f"请填写{FIELD_LABELS[f]}")
                return None
            t2, bad = strip_illegal(t)
            if bad:
                issue("illegal-character", f"{a1(r, cols[f])}:{FIELD_LABELS[f]}含有不可见的控制字符,已删除",
                      row=r, col=cols[f], value=t, hint="请检查该单元格内容是否从其他系统复制而来")
            return t2

        # Jurisdiction.
        jurisdiction = None
        if "jurisdiction" in cols and texts.get("jurisdiction"):
            j = ctx.profile.match(texts["jurisdiction"])
            c = cols["jurisdiction"]
            if j is None:
                near = ctx.profile.suggest(texts["jurisdiction"])
                issue("unknown-jurisdiction", f"{a1(r, c)}:地区「{texts['jurisdiction']}」不在{ctx.profile.name}的地区名单中",
                      row=r, col=c, value=values["jurisdiction"],
                      hint=f"是否应为「{near}」?" if near else f"可填写:{'、'.join(ctx.profile.names())}")
            else:
                jurisdiction = j.name
        elif "jurisdiction" not in flagged:
            jurisdiction = default_jur
            if jurisdiction is None:
                c = cols["jurisdiction"]
                issue("missing-value", f"{a1(r, c)}:「地区」为空,标题中也没有写明地区", row=r, col=c,
                      hint="请填写地区,或使用 --jurisdiction")
        unit = required_text("unit")
        name = required_text("name")
        # Category.
        category = None
        raw_cat = texts.get("category", "")
        c = cols["category"]
        if "category" in flagged:
            pass
        elif not raw_cat and section_category:
            category = section_category
        elif not raw_cat:
            issue("missing-value", f"{a1(r, c)}:「一级目录」为空", row=r, col=c,
                  hint="请从下拉列表中选择一级目录")
        else:
            hit = ctx.catalogue.match(raw_cat)
            if hit is not None and hit.level == 1:
                category = hit.name
            elif hit is not None:
                top = ctx.catalogue.top(hit)
                issue("unknown-category", f"{a1(r, c)}:「{raw_cat}」是二级目录,不是一级目录", row=r, col=c,
                      value=values["category"], hint=f"一级目录应填「{top.name}」,「{hit.name}」填在二级目录列")
            else:
                near = ctx.catalogue.suggest(raw_cat, level=1)
                issue("unknown-category", f"{a1(r, c)}:一级目录「{raw_cat}」不在指导性目录中", row=r, col=c,
                      value=values["category"],
                      hint=near if near else f"可填写:{'、'.join(ctx.catalogue.category_names())}")
        # Subcategory (optional).
        subcategory = None
        raw_sub = texts.get("subcategory", "")
        if raw_sub and "subcategory" not in flagged:
            c2 = cols["subcategory"]
            hit = ctx.catalogue.match(raw_sub)
            if hit is None or hit.level == 1:
                near = ctx.catalogue.suggest(raw_sub, level=2)
                if hit is not None and category and hit.name == category:
                    subcategory = None  # the level-1 name repeated in the level-2 column
                else:
                    issue("unknown-subcategory", f"{a1(r, c2)}:二级目录「{raw_sub}」不在指导性目录中", row=r, col=c2,
                          value=values["subcategory"], hint=f"是否应为「{near}」?" if near else "请从下拉列表中选择二级目录")
                    subcategory = raw_sub
            else:
                top = ctx.catalogue.top(hit)
                if category and top.name != category:
                    issue("category-mismatch",
                          f"{a1(r, c2)}:二级目录「{hit.name}」属于「{top.name}」,不属于所填的一级目录「{category}」",
                          row=r, col=c2, value=values["subcategory"],
                          hint=f"请把一级目录改为「{top.name}」,或改选「{category}」下的二级目录")
                subcategory = hit.name
        # Amount.
        amount = None
        c = cols["amount"]
        if "amount" not in flagged:
            raw = values.get("amount")
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                issue("missing-value", f"{a1(r, c)}:「金额」为空", row=r, col=c,
                      hint=f"请填写以{layout.unit}为单位的数字")
            else:
                try:
                    amount = parse_amount(raw, layout.unit)
                except AmountError as exc:
                    shown = clean(raw)
                    issue("invalid-amount", f"{a1(r, c)}:金额“{shown}”{exc},无法计入",
                          row=r, col=c, value=raw, hint=f"请填写以{layout.unit}为单位的数字,如 120.5")
        # Year.
        year = None
        if "year" in cols and "year" not in flagged and texts.get("year"):
            c = cols["year"]
            try:
                year = parse_year(values["year"])
            except YearError as exc:
                issue("invalid-year", f"{a1(r, c)}:年度“{texts['year']}”{exc}", row=r, col=c, value=values["year"],
                      hint="请填写四位数年份,如 2016")
        elif "year" not in flagged:
            year = default_year
            if year is None:
                c = cols["year"]
                issue("missing-value", f"{a1(r, c)}:「年度」为空,标题中也没有写明年度", row=r, col=c,
                      hint="请填写年度,或使用 --year")
        method = texts.get("method") or None
        if method:
            method = _METHOD_KEYS.get(key(method), method)
        optional = {}
        for f in ("supplier", "note"):
            t = texts.get(f) or None
            if t:
                t, bad = strip_illegal(t)
                if bad:
                    issue("illegal-character", f"{a1(r, cols[f])}:{FIELD_LABELS[f]}含有不可见的控制字符,已删除",
                          row=r, col=cols[f], value=texts.get(f))
            optional[f] = t
        errors_here = any(i.is_error for i in issues[row_issues_before:])
        if errors_here or None in (jurisdiction, unit, name, category, amount, year):
            skipped += 1
            span_broken = True
            continue
        records.append(ProjectRecord(
            jurisdiction=jurisdiction, unit=unit, name=name, category=category, amount=amount, year=year,
            source=Source(path, sheet, r + 1), subcategory=subcategory, method=method,
            supplier=optional["supplier"], note=optional["note"], cells=cells,
        ))
        since_subtotal.append(amount)
        since_total.append(amount)
    report.rows = len(records)
    return SheetResult(records, totals, issues, report, skipped)
