"""Turn a detected table into typed project records, naming every problem with its cell.

Rows that are not projects are recognised, never counted: blank rows (and template rows
holding only a 序号), 合计/总计/小计 rows (kept as :class:`TotalRow` for the total check,
whether they stand below their rows or above them), 其中 breakdown rows, section headings
(一、基本公共服务, which also supply the category of the rows below), header rows repeated on
every printed page, and trailing notes (填表人, 联系电话, 填报日期, 注:...).

Everything else is a project row: it becomes a :class:`ProjectRecord`, or, when a value
cannot be interpreted, an error naming its cell. Nothing becomes a silent blank or zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .catalogue import CatalogueItem
from .issues import Issue
from .money import WAN, AmountError, UnitConflict, parse_amount, plain_float
from .profile import Jurisdiction
from .readers.grid import SheetGrid, a1, col_letter
from .readers.layout import Layout
from .records import CellRefs, FIELD_LABELS, ProjectRecord, RecordBatch, SheetReport, Source, TotalRow
from .plainrows import plain_rows
from .sheetprep import Context, defaults, hidden_cells, missing_columns, special_cells  # noqa: F401  (Context: re-exported)
from .text import ident, key
from .rowparts import (  # noqa: F401  (cell_text is part of this module's interface)
    _NO_FLAGS,
    _CONTENT_FIELDS,
    _METHOD_KEYS,
    _NUMBER_TYPES,
    _TOTAL,
    _TOTAL_END,
    _Totals,
    _first_text,
    _heading,
    _is_not_project,
    _jur_text,
    _optional_text,
    _required_text,
    _total_level,
    cell_text,
)


@dataclass
class SheetResult:
    batch: RecordBatch
    totals: list[TotalRow]
    issues: list[Issue]
    report: SheetReport
    skipped_rows: int

    @property
    def records(self) -> list[ProjectRecord]:
        return self.batch.records()


def extract(grid: SheetGrid, layout: Layout, ctx: Context, path: str) -> SheetResult:
    sheet = grid.name
    cols = layout.columns
    letters = layout.column_letters()
    report = SheetReport(
        name=sheet, used=True, header_rows=tuple(range(layout.header_row + 1, layout.data_start + 1)),
        unit=layout.unit, unit_from=layout.unit_from, columns=letters,
    )
    issues: list[Issue] = []

    def issue(code: str, message: str, row: int | None = None, col: int | None = None, **kw) -> None:
        issues.append(Issue(code, message, path=path, sheet=sheet,
                            cell=a1(row, col) if row is not None and col is not None else None,
                            row=row + 1 if row is not None else None,
                            column=col_letter(col) if col is not None else None, **kw))

    default_jur, default_year, missing = defaults(layout, ctx, Path(path).stem, report)
    if missing:
        missing_columns(missing, layout, issue)
        report.used = False
        report.reason = "缺少必填列:" + "、".join(FIELD_LABELS[f] for f in missing)
        return SheetResult(RecordBatch(path, sheet, letters), [], issues, report, 0)

    if layout.unit_conflict is not None:
        above, line, (hr, hc) = layout.unit_conflict
        issue("unit-conflict", f"{a1(hr, hc)}:金额列表头「{layout.headers.get('amount', '')}」的单位是{layout.unit},"
              f"表头上方「{line}」写的却是{above};本表金额已按表头的{layout.unit}换算,两者相差一万倍",
              row=hr, col=hc, value=layout.headers.get("amount"),
              hint="请确认金额实际以哪个单位填写,把表头或表头上方的单位改成一致后重新报送")
    totals = _Totals()
    match = ctx.matcher()
    unit_name = layout.unit
    stated = layout.unit_stated
    yuan = unit_name == "元"
    section_category: str | None = None
    section_jur: str | None = None
    skipped = 0
    mapped = sorted(cols.items(), key=lambda kv: kv[1])
    col_field = {c: f for f, c in mapped}
    row0, col0 = grid.row0, grid.col0
    index = [(f, c - col0) for f, c in mapped]
    jx = dict(index)  # field -> index in a row
    need = max(jx.values()) + 1
    data_start = layout.data_start
    amount_col = cols["amount"]
    amount_letter = letters["amount"]
    ja = jx["amount"]
    j_jur, j_unit, j_name, j_cat = jx.get("jurisdiction"), jx["unit"], jx["name"], jx["category"]
    j_sub, j_method, j_supplier, j_note, j_year = (jx.get(f) for f in ("subcategory", "method", "supplier", "note", "year"))
    content_js = [ja] + [j for f, j in index if f in _CONTENT_FIELDS and f != "amount"]
    label_js = [jx[f] for f in ("seq", "jurisdiction", "unit", "name") if f in jx]
    row_letters = {f: letters[f] for f, _ in mapped}
    batch = RecordBatch(path, sheet, row_letters)
    add = batch.add
    jur_texts: dict[object, tuple[str, Jurisdiction | None]] = {}
    unit_texts: dict[object, tuple[str, str]] = {}  # raw -> (text, ident)
    opt_texts: dict[tuple[str, str], str | None] = {}  # (field, raw) -> text, for 承接主体 and 备注
    cat_hits: dict[object, tuple[str, str, CatalogueItem | None]] = {}
    method_texts: dict[object, str | None] = {}
    sub_hits: dict[object, tuple[str, CatalogueItem | None]] = {}
    item_top: dict[str, str] = {}  # level-2 code -> its level-1 name, once seen

    flags_by_row, fill_by_row, merged_amount = special_cells(grid, col_field, data_start)

    def optional(f: str, j: int | None, row: list, r: int) -> str | None:
        """承接主体 / 备注: the cleaned text, remembered per distinct cell text when it raised no issue."""
        if j is None or (v := row[j]) is None or v == "":
            return None
        text = opt_texts.get((f, v), False) if type(v) is str else False
        if text is False:
            n_before = len(issues)
            text = _optional_text(v, f, r, cols, issue)
            if type(v) is str and len(issues) == n_before:
                opt_texts[(f, v)] = text
        return text

    def texts_of(row: list) -> dict[str, str]:
        return {f: cell_text(row[j]) for f, j in index}

    rows = grid.rows
    begin, end = max(0, data_start - row0), len(rows)
    # The plain rows, read column-wise (plainrows.py); the loop below takes them a run at a time.
    fast = None
    if end > begin:  # (None when a row is shorter than the last mapped column)
        skip = {r - row0 - begin for r in (*flags_by_row, *fill_by_row)}
        fast = plain_rows(rows[begin:], jx, skip, match, ctx.catalogue, default_year, yuan, cols)
    plain = fast.ok if fast is not None else None
    n_data = end - begin
    i = begin - 1
    while True:
        i += 1
        if i >= end:
            break
        if plain is not None and plain[i - begin]:
            k = stop = i - begin
            while stop < n_data and plain[stop]:
                stop += 1
            in_force = None if j_jur is not None else (section_jur or default_jur)
            if j_jur is not None or in_force is not None:
                totals.sum += fast.take(batch, k, stop, row0 + begin + 1, in_force)
                totals.count += stop - k
                i = begin + stop - 1
                continue
        row = rows[i]
        if len(row) < need:
            row = [*row, *([None] * (need - len(row)))]
        r = row0 + i
        flagged = flags_by_row.get(r) if flags_by_row else None
        for j in content_js:
            v = row[j]
            if v is not None and v != "" and not (type(v) is str and v.isspace()):
                break
        else:
            if not flagged:
                # No project content: blank, a template row holding only 序号/地区/年度, a section heading
                # (一、基本公共服务; a row naming only 昌吉市), or a 合计 written in the 序号/地区 column.
                texts = texts_of(row)
                first_text = _first_text(row)
                if not first_text:
                    continue
                if "计" not in first_text and "计" not in texts.get("seq", "") and "计" not in texts.get("jurisdiction", ""):
                    h = _heading(row, texts, first_text, ctx, match)
                    if h is not None:
                        section_category, section_jur = _section(h, section_category, section_jur)
                    continue
        if fill_by_row:
            fill = fill_by_row.get(r)
            if fill:
                row = list(row)
                for f, v in fill.items():
                    if not cell_text(row[jx[f]]):
                        row[jx[f]] = v

        # 合计 / 小计 / 总计 rows: a label in 序号/地区/购买主体/项目名称 or in the row's first cell.
        total_label = None
        first = None
        for v in row:
            if v is not None and v != "":
                first = v
                break
        hit_total = type(first) is str and "计" in first
        if not hit_total:
            for j in label_js:
                v = row[j]
                if type(v) is str and "计" in v:
                    hit_total = True
                    break
        if hit_total:
            for v in (*(row[j] for j in label_js), first):
                if type(v) is str and "计" in v:
                    k = key(v)
                    if _TOTAL.match(k) or (_TOTAL_END.search(k) and len(k) <= 24 and not (
                            cell_text(row[j_unit]) and cell_text(row[j_name]))):
                        total_label = k
                        break
        if total_label:
            amount = None
            if not (flagged and "amount" in flagged):
                try:
                    amount = parse_amount(row[ja], unit_name, stated)
                except AmountError:
                    amount = None
            level = _total_level(total_label)
            totals.row(level, (level, amount, Source(path, sheet, r + 1), f"{amount_letter}{r + 1}"))
            continue
        if (type(first) is str and first.lstrip().startswith("其中")) or (
                type(row[j_name]) is str and row[j_name].lstrip().startswith("其中")):
            continue  # 其中:… breaks down the row above; it is not a project of its own
        if not flagged and type(first) is str and not cell_text(row[j_unit]) and row[ja] not in (None, ""):
            # 一、基本公共服务 | … | 30: a group heading carrying its group's subtotal (never a project)
            h = _heading(row, texts_of(row), _first_text(row), ctx, match, with_amount=True)
            if h is not None:
                try:
                    sub = parse_amount(row[ja], unit_name, stated)
                except AmountError:
                    sub = None
                if sub is not None:
                    section_category, section_jur = _section(h, section_category, section_jur)
                    totals.heading(("小计", sub, Source(path, sheet, r + 1), f"{amount_letter}{r + 1}", cell_text(first)))
                    continue

        amount_raw = row[ja]
        amount = None
        if type(amount_raw) is float and not flagged:
            amount = plain_float(amount_raw)  # the usual cell; anything else goes to parse_amount below
            if amount is not None and yuan:
                amount = amount / WAN
        elif type(amount_raw) is str and amount_raw and not (flagged and "amount" in flagged):
            try:
                amount = parse_amount(amount_raw, unit_name, stated)  # text that reads as a number (CSV, 1,250.50)
            except AmountError:
                pass
        if amount is None and type(amount_raw) not in _NUMBER_TYPES and not (flagged and "amount" in flagged):
            texts = texts_of(row)
            first_text = _first_text(row)
            if not texts["amount"]:
                h = _heading(row, texts, first_text, ctx, match)
                if h is not None:
                    section_category, section_jur = _section(h, section_category, section_jur)
                    continue
            if _is_not_project(row, first_text, texts, row[j_name], amount_raw, col0, cols):
                continue

        n_issues = len(issues)
        if flagged:
            for f, flag in flagged.items():
                c = cols[f]
                if flag == "formula-error":
                    err = grid.errors.get((r, c), "#错误")
                    issue("formula-error", f"{a1(r, c)}:{FIELD_LABELS[f]}的公式结果是错误值 {err},无法计入",
                          row=r, col=c, value=err, hint="请在 Excel/WPS 中修正该公式(或改为直接填写数值)后重新保存")
                else:
                    issue("formula-without-value", f"{a1(r, c)}:{FIELD_LABELS[f]}是公式,但文件中没有保存计算结果,无法计入",
                          row=r, col=c, hint="请用 Excel 或 WPS 打开该文件并保存一次(让公式算出结果),或直接填写数值")
        else:
            flagged = _NO_FLAGS

        # Jurisdiction.
        jurisdiction = None
        if "jurisdiction" in flagged:
            pass
        elif j_jur is not None and (v := row[j_jur]) is not None and v != "" and (hit := _jur_text(v, jur_texts, match))[0]:
            text, j = hit
            if j is None:
                c = cols["jurisdiction"]
                near = ctx.profile.suggest(text)
                issue("unknown-jurisdiction", f"{a1(r, c)}:地区「{text}」不在{ctx.profile.name}的地区名单中",
                      row=r, col=c, value=v,
                      hint=f"是否应为「{near}」?" if near else f"可填写:{'、'.join(ctx.profile.names())}")
            else:
                jurisdiction = j.name
        else:
            jurisdiction = section_jur or default_jur
            if jurisdiction is None:
                c = cols["jurisdiction"]
                issue("missing-value", f"{a1(r, c)}:「地区」为空,标题中也没有写明地区", row=r, col=c,
                      hint="请填写地区,或使用 --jurisdiction")
        # 购买主体 and 项目名称.
        unit = name = unit_id = None
        if "unit" not in flagged:
            v = row[j_unit]
            hit = unit_texts.get(v) if type(v) is str else None
            if hit is None:
                unit = _required_text(v, "unit", r, cols, issue)
                if unit is not None:
                    hit = (unit, ident(unit))
                    if type(v) is str:
                        unit_texts[v] = hit
            if hit is not None:
                unit, unit_id = hit
        if "name" not in flagged:
            name = _required_text(row[j_name], "name", r, cols, issue)
        # Category.
        category = None
        c = cols["category"]
        if "category" not in flagged:
            v = row[j_cat]
            hit = cat_hits.get(v) if type(v) is str else None
            if hit is None:
                raw_cat = cell_text(v)
                hit = (raw_cat, *match.category(raw_cat, type(v) in _NUMBER_TYPES)) if raw_cat else ("", "", None)
                if type(v) is str:
                    cat_hits[v] = hit
            raw_cat, kind, item = hit
            if kind == "ok":
                category = item.name
            elif not raw_cat:
                if section_category:
                    category = section_category
                else:
                    issue("missing-value", f"{a1(r, c)}:「一级目录」为空", row=r, col=c,
                          hint="请从下拉列表中选择一级目录")
            elif kind == "level2":
                top = ctx.catalogue.top(item)
                issue("unknown-category", f"{a1(r, c)}:「{raw_cat}」是二级目录,不是一级目录", row=r, col=c,
                      value=v, hint=f"一级目录应填「{top.name}」,「{item.name}」填在二级目录列")
            else:
                near = ctx.catalogue.suggest(raw_cat, level=1)
                issue("unknown-category", f"{a1(r, c)}:一级目录「{raw_cat}」不在指导性目录中", row=r, col=c,
                      value=v, hint=f"是否应为「{near}」?" if near else f"可填写:{'、'.join(ctx.catalogue.category_names())}")
        # Subcategory (optional).
        subcategory = None
        if j_sub is not None and "subcategory" not in flagged and (v := row[j_sub]) is not None and v != "":
            hit = sub_hits.get(v) if type(v) is str else None
            if hit is None:
                raw_sub = cell_text(v)
                hit = (raw_sub, match.subcategory(raw_sub, type(v) in _NUMBER_TYPES) if raw_sub else None)
                if type(v) is str:
                    sub_hits[v] = hit
            raw_sub, item = hit
            if raw_sub and item is not None and (top := item_top.get(item.code)) is not None and (
                    not category or top == category):
                subcategory = item.name  # the usual case, quickly
            elif raw_sub:
                c2 = cols["subcategory"]
                if item is None or item.level == 1:
                    if item is not None and category and item.name == category:
                        subcategory = None  # the level-1 name repeated in the level-2 column
                    else:
                        near = ctx.catalogue.suggest(raw_sub, level=2)
                        issue("unknown-subcategory", f"{a1(r, c2)}:二级目录「{raw_sub}」不在指导性目录中", row=r, col=c2,
                              value=v, hint=f"是否应为「{near}」?" if near else "请从下拉列表中选择二级目录")
                        subcategory = raw_sub
                else:
                    top = ctx.catalogue.top(item)
                    item_top[item.code] = top.name
                    if category and top.name != category:
                        issue("category-mismatch",
                              f"{a1(r, c2)}:二级目录「{item.name}」属于「{top.name}」,不属于所填的一级目录「{category}」",
                              row=r, col=c2, value=v,
                              hint=f"请把一级目录改为「{top.name}」,或改选「{category}」下的二级目录")
                    subcategory = item.name
        # Amount.
        if amount is None and "amount" not in flagged:
            if amount_raw is None or (type(amount_raw) is str and not amount_raw.strip()):
                c = amount_col
                if r in merged_amount:
                    issue("invalid-amount", f"{a1(r, c)}:金额与其他行合并在 {merged_amount[r]} 中,无法分到本行项目,无法计入",
                          row=r, col=c, hint="请取消合并单元格,为每个项目分别填写金额")
                else:
                    issue("missing-value", f"{a1(r, c)}:「金额」为空", row=r, col=c,
                          hint=f"请填写以{unit_name}为单位的数字")
            else:
                try:
                    amount = parse_amount(amount_raw, unit_name, stated)
                except UnitConflict as exc:
                    c = amount_col
                    issue("unit-conflict", f"{a1(r, c)}:金额“{cell_text(amount_raw)}”{exc},两者相差一万倍,无法计入",
                          row=r, col=c, value=amount_raw,
                          hint=f"请删去单元格中的单位或符号,只填以{unit_name}为单位的数字"
                               f"(如本列写{unit_name}、单元格是{exc.cell_unit},请换算后填写)")
                except AmountError as exc:
                    c = amount_col
                    issue("invalid-amount", f"{a1(r, c)}:金额“{cell_text(amount_raw)}”{exc},无法计入",
                          row=r, col=c, value=amount_raw, hint=f"请填写以{unit_name}为单位的数字,如 120.5")
        # Year.
        year = None
        if "year" in flagged:
            pass
        elif j_year is not None and (v := row[j_year]) is not None and v != "" and not (type(v) is str and v.isspace()):
            y = match.year(v)
            if type(y) is int:
                year = y
            else:
                c = cols["year"]
                issue("invalid-year", f"{a1(r, c)}:年度“{cell_text(v)}”{y}", row=r, col=c, value=v,
                      hint="请填写四位数年份,如 2016")
        else:
            year = default_year
            if year is None:
                c = cols["year"]
                issue("missing-value", f"{a1(r, c)}:「年度」为空,标题中也没有写明年度", row=r, col=c,
                      hint="请填写年度,或使用 --year")
        method = None
        if j_method is not None and (v := row[j_method]) is not None and v != "":
            method = method_texts.get(v, False) if type(v) is str else False
            if method is False:
                t = cell_text(v)
                method = _METHOD_KEYS.get(key(t), t) if t else None
                if type(v) is str:
                    method_texts[v] = method
        supplier = optional("supplier", j_supplier, row, r)
        note = optional("note", j_note, row, r)
        if (len(issues) > n_issues and any(x.is_error for x in issues[n_issues:])) or \
                jurisdiction is None or unit is None or name is None or category is None or amount is None or year is None:
            skipped += 1
            totals.errors += 1
            if amount is not None and amount < 0:
                # The row is not counted, but say now what the record rules would say after the fix,
                # so the county corrects both in one round.
                from .rules import RuleOptions, negative_amount

                probe = ProjectRecord(jurisdiction or "", unit or "", name or "", category or "", amount, year or 0,
                                      Source(path, sheet, r + 1), cells=CellRefs(row_letters, str(r + 1)))
                issues.append(negative_amount(probe, RuleOptions()))
            continue
        add(r + 1, jurisdiction, unit, name, category, amount, year, subcategory, method, supplier, note,
            unit_id, ident(name))
        totals.sum += amount
        totals.count += 1
    report.rows = len(batch)
    if grid.hidden_rows or grid.hidden_cols:
        hidden_cells(grid, layout, batch, issues, issue)
    return SheetResult(batch, totals.finish(), issues, report, skipped)


def _section(heading: tuple[str, str], category: str | None, jurisdiction: str | None) -> tuple[str | None, str | None]:
    """A section heading (一、基本公共服务 / a row naming only 昌吉市) sets the category or the
    jurisdiction of the rows below it."""
    kind, value = heading
    return (value, jurisdiction) if kind == "category" else (category, value)
