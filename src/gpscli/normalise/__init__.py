"""Turn a detected table into typed project records, naming every problem with its cell.

The driver of the package: each data row is a kind of row (:mod:`.rows`: blank, heading, total,
breakdown, note, or a project); a project row's cells are read by the field parsers
(:mod:`.fields`, which also run the registered cell checks), and their findings become issues at
their cells. Plain project rows are read a column at a time by the same parsers (:mod:`.plain`).
Nothing becomes a silent blank or zero.

Modules: :mod:`.layout` finds the table (header rows, columns, unit); :mod:`.context` holds the
profile, catalogue and matching caches; :mod:`.sheet` settles a sheet's defaults and special
cells; :mod:`.cells` turns cells into text.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..checks.registry import Finding
from ..issues import Issue, make
from ..money import WAN, AmountError, parse_amount, plain_float
from ..readers.grid import SheetGrid, StreamedRows, a1, col_letter, row_windows
from ..records import FIELD_LABELS, ProjectRecord, RecordBatch, SheetReport, Source, TotalRow
from ..text import ident
from .cells import cell_text
from .context import Context
from .extra import columns_of, read_window
from .fields import NUMBER_TYPES, Fields
from .layout import Layout
from .plain import plain_rows
from .rows import Totals, first_text, first_value, heading, is_breakdown, is_not_project, total_label, total_level
from .sheet import defaults, hidden_cells, missing_columns, special_cells

__all__ = ["Context", "SheetResult", "cell_text", "extract"]

_CONTENT_FIELDS = frozenset(("unit", "name", "category", "subcategory", "amount", "method", "supplier", "note"))
_NO_FLAGS: dict[str, str] = {}


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
    """The project records of one sheet and the issues found in it."""
    reader = _SheetReader(grid, layout, ctx, path)
    if reader.missing:
        return reader.result()
    reader.read_rows()
    if grid.hidden_rows or grid.hidden_cols:
        hidden_cells(grid, layout, reader.batch, reader.issues, reader.issue)
    return reader.result()


class _SheetReader:
    """One sheet being read: its columns, defaults, running totals, section in force and issues."""

    def __init__(self, grid: SheetGrid, layout: Layout, ctx: Context, path: str) -> None:
        self.grid, self.layout, self.ctx, self.path, self.sheet = grid, layout, ctx, path, grid.name
        letters = layout.column_letters()
        self.report = SheetReport(
            name=grid.name, used=True, header_rows=tuple(range(layout.header_row + 1, layout.data_start + 1)),
            unit=layout.unit, unit_from=layout.unit_from, columns=letters)
        self.issues: list[Issue] = []
        self.totals = Totals()
        self.skipped = 0
        default_jur, default_year, self.missing = defaults(layout, ctx, Path(path).stem, self.report)
        self.batch = RecordBatch(path, grid.name, letters)
        if self.missing:
            missing_columns(self.missing, layout, self.issue)
            self.report.used = False
            self.report.reason = "缺少必填列:" + "、".join(FIELD_LABELS[f] for f in self.missing)
            return
        if layout.unit_conflict is not None:
            above, line, (hr, hc) = layout.unit_conflict
            self.issue("unit-conflict", "header", row=hr, col=hc, value=layout.headers.get("amount"),
                       header=layout.headers.get("amount", ""), unit=layout.unit, line=line, above=above)
        self.fields = Fields(ctx, layout, default_jur, default_year)
        self.default_jur = default_jur
        self.section_category: str | None = None
        self.section_jur: str | None = None
        cols = layout.columns
        mapped = sorted(cols.items(), key=lambda kv: kv[1])
        self.index = [(f, c - grid.col0) for f, c in mapped]
        self.jx = dict(self.index)  # field -> index in a row
        self.need = max(self.jx.values()) + 1
        self.content_js = [self.jx["amount"]] + [j for f, j in self.index if f in _CONTENT_FIELDS and f != "amount"]
        self.label_js = [self.jx[f] for f in ("seq", "jurisdiction", "unit", "name") if f in self.jx]
        self.batch.letters = {f: letters[f] for f, _ in mapped}
        self.amount_letter = letters["amount"]
        self.flags, self.fills, self.merged_amount = special_cells(grid, {c: f for f, c in mapped}, layout.data_start)
        self.extra_columns = columns_of(layout, grid.col0)

    # ---- issues -------------------------------------------------------------------------------
    def issue(self, code: str, variant: str = "", *, row: int | None = None, col: int | None = None,
              value: object = None, **params: object) -> None:
        """An issue of this sheet at 0-based (row, col), its message from the code's template."""
        self.issues.append(make(
            code, variant, path=self.path, sheet=self.sheet,
            cell=a1(row, col) if row is not None and col is not None else None,
            row=row + 1 if row is not None else None, column=col_letter(col) if col is not None else None,
            value=value, **params))

    def found(self, findings: list[Finding], r: int, field: str) -> None:
        c = self.layout.columns[field]
        for f in findings:
            self.issue(f.code, f.variant, row=r, col=c, value=f.value, **f.params)

    def result(self) -> SheetResult:
        self.report.rows = len(self.batch)
        return SheetResult(self.batch, self.totals.finish(), self.issues, self.report, self.skipped)

    # ---- rows ---------------------------------------------------------------------------------
    def read_rows(self) -> None:
        """Every data row: runs of plain rows taken column-wise, the others one by one; a streamed
        sheet (readers.grid.StreamedRows) window by window, the same way."""
        grid = self.grid
        pack = self.ctx.pack_records and isinstance(grid.rows, StreamedRows) and not (grid.hidden_rows or grid.hidden_cols)
        for base, data in row_windows(grid.rows, max(0, self.layout.data_start - grid.row0), len(grid.rows)):
            self._read_window(base, data)
            if pack:  # (hidden_cells reads the rows again: not then)
                self.batch.pack()

    def _read_window(self, begin: int, data: list[list]) -> None:
        """Rows begin:begin+len(data) of the grid, which ``data`` holds."""
        row0 = self.grid.row0
        end = begin + len(data)
        first = len(self.batch.row)
        skip = {r - row0 - begin for r in (*self.flags, *self.fills)}
        # (None when a row is shorter than the last mapped column)
        fast = plain_rows(data, self.jx, {i for i in skip if 0 <= i < len(data)}, self.fields, self.layout.unit == "元")
        plain = fast.ok if fast is not None else None
        n_data = end - begin
        i = begin
        while i < end:
            if plain is not None and plain[i - begin]:
                k = stop = i - begin
                while stop < n_data and plain[stop]:
                    stop += 1
                in_force = None if "jurisdiction" in self.jx else (self.section_jur or self.default_jur)
                if "jurisdiction" in self.jx or in_force is not None:
                    assert fast is not None  # plain came from it
                    self.totals.sum += fast.take(self.batch, k, stop, row0 + begin + 1, in_force)
                    self.totals.count += stop - k
                    i = begin + stop
                    continue
            self.row(i)
            i += 1
        if self.extra_columns:
            for r, col, f in read_window(self.extra_columns, self.batch, first, data, begin, row0, self.fills):
                self.issue(f.code, f.variant, row=r, col=self.layout.columns[col.field.name], value=f.value, **f.params)

    def row(self, i: int) -> None:
        """One data row, by kind; a project row is read field by field."""
        row = self.grid.rows[i]
        if len(row) < self.need:
            row = [*row, *([None] * (self.need - len(row)))]
        r = self.grid.row0 + i
        flagged = self.flags.get(r) if self.flags else None
        if not flagged and self._no_content(row):
            return
        fill = self.fills.get(r) if self.fills else None
        if fill:
            row = list(row)
            for f, v in fill.items():
                if not cell_text(row[self.jx[f]]):
                    row[self.jx[f]] = v
        jx = self.jx
        label = total_label(row, self.label_js, jx["unit"], jx["name"])
        if label:
            self._total(row, r, label, flagged)
            return
        if is_breakdown(row, jx["name"]):
            return
        if not flagged and self._subtotal_heading(row, r):
            return
        amount = self._quick_amount(row[jx["amount"]], flagged)
        if amount is None and self._not_a_project(row, flagged):
            return
        self.project(row, r, flagged or _NO_FLAGS, amount)

    def _no_content(self, row: list) -> bool:
        """No project content: blank, a template row holding only 序号/地区/年度, a section heading
        (一、基本公共服务; a row naming only 昌吉市), or a 合计 written in the 序号/地区 column. A heading
        sets the category or the jurisdiction of the rows below it."""
        for j in self.content_js:
            v = row[j]
            if v is not None and v != "" and not (type(v) is str and v.isspace()):
                return False
        texts = self._texts(row)
        text = first_text(row)
        if not text:
            return True
        if "计" not in text and "计" not in texts.get("seq", "") and "计" not in texts.get("jurisdiction", ""):
            self._section(heading(row, texts, text, self.ctx, self.fields.match))
            return True
        return False

    def _texts(self, row: list) -> dict[str, str]:
        return {f: cell_text(row[j]) for f, j in self.index}

    def _section(self, h: tuple[str, str] | None) -> None:
        if h is not None:
            kind, value = h
            if kind == "category":
                self.section_category = value
            else:
                self.section_jur = value

    def _total(self, row: list, r: int, label: str, flagged: dict | None) -> None:
        amount = None
        if not (flagged and "amount" in flagged):
            try:
                amount = parse_amount(row[self.jx["amount"]], self.layout.unit, self.layout.unit_stated)
            except AmountError:
                amount = None
        level = total_level(label)
        self.totals.row(level, (level, amount, Source(self.path, self.sheet, r + 1), f"{self.amount_letter}{r + 1}"))

    def _subtotal_heading(self, row: list, r: int) -> bool:
        """一、基本公共服务 | … | 30: a group heading carrying its group's subtotal (never a project)."""
        jx = self.jx
        first = first_value(row)
        if type(first) is not str or cell_text(row[jx["unit"]]) or row[jx["amount"]] in (None, ""):
            return False
        h = heading(row, self._texts(row), first_text(row), self.ctx, self.fields.match, with_amount=True)
        if h is None:
            return False
        try:
            sub = parse_amount(row[jx["amount"]], self.layout.unit, self.layout.unit_stated)
        except AmountError:
            return False
        self._section(h)
        self.totals.heading(("小计", sub, Source(self.path, self.sheet, r + 1), f"{self.amount_letter}{r + 1}",
                             cell_text(first)))
        return True

    def _quick_amount(self, raw: object, flagged: dict | None) -> Decimal | None:
        """The amount when it reads at once (a number, or text that is one): it decides the row's kind."""
        if flagged and "amount" in flagged:
            return None
        if type(raw) is float:
            amount = plain_float(raw)
            if amount is not None and self.layout.unit == "元":
                amount = amount / WAN
            return amount
        if type(raw) is str and raw:
            try:
                return parse_amount(raw, self.layout.unit, self.layout.unit_stated)
            except AmountError:
                return None
        return None

    def _not_a_project(self, row: list, flagged: dict | None) -> bool:
        """Rows without an amount that reads as a number and plainly no project: a heading with a
        blank amount (it sets the section), a note, a date, a repeated header."""
        jx = self.jx
        raw = row[jx["amount"]]
        if type(raw) in NUMBER_TYPES or (flagged and "amount" in flagged):
            return False
        texts = self._texts(row)
        text = first_text(row)
        if not texts["amount"]:
            h = heading(row, texts, text, self.ctx, self.fields.match)
            if h is not None:
                self._section(h)
                return True
        return is_not_project(row, text, texts, row[jx["name"]], raw, self.grid.col0, self.layout.columns)

    # ---- a project row --------------------------------------------------------------------------
    def project(self, row: list, r: int, flagged: dict[str, str], amount: Decimal | None) -> None:
        """Read a project row's fields; add it to the batch, or count it skipped when it has an error."""
        n_issues = len(self.issues)
        self._formula_flags(flagged, r)
        _jx, _fields = self.jx, self.fields
        values: dict[str, Any] = {}  # field -> the value read (None when missing or wrong)
        for field in ("jurisdiction", "unit", "name", "category", "subcategory", "amount", "year",
                      "method", "supplier", "note"):
            if field in flagged:
                values[field] = None
                continue
            found: list[Finding] = []
            values[field] = self._read(field, row, r, amount, values, found)
            if found:
                self.found(found, r, field)
        errors = len(self.issues) > n_issues and any(x.is_error for x in self.issues[n_issues:])
        if errors or any(values[f] is None for f in ("jurisdiction", "unit", "name", "category", "amount", "year")):
            self.skipped += 1
            self.totals.errors += 1
            self._partial_rules(values, r)
            return
        unit, unit_id = values["unit"]
        self.batch.add(r + 1, values["jurisdiction"], unit, values["name"], values["category"], values["amount"],
                       values["year"], values["subcategory"], values["method"], values["supplier"], values["note"],
                       unit_id, ident(values["name"]))
        self.totals.sum += values["amount"]
        self.totals.count += 1

    def _read(self, field: str, row: list, r: int, amount: Decimal | None, values: dict[str, Any],
              found: list[Finding]) -> object:
        """One field of a project row through its parser (the value, or None)."""
        fields, j = self.fields, self.jx.get(field)
        v = row[j] if j is not None else None
        if field == "jurisdiction":
            fallback = self.section_jur or self.default_jur
            return fields.jurisdiction(v if j is not None else None, fallback, found)
        if field == "unit":
            return fields.unit_pair(v, found)
        if field == "name":
            return fields.text("name", v, found)
        if field == "category":
            return fields.category(v, self.section_category, found, self._row_year(row) if fields.editions else None)
        if field == "subcategory":
            if j is None or v in (None, ""):
                return None
            return fields.subcategory(v, values.get("category"), found, self._row_year(row) if fields.editions else None)
        if field == "amount":
            return amount if amount is not None else fields.amount(v, self.merged_amount.get(r), found)
        if field == "year":
            return fields.year(v if j is not None else None, found)
        if j is None or v is None or v == "":
            return None
        if field == "method":
            return fields.method(v, found)
        return fields.text(field, v, found, required=False)

    def _row_year(self, row: list) -> int | None:
        """The row's year, read ahead for the catalogue edition of its 一级目录 (its problems are
        said when the 年度 cell itself is read)."""
        j = self.jx.get("year")
        return self.fields.year(row[j] if j is not None else None, [])

    def _formula_flags(self, flagged: dict[str, str], r: int) -> None:
        for f, flag in flagged.items():
            c = self.layout.columns[f]
            if flag == "formula-error":
                err = self.grid.errors.get((r, c), "#错误")
                self.issue("formula-error", row=r, col=c, value=err, field=FIELD_LABELS[f], error=err)
            else:
                self.issue("formula-without-value", row=r, col=c, field=FIELD_LABELS[f])

    def _partial_rules(self, values: dict[str, Any], r: int) -> None:
        """A row with an error is not counted; the record rules that can judge it as it is (a negative
        amount) say now what they would say after the fix, so the county corrects both at once."""
        amount = values.get("amount")
        if amount is None:
            return
        probe = RecordBatch(self.path, self.sheet, self.batch.letters)
        unit = values.get("unit") or ("", "")
        probe.add(r + 1, values.get("jurisdiction") or "", unit[0], values.get("name") or "",
                  values.get("category") or "", amount, values.get("year") or 0, None, None, None, None, "", "")
        from ..checks import partial_record_issues

        self.issues.extend(partial_record_issues(probe))
