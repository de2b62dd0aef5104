"""The aggregate as JSON, CSV and a printable xlsx 汇总表. All amounts exact (Decimal)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from .. import wording
from ..aggregate import DIMENSIONS, Aggregation, Figure
from ..money import amount_str
from .atomic import atomic_open
from .charts import chart_sheet
from .printing import for_a4
from .safe import cell_text, json_text
from .xlsx_rows import append_rows


def _figure(f: Figure) -> dict[str, Any]:
    """count and amount; and the register's amounts (budget, contract_amount, paid) where given."""
    return {"count": f.count, "amount": amount_str(f.amount),
            **{name: amount_str(value) for name, value in f.register.items()}}


def to_dict(agg: Aggregation) -> dict[str, Any]:
    d: dict[str, Any] = {
        "year": agg.year,
        "unit": "万元",
        "dimensions": list(agg.dimensions),
        "total": _figure(agg.total),
    }
    for dim in agg.dimensions:
        d[f"by_{dim}"] = [{dim: name, **_figure(f)} for name, f in agg.by[dim]]
    d["cells"] = [{**dict(zip(agg.dimensions, key)), **_figure(f)} for key, f in agg.cells]
    d["submissions"] = [{"jurisdiction": s.jurisdiction, "files": s.files, "rows": s.rows,
                         "status": s.status} for s in agg.submissions]
    counted: dict[str, int] = dict(agg.counted or {})
    for b, keep in agg.views:  # from the columns: no record is made to be counted
        counted[b.path] = counted.get(b.path, 0) + (len(b) if keep is None else len(keep))
    d["sources"] = [_source(f, counted) for f in agg.files if f.version is None or f.version.year == agg.year]
    d["skipped"] = [i.to_dict(with_path=True) for i in agg.skipped]
    d["warnings"] = [i.to_dict(with_path=True) for i in agg.warnings]
    if agg.basis is not None:  # read from the ledger: the state it stands on
        d["ledger"] = agg.basis.to_dict()
    if agg.comparison is not None:
        from ..compare import to_dict as compare_dict

        d["compare"] = compare_dict(agg)
    return d


def _source(f, counted: dict[str, int]) -> dict[str, Any]:
    d = {"path": f.path, "sha256": f.sha256, "rows": counted.get(f.path, 0), "ignored": f.ignored}
    v = f.version
    if v is not None:
        d.update({"jurisdiction": v.jurisdiction, "submitter": v.submitter, "period": v.period, "version": v.number,
                  "received_at": v.received_at, "zero_report": v.zero})
    return d


def to_json(agg: Aggregation) -> str:
    return json_text(to_dict(agg))


def to_csv(agg: Aggregation) -> str:
    """One line per cell, then 合计; UTF-8 with BOM so Excel opens it in Chinese."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    from ..register import LABELS, MONEY

    given = [name for name in MONEY if name in agg.total.register]  # 预算金额, 合同金额, 执行数 where given

    def register(f: Figure) -> list[str]:
        return [amount_str(f.register[n]) if n in f.register else "" for n in given]

    w.writerow([wording.YEAR, *[DIMENSIONS[d] for d in agg.dimensions], wording.TABLE_COUNT, wording.AMOUNT_COLUMN,
                *[f"{LABELS[n]}(万元)" for n in given]])
    for key, f in agg.cells:
        w.writerow([agg.year, *[cell_text(v) for v in key], f.count, amount_str(f.amount), *register(f)])
    w.writerow([agg.year, wording.TOTAL, *[""] * (len(agg.dimensions) - 1), agg.total.count,
                amount_str(agg.total.amount), *register(agg.total)])
    for title, issues in ((wording.SKIPPED_LABEL, agg.skipped), (wording.WARNED_LABEL, agg.warnings)):
        if issues:
            w.writerow([])
            w.writerow([title, "文件", "位置", "代码", "原因"])
            for i in issues:
                w.writerow(["", cell_text(i.path or ""), cell_text(i.location), i.code, cell_text(i.message)])
    return "\ufeff" + buf.getvalue()




def write(agg: Aggregation, path: Path, fmt: str | None = None, force: bool = False) -> Path:
    """Write one output file in the format its suffix names (or ``fmt``, a name in
    :data:`.formats.OUTPUT_FORMATS`); an existing file that gps did not write (or that was edited
    since) is replaced only with ``force``."""
    from .formats import OUTPUT_FORMATS, for_suffix, suffix_text

    form = OUTPUT_FORMATS.get(fmt.lower()) if fmt else for_suffix(path.suffix)
    if form is None:
        from ..errors import UsageError

        asked = (fmt or path.suffix.lstrip(".")).lower()
        raise UsageError(f"不支持的输出格式「{asked}」;输出文件的扩展名应为 {suffix_text()}")
    form.write(agg, path, force)
    return path


# ---- xlsx -------------------------------------------------------------------------------------

NUM = "#,##0.00"
COUNT = "0"


def _title(agg: Aggregation) -> str:
    return wording.table_title(agg.year, agg.region)


def write_xlsx(agg: Aggregation, path: Path, force: bool = False) -> None:
    with atomic_open(path, "wb", force=force) as fh:
        write_xlsx_to(agg, fh)


class _Sheet:
    """The 汇总表 sheet being written: its styles, and a cell writer that applies them."""

    def __init__(self, ws) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self.ws = ws
        thin = Side(style="thin", color="000000")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.head_font = Font(name="宋体", bold=True, size=11)
        self.body_font = Font(name="宋体", size=11)
        self.title_font = Font(name="宋体", bold=True, size=16)
        self.center = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.right = Alignment(horizontal="right")
        self.mark = Alignment(horizontal="center")
        self.fill = PatternFill("solid", fgColor="F2F2F2")

    def put(self, r: int, c: int, value: Any, *, fmt: str | None = None, bold: bool = False, align=None) -> None:
        if isinstance(value, str):
            value = cell_text(value)
        elif isinstance(value, Decimal):
            value = float(value)  # xlsx stores numbers as doubles; shown with two decimals
        cell = self.ws.cell(row=r, column=c, value=value)
        cell.border = self.border
        cell.font = self.head_font if bold else self.body_font
        if fmt:
            cell.number_format = fmt
        if align is not None:
            cell.alignment = align

    def figure(self, r: int, c: int, f: Figure | None, *, bold: bool = False) -> None:
        """项数 at column ``c`` and 金额 at ``c + 1``, numbers; a figure of no project (a category a
        jurisdiction did not buy) shows the mark wording.NO_FIGURE in both, not 0 and 0.00."""
        if f is None or f.count == 0:
            self.put(r, c, wording.NO_FIGURE, bold=bold, align=self.mark)
            self.put(r, c + 1, wording.NO_FIGURE, bold=bold, align=self.mark)
        else:
            self.put(r, c, f.count, fmt=COUNT, bold=bold)
            self.put(r, c + 1, f.amount, fmt=NUM, bold=bold)

    def title(self, text: str, width: int) -> None:
        cell = self.ws.cell(row=1, column=1, value=text)
        self.ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        cell.font, cell.alignment = self.title_font, self.center


def write_xlsx_to(agg: Aggregation, fh) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = wording.SUMMARY_SHEET
    sheet = _Sheet(ws)
    if len(agg.dimensions) == 2:
        _crosstab(sheet, agg)
    else:
        _listing(sheet, agg)
    if has_sub_fen_display(agg):
        ws.cell(row=ws.max_row + 2, column=1, value=ROUNDING_NOTE).font = Font(name="宋体", size=10, italic=True)
    for_a4(ws, title_rows="3:4" if len(agg.dimensions) == 2 else "2:2")  # landscape when wide
    chart_sheet(wb, agg, 1)
    rest, count, width = _detail_sheet(wb, agg, sheet.border)
    _submissions_sheet(wb, agg)
    if agg.basis is not None:
        _versions_sheet(wb, agg)
    if agg.skipped or agg.warnings:
        _issues_sheet(wb, agg)
    buf = io.BytesIO()
    wb.save(buf)
    fh.write(append_rows(buf.getvalue(), wording.DETAIL_SHEET, rest, count, first_row=3, width=width))


def _crosstab(sheet: _Sheet, agg: Aggregation) -> None:
    """Two dimensions: rows by the first, column pairs (项数, 金额) by the second, totals both ways."""
    from openpyxl.utils import get_column_letter

    ws, put, center = sheet.ws, sheet.put, sheet.center
    row_dim, col_dim = agg.dimensions
    col_values = [name for name, _ in agg.by[col_dim]]
    row_values = [name for name, _ in agg.by[row_dim]]
    ncols = 1 + 2 * (len(col_values) + 1)
    cells = dict(agg.cells)
    sheet.title(_title(agg), ncols)
    ws.row_dimensions[1].height = 32
    ws.cell(row=2, column=ncols, value=wording.UNIT_LINE).alignment = sheet.right
    put(3, 1, DIMENSIONS[row_dim], bold=True, align=center)
    put(4, 1, None, bold=True)
    ws.merge_cells(start_row=3, start_column=1, end_row=4, end_column=1)
    for n, name in enumerate([*col_values, "合计"]):
        c = 2 + 2 * n
        put(3, c, name, bold=True, align=center)
        put(3, c + 1, None, bold=True)
        ws.merge_cells(start_row=3, start_column=c, end_row=3, end_column=c + 1)
        put(4, c, "项数", bold=True, align=center)
        put(4, c + 1, "金额", bold=True, align=center)
    r = 5
    by_row = dict(agg.by[row_dim])
    last = 2 + 2 * len(col_values)
    for rv in row_values:
        put(r, 1, rv)
        for n, cv in enumerate(col_values):
            sheet.figure(r, 2 + 2 * n, cells.get((rv, cv)))
        sheet.figure(r, last, by_row[rv], bold=True)
        r += 1
    put(r, 1, "合计", bold=True, align=center)
    by_col = dict(agg.by[col_dim])
    for n, cv in enumerate(col_values):
        sheet.figure(r, 2 + 2 * n, by_col[cv], bold=True)
    sheet.figure(r, last, agg.total, bold=True)
    for row in ws.iter_rows(min_row=3, max_row=4):
        for cell in row:
            cell.fill = sheet.fill
    ws.column_dimensions["A"].width = max(12, max((len(v) for v in row_values), default=4) * 2 + 2)
    for n, name in enumerate([*col_values, "合计"]):
        width = max(14, len(name) * 2 + 2)
        ws.column_dimensions[get_column_letter(2 + 2 * n)].width = max(6, width / 2 - 2)
        ws.column_dimensions[get_column_letter(3 + 2 * n)].width = max(12, width / 2 + 2)
    ws.freeze_panes = "B5"


def _listing(sheet: _Sheet, agg: Aggregation) -> None:
    """One or three and more dimensions: a line per cell, then the total."""
    from openpyxl.utils import get_column_letter

    ws, put, dims = sheet.ws, sheet.put, agg.dimensions
    headers = [DIMENSIONS[d] for d in dims] + [wording.TABLE_COUNT, wording.AMOUNT_COLUMN]
    sheet.title(_title(agg), len(headers))
    for c, h in enumerate(headers, start=1):
        put(2, c, h, bold=True, align=sheet.center)
        ws.cell(row=2, column=c).fill = sheet.fill
        ws.column_dimensions[get_column_letter(c)].width = 26 if c <= len(dims) else 14
    r = 3
    for key, f in agg.cells:
        for c, v in enumerate(key, start=1):
            put(r, c, v)
        sheet.figure(r, len(dims) + 1, f)
        r += 1
    put(r, 1, "合计", bold=True)
    for c in range(2, len(dims) + 1):
        put(r, c, None, bold=True)
    sheet.figure(r, len(dims) + 1, agg.total, bold=True)
    ws.freeze_panes = "A3"


ROUNDING_NOTE = wording.ROUNDING_NOTE


def has_sub_fen_display(agg: Aggregation) -> bool:
    """True when some figure has more than two decimals in 万元 (e.g. amounts reported in 元)."""
    q = Decimal("0.01")
    return any(f.amount != f.amount.quantize(q) for _, f in agg.cells)


def _detail_sheet(wb, agg: Aggregation, border) -> tuple[Iterator[list], int, int]:
    """The 明细 sheet with its header and first row; returns the other rows, how many, and how many
    columns, for append_rows. The register's columns (gpscli.register) follow where rows give them."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from ..register import FIELDS as REGISTER
    from ..register import value_of

    ws = wb.create_sheet(wording.DETAIL_SHEET)
    headers = list(wording.DETAIL_HEADERS)
    given = {name for b, _keep in agg.views for name in b.extra}
    register = [f for f in REGISTER if f.name in given]
    headers += [f"{f.label}(万元)" if f.kind == "money" else f"{f.label}(月)" if f.kind == "months" else f.label
                for f in register]
    ws.append(headers)
    for c in ws[1]:
        c.font = Font(bold=True)
    order = {s.jurisdiction: n for n, s in enumerate(agg.submissions)}  # the profile's order
    records = sorted(agg.records, key=lambda r: (order.get(r.jurisdiction, len(order)), r.source.path, r.source.row))
    names: dict[str, str] = {}

    def row(n: int, r) -> list:
        file_name = names.get(r.source.path)
        if file_name is None:
            file_name = names[r.source.path] = cell_text(Path(r.source.path).name)
        return [n, cell_text(r.jurisdiction), cell_text(r.unit), cell_text(r.name), r.category,
                cell_text(r.subcategory or ""), float(r.amount), cell_text(r.method or ""),
                cell_text(r.supplier or ""), r.year, file_name, cell_text(r.source.sheet),
                r.cell("amount") or wording.row_text(r.source.row), *[_shown(f.kind, value_of(r.extra, f.name))
                                                                        for f in register]]

    if records:  # the first row through openpyxl, for its styles; the rest by append_rows (fast)
        ws.append(row(1, records[0]))
        ws.cell(row=2, column=7).number_format = NUM
        for n, f in enumerate(register, start=len(wording.DETAIL_HEADERS) + 1):
            if f.kind == "money":
                ws.cell(row=2, column=n).number_format = NUM
    widths = (6, 18, 28, 34, 24, 20, 13, 12, 28, 7, 28, 12, 8, *[14] * len(register))
    for n, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(n)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(1, len(records) + 1)}"
    for_a4(ws, title_rows="1:1")  # set through openpyxl: append_rows rewrites sheetData only
    return (row(n, r) for n, r in enumerate(records[1:], start=2)), max(0, len(records) - 1), len(headers)


def _shown(kind: str, value: object) -> object:
    """A register value as a 明细 cell: amounts and months as numbers, dates as 2017-03-01, texts safe."""
    import datetime as dt

    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value) if kind == "money" else int(value) if value == value.to_integral_value() else float(value)
    return cell_text(value) if isinstance(value, str) else value


def _submissions_sheet(wb, agg: Aggregation) -> None:
    from openpyxl.styles import Font, PatternFill

    ws = wb.create_sheet(wording.SUBMISSIONS_SHEET)
    ws.append(list(wording.SUBMISSION_HEADERS))
    for c in ws[1]:
        c.font = Font(bold=True)
    for s in agg.submissions:
        ws.append([s.jurisdiction, s.files, s.rows, s.status])
        if not s.submitted:
            ws.cell(row=ws.max_row, column=4).fill = PatternFill("solid", fgColor="FFC7CE")
    for letter, width in zip("ABCD", (26, 8, 10, 18)):
        ws.column_dimensions[letter].width = width
    for_a4(ws, title_rows="1:1")


def _versions_sheet(wb, agg: Aggregation) -> None:
    """来源版本: made from the ledger, the state it stands on (the moment, and each version used)."""
    from openpyxl.styles import Font

    from ..periods import local_text

    basis = agg.basis
    ws = wb.create_sheet(wording.VERSIONS_SHEET)
    moment = f"截至 {local_text(basis.as_of)}" if basis.as_of is not None else "截至汇总时"
    ws.append([cell_text(f"数据来自账本 {basis.ledger}:{basis.period.text}各报送单位的当前版本,{moment}")])
    ws.append(list(wording.VERSION_HEADERS))
    for c in ws[2]:
        c.font = Font(bold=True)
    for v in sorted(basis.versions, key=lambda v: (v.jurisdiction, v.submitter)):
        ws.append([cell_text(v.jurisdiction), cell_text(v.submitter), v.period, v.number, local_text(v.received_at),
                   cell_text(v.file_name), v.sha256])
    for letter, width in zip("ABCDEFG", (22, 26, 8, 6, 18, 30, 66)):
        ws.column_dimensions[letter].width = width
    for_a4(ws, title_rows="2:2")


def _issues_sheet(wb, agg: Aggregation) -> None:
    """问题: the errors whose rows were left out (--skip-invalid) and the warnings on what was counted."""
    from openpyxl.styles import Alignment, Font, PatternFill

    from ..codes import REGISTRY

    ws = wb.create_sheet(wording.ISSUES_SHEET)
    ws.append(list(wording.ISSUE_HEADERS))
    for c in ws[1]:
        c.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for label, issues, fill in ((wording.SKIPPED_LABEL, agg.skipped, "FFC7CE"),
                                (wording.WARNED_LABEL, agg.warnings, "FFEB9C")):
        for i in issues:  # the issue's Chinese title; its code last, for the README's table and scripts
            ws.append([cell_text(i.path or ""), cell_text(i.location), i.severity.label, label,
                       REGISTRY[i.code].title, cell_text(i.message), cell_text(i.hint or ""), i.code])
            ws.cell(row=ws.max_row, column=4).fill = PatternFill("solid", fgColor=fill)
            for cell in ws[ws.max_row][4:7]:
                cell.alignment = wrap
    for letter, width in zip("ABCDEFGH", (36, 18, 6, 14, 24, 60, 40, 14)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:H{ws.max_row}"
    for_a4(ws, title_rows="1:1")
